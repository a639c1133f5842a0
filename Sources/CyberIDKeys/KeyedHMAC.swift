public import Crypto

/// HMAC-SHA256 under one fixed key, the key's inner and outer blocks hashed once at creation:
/// each code is a copy of that state fed the message (two hash blocks for a short message),
/// instead of `HMAC.authenticationCode(for:using:)`, which pads and hashes the key again on every
/// call. The codes are the same (`KeyedHMACTests`).
public struct KeyedHMAC: Sendable {
    // Two hash states (copy-on-write); each use copies them before feeding them.
    private let keyed: HMAC<SHA256>

    /// Keys the HMAC.
    public init(key: SymmetricKey) {
        keyed = HMAC<SHA256>(key: key)
    }

    /// HMAC-SHA256(key, message).
    public func code(for message: [UInt8]) -> [UInt8] {
        var hmac = keyed
        hmac.update(data: message)
        return Array(hmac.finalize())
    }
}
