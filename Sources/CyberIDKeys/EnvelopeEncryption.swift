public import CyberIDCore
public import Crypto
public import Foundation

/// Data sealed under its own data key, with that data key wrapped by the master key.
public struct SealedEnvelope: Sendable, Equatable {
    /// AES-256-GCM `nonce ‖ ciphertext ‖ tag` of the data under the data key.
    public var ciphertext: [UInt8]
    /// AES-256-GCM `nonce ‖ ciphertext ‖ tag` of the data key under the key-encryption key.
    /// Destroying this (and nothing else) makes the data unrecoverable: crypto-shredding.
    public var wrappedKey: [UInt8]

    /// Creates an envelope from its stored parts.
    public init(ciphertext: [UInt8], wrappedKey: [UInt8]) {
        self.ciphertext = ciphertext
        self.wrappedKey = wrappedKey
    }
}

/// Envelope encryption for personal data at rest.
///
/// Every record gets a fresh random AES-256 data key; the data key is wrapped with AES-256-GCM
/// under a key-encryption key derived from the master key. Both layers bind a caller-given
/// context (e.g. `person:<id>`) as associated data, so a ciphertext copied onto another row does
/// not decrypt.
public struct EnvelopeEncryption: Sendable {
    private let keyEncryptionKey: WrappingKeys

    /// The wrapping purpose of the key-encryption key (master-key rotation re-wraps under it).
    public static let purpose = "envelope-kek v1"

    /// Creates the helper from the master key.
    public init(masterKey: MasterKey) {
        keyEncryptionKey = masterKey.wrapping(Self.purpose)
    }

    /// Seals `plaintext` under a new data key.
    /// - Parameters:
    ///   - plaintext: the data.
    ///   - context: associated data binding the envelope to its row.
    /// - Returns: the ciphertext and the wrapped data key.
    public func seal(_ plaintext: some DataProtocol, context: String) throws -> SealedEnvelope {
        let dataKey = SymmetricKey(size: .bits256)
        let aad = Array(context.utf8)
        let body = try AES.GCM.seal(plaintext, using: dataKey, authenticating: aad)
        let wrappedKey = try dataKey.withUnsafeBytes { keyBytes in
            try keyEncryptionKey.seal(Array(keyBytes), authenticating: aad)
        }
        guard let ciphertext = body.combined else { throw KeyError.decryptionFailed("cannot encode the sealed box") }
        return SealedEnvelope(ciphertext: Array(ciphertext), wrappedKey: wrappedKey)
    }

    /// Opens an envelope.
    /// - Parameters:
    ///   - envelope: the stored parts.
    ///   - context: the same context given to ``seal(_:context:)``.
    /// - Returns: the plaintext.
    /// - Throws: ``KeyError/decryptionFailed`` for a wrong key, a wrong context or tampering.
    public func open(_ envelope: SealedEnvelope, context: String) throws(KeyError) -> [UInt8] {
        let aad = Array(context.utf8)
        do {
            let dataKeyBytes = try keyEncryptionKey.open(envelope.wrappedKey, authenticating: aad)
            let plaintext = try AES.GCM.open(
                AES.GCM.SealedBox(combined: envelope.ciphertext), using: SymmetricKey(data: dataKeyBytes),
                authenticating: aad)
            return Array(plaintext)
        } catch {
            throw .decryptionFailed("the envelope does not open with this master key and context")
        }
    }

    /// The data key of an envelope re-wrapped under the current master key, or `nil` when it
    /// already is: master-key rotation touches only the wrapped key, never the ciphertext.
    /// - Throws: ``KeyError/decryptionFailed`` when neither configured key opens it.
    public func rewrap(_ wrappedKey: [UInt8], context: String) throws(KeyError) -> [UInt8]? {
        try keyEncryptionKey.rewrap(wrappedKey, authenticating: Array(context.utf8))
    }
}
