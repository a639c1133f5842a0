public import Foundation

/// The derivation root sealed under one master key (`master_keys`, schema 14).
public struct MasterKeyRootRecord: Sendable, Equatable {
    /// The master key's public identifier.
    public var keyID: String
    /// The root, AES-256-GCM sealed under a key derived from that master key.
    public var sealedRoot: [UInt8]
    /// When the row was written.
    public var createdAt: Date
    /// When the key was retired (its sealed root erased): it may never be used again.
    public var retiredAt: Date?

    public init(keyID: String, sealedRoot: [UInt8], createdAt: Date, retiredAt: Date? = nil) {
        (self.keyID, self.sealedRoot, self.createdAt, self.retiredAt) = (keyID, sealedRoot, createdAt, retiredAt)
    }
}

/// The kinds of secret wrapped under the master key, which a master-key rotation re-wraps.
public enum WrappedSecretKind: String, Sendable, CaseIterable {
    /// A person's record data key (`persons.record_wrapped_key`; shredded ones are skipped).
    case personRecordKey = "person-record-key"
    /// An open enrollment session's pending record data key (`enrollment_sessions.sealed_identity_key`).
    case sessionRecordKey = "session-record-key"
    /// A signing key's private half (`signing_keys.sealed_private_key`).
    case signingKey = "signing-key"
    /// A CA's private key (`certificate_authorities.sealed_private_key`; an imported root has none).
    case certificateAuthorityKey = "certificate-authority-key"
}

/// One wrapped secret: its row and its sealed bytes.
public struct WrappedSecret: Sendable, Equatable {
    public var kind: WrappedSecretKind
    /// The row's key (person id, session id, `kid`, CA name), also the seal's context.
    public var id: String
    public var sealed: [UInt8]

    public init(kind: WrappedSecretKind, id: String, sealed: [UInt8]) {
        (self.kind, self.id, self.sealed) = (kind, id, sealed)
    }
}

/// Master-key state: the sealed derivation root per master key, and the wrapped secrets a
/// rotation walks.
public protocol MasterKeyStore: Sendable {
    /// Every stored root, oldest first.
    func masterKeyRoots() async throws -> [MasterKeyRootRecord]
    /// Adds the root sealed under another master key.
    /// - Returns: `false` when that key already has a row (the row is left as it is).
    func addMasterKeyRoot(_ record: MasterKeyRootRecord) async throws -> Bool
    /// Retires every master key but `keyID`: erases its sealed root and marks it retired, so it
    /// is refused if it is ever configured again.
    /// - Returns: how many keys were retired.
    func retireMasterKeys(except keyID: String, at time: Date) async throws -> Int
    /// A page of wrapped secrets of one kind, by id, after `id` (exclusive; `nil` from the start).
    func wrappedSecrets(_ kind: WrappedSecretKind, after id: String?, limit: Int) async throws -> [WrappedSecret]
    /// Replaces one wrapped secret if it still holds `secret.sealed` (compare-and-set, so a
    /// record re-sealed meanwhile by the service is left alone). An enrollment session's
    /// version is bumped too, so a request holding the session from before cannot write the
    /// old wrap back.
    /// - Returns: whether the row was changed.
    func replaceWrappedSecret(_ secret: WrappedSecret, with sealed: [UInt8]) async throws -> Bool
}
