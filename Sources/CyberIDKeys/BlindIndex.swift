import Crypto

/// A keyed, deterministic fingerprint of identifying data, for equality look-ups without
/// storing the data.
///
/// `HMAC-SHA256(k, len(p₁)‖p₁‖len(p₂)‖p₂…)` where `k` is derived from the master key for this
/// purpose only. Each part is length-prefixed so `("AB","C")` and `("A","BC")` differ. Without
/// the key, an attacker holding the database cannot test guesses (document numbers are short).
public struct BlindIndex: Sendable {
    private let key: SymmetricKey

    /// Creates the index function from the master key.
    /// - Parameter purpose: separates independent indexes (e.g. `"person-identity v1"`).
    public init(masterKey: MasterKey, purpose: String = "person-identity v1") {
        key = masterKey.derive("blind-index " + purpose)
    }

    /// Computes the index of the given parts.
    /// - Parameter parts: normalised identifying fields, in a fixed order.
    /// - Returns: 32 bytes.
    public func index(_ parts: [String]) -> [UInt8] {
        var message = [UInt8]()
        message.reserveCapacity(parts.reduce(0) { $0 + 4 + $1.utf8.count })
        for part in parts {
            let length = UInt32(part.utf8.count)
            message += [UInt8(length >> 24), UInt8(length >> 16 & 0xff), UInt8(length >> 8 & 0xff), UInt8(length & 0xff)]
            message += part.utf8
        }
        return Array(HMAC<SHA256>.authenticationCode(for: message, using: key))
    }
}
