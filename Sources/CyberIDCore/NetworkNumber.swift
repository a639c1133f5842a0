/// A person's public identifier (网号): 80 random bits written as 16 Crockford base32 symbols,
/// followed by one check symbol, shown as `XXXX-XXXX-XXXX-XXXX-C`.
///
/// The number is never derived from personal data: ``generate(using:)`` draws it from a random
/// number generator, which callers inject so tests are deterministic.
///
/// ## Check character
/// The symbols are read as elements of the field GF(32) (polynomial `x⁵ + x² + 1`). The check
/// symbol `c` is chosen so that the Damm-style running value `r ← α·r ⊕ v`, taken over all 17
/// symbols with `α = x`, ends at zero; equivalently `Σ αⁱ·vᵢ = 0`. Because `v ↦ α·r ⊕ v` and
/// `r ↦ α·r ⊕ v` are both bijections, **every single-symbol substitution** changes the result;
/// because `α ≠ 1`, **every transposition of two adjacent different symbols** changes it too
/// (the difference is `αᵏ(α⊕1)(a⊕b) ≠ 0`). See `docs/network-number.md`.
public struct NetworkNumber: Sendable, Hashable {
    /// Number of random payload symbols (5 bits each: 80 bits).
    public static let payloadLength = 16

    /// The 17 symbol values (0–31), payload then check.
    private let values: [UInt8]

    private init(values: [UInt8]) {
        self.values = values
    }

    /// Draws a new random network number.
    /// - Parameter rng: the source of randomness; production passes `SystemRandomNumberGenerator`.
    /// - Returns: a valid number with its check symbol.
    public static func generate<R: RandomNumberGenerator>(using rng: inout R) -> NetworkNumber {
        var payload = [UInt8]()
        payload.reserveCapacity(payloadLength + 1)
        for _ in 0..<payloadLength {
            payload.append(UInt8.random(in: 0..<32, using: &rng))
        }
        payload.append(checkSymbol(for: payload))
        return NetworkNumber(values: payload)
    }

    /// Draws a new random network number from the system's secure generator.
    /// - Returns: a valid number with its check symbol.
    public static func generate() -> NetworkNumber {
        var rng = SystemRandomNumberGenerator()
        return generate(using: &rng)
    }

    /// Parses a number as a person types it: case-insensitive, dashes optional, I/L read as 1
    /// and O as 0, surrounding white space ignored.
    /// - Parameter text: the user's input.
    /// - Throws: ``CoreError/invalidLength``, ``CoreError/invalidCharacter`` or
    ///   ``CoreError/checkCharacterMismatch``.
    public init(parsing text: some StringProtocol) throws(CoreError) {
        var values = [UInt8]()
        values.reserveCapacity(Self.payloadLength + 1)
        var trimmed = Substring(text)
        while let first = trimmed.first, first.isWhitespace { trimmed.removeFirst() }
        while let last = trimmed.last, last.isWhitespace { trimmed.removeLast() }
        for byte in trimmed.utf8 where byte != UInt8(ascii: "-") {
            guard let value = CrockfordBase32.value(of: byte) else {
                throw .invalidCharacter("a network number uses only Crockford base32 symbols")
            }
            values.append(value)
            guard values.count <= Self.payloadLength + 1 else {
                throw .invalidLength("a network number has 17 symbols")
            }
        }
        guard values.count == Self.payloadLength + 1 else {
            throw .invalidLength("a network number has 17 symbols")
        }
        guard Self.runningCheck(values) == 0 else {
            throw .checkCharacterMismatch("the check character does not match; the number was mistyped")
        }
        self.values = values
    }

    /// The canonical form without dashes, as stored and compared: 17 upper-case symbols.
    public var canonical: String {
        String(decoding: values.map { CrockfordBase32.alphabet[Int($0)] }, as: UTF8.self)
    }

    /// The display form `XXXX-XXXX-XXXX-XXXX-C`.
    public var formatted: String {
        var out = [UInt8]()
        out.reserveCapacity(21)
        for (index, value) in values.enumerated() {
            if index > 0 && index % 4 == 0 { out.append(UInt8(ascii: "-")) }
            out.append(CrockfordBase32.alphabet[Int(value)])
        }
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: GF(32) arithmetic

    /// Multiplies by α = x in GF(2⁵) with the primitive polynomial x⁵ + x² + 1.
    private static func timesAlpha(_ value: UInt8) -> UInt8 {
        let shifted = value << 1
        return shifted & 0x20 != 0 ? shifted ^ 0x25 : shifted
    }

    /// The running value `r ← α·r ⊕ v` over `symbols`.
    private static func runningCheck(_ symbols: [UInt8]) -> UInt8 {
        symbols.reduce(0) { timesAlpha($0) ^ $1 }
    }

    /// The check symbol that brings the running value over payload + check to zero.
    package static func checkSymbol(for payload: [UInt8]) -> UInt8 {
        timesAlpha(runningCheck(payload))
    }
}

extension NetworkNumber: CustomStringConvertible {
    public var description: String { formatted }
}

extension NetworkNumber: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        try self.init(parsing: try container.decode(String.self))
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(formatted)
    }
}
