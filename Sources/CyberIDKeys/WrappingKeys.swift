public import Crypto
public import Foundation

/// AES-256-GCM keys of one wrapping purpose (``MasterKey/wrapping(_:)``): the current master
/// key's to seal, and while a rotation runs the previous key's as well to open. Every sealed
/// value is `nonce ‖ ciphertext ‖ tag` with the caller's associated data, so a value copied to
/// another row does not open.
public struct WrappingKeys: Sendable {
    private let sealing: SymmetricKey
    private let previous: SymmetricKey?

    init(sealing: SymmetricKey, previous: SymmetricKey?) {
        (self.sealing, self.previous) = (sealing, previous)
    }

    /// Seals `plaintext` under the current key.
    /// - Returns: the combined sealed box.
    public func seal(_ plaintext: some DataProtocol, authenticating aad: [UInt8]) throws(KeyError) -> [UInt8] {
        guard let combined = try? AES.GCM.seal(plaintext, using: sealing, authenticating: aad).combined else {
            throw .decryptionFailed("cannot seal")
        }
        return Array(combined)
    }

    /// Opens a sealed box under the current key or, failing that, the previous one.
    /// - Throws: ``KeyError/decryptionFailed(_:)`` when neither key opens it.
    public func open(_ sealed: [UInt8], authenticating aad: [UInt8]) throws(KeyError) -> Data {
        try openReporting(sealed, authenticating: aad).plaintext
    }

    /// Opens a sealed box and says whether the current key was the one that opened it.
    /// - Throws: ``KeyError/decryptionFailed(_:)`` when neither key opens it.
    public func openReporting(_ sealed: [UInt8], authenticating aad: [UInt8]) throws(KeyError)
        -> (plaintext: Data, current: Bool)
    {
        guard let box = try? AES.GCM.SealedBox(combined: sealed) else { throw .decryptionFailed("not a sealed box") }
        if let plaintext = try? AES.GCM.open(box, using: sealing, authenticating: aad) { return (plaintext, true) }
        if let previous, let plaintext = try? AES.GCM.open(box, using: previous, authenticating: aad) {
            return (plaintext, false)
        }
        throw .decryptionFailed("it does not open with the configured master key(s)")
    }

    /// The same secret sealed under the current key, or `nil` when it already is (master-key
    /// rotation; the plaintext never leaves this function).
    /// - Throws: ``KeyError/decryptionFailed(_:)`` when neither key opens it.
    public func rewrap(_ sealed: [UInt8], authenticating aad: [UInt8]) throws(KeyError) -> [UInt8]? {
        let (plaintext, current) = try openReporting(sealed, authenticating: aad)
        return current ? nil : try seal(plaintext, authenticating: aad)
    }
}
