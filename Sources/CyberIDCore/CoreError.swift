/// An error raised by a domain rule in ``CyberIDCore``.
///
/// Follows the swift-certificates / jwt-kit pattern: a small struct whose equality compares the
/// ``code`` only, so callers can match `error == .checkCharacterMismatch` while the ``reason``
/// keeps a human-readable explanation for logs and problem details.
public struct CoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case invalidLength = "invalid_length"
            case invalidCharacter = "invalid_character"
            case checkCharacterMismatch = "check_character_mismatch"
            case invalidDate = "invalid_date"
        }

        fileprivate let base: Base

        /// The wire form of the code, stable across releases.
        public var description: String { base.rawValue }
    }

    /// What went wrong, as a stable code.
    public let code: Code
    /// A human-readable explanation. Never contains personal data.
    public let reason: String

    private init(_ base: Code.Base, _ reason: String) {
        self.code = Code(base: base)
        self.reason = reason
    }

    /// A network number did not have 17 symbols after removing dashes.
    public static func invalidLength(_ reason: String) -> CoreError { CoreError(.invalidLength, reason) }
    /// A network number contained a symbol outside the Crockford base32 alphabet.
    public static func invalidCharacter(_ reason: String) -> CoreError { CoreError(.invalidCharacter, reason) }
    /// A network number's check character did not match its payload.
    public static func checkCharacterMismatch(_ reason: String) -> CoreError {
        CoreError(.checkCharacterMismatch, reason)
    }
    /// A calendar date was not a real date, or not in `YYYY-MM-DD` form.
    public static func invalidDate(_ reason: String) -> CoreError { CoreError(.invalidDate, reason) }

    /// Any error whose code is ``Code-swift.struct/invalidLength``; for pattern matching.
    public static let invalidLength = CoreError(.invalidLength, "")
    /// Any error whose code is ``Code-swift.struct/invalidCharacter``; for pattern matching.
    public static let invalidCharacter = CoreError(.invalidCharacter, "")
    /// Any error whose code is ``Code-swift.struct/checkCharacterMismatch``; for pattern matching.
    public static let checkCharacterMismatch = CoreError(.checkCharacterMismatch, "")
    /// Any error whose code is ``Code-swift.struct/invalidDate``; for pattern matching.
    public static let invalidDate = CoreError(.invalidDate, "")

    public static func == (lhs: CoreError, rhs: CoreError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }
}
