public import CyberIDKeys
public import CyberIDStore
public import Foundation

/// The one place that seals and opens identity records: a person's (`person:<id>`) and an
/// enrollment session's pending one (`enrollment:<id>`), each under its own data key wrapped by
/// the master key (envelope encryption). Destroying the wrapped key shreds a record.
public struct IdentityVault: Sendable {
    private let envelope: EnvelopeEncryption

    /// Creates the vault under the service's master key.
    public init(masterKey: MasterKey) { envelope = EnvelopeEncryption(masterKey: masterKey) }

    /// Seals a person's record.
    /// - Returns: the ciphertext and the wrapped data key, for ``PersonRecord``.
    public func seal(_ record: IdentityRecord, personID: String) throws -> SealedEnvelope {
        try envelope.seal(try JSONEncoder.enrollment.encode(record), context: Self.context(personID: personID))
    }

    /// Opens a person's record.
    /// - Returns: `nil` once the record has been shredded (a cancelled person).
    /// - Throws: when the ciphertext does not open (tampering or another master key).
    public func open(_ person: PersonRecord) throws -> IdentityRecord? {
        guard let key = person.recordWrappedKey else { return nil }
        return try open(SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: key), context: Self.context(personID: person.id))
    }

    /// Seals a session's pending record into the session.
    public func seal(_ record: IdentityRecord, into session: inout EnrollmentSessionRecord) throws {
        let sealed = try envelope.seal(try JSONEncoder.enrollment.encode(record), context: Self.context(sessionID: session.id))
        session.sealedIdentity = sealed.ciphertext
        session.sealedIdentityKey = sealed.wrappedKey
    }

    /// Opens a session's pending record.
    /// - Returns: `nil` when the session holds none (no document verified yet, or completed).
    public func open(_ session: EnrollmentSessionRecord) throws -> IdentityRecord? {
        guard let ciphertext = session.sealedIdentity, let key = session.sealedIdentityKey else { return nil }
        return try open(SealedEnvelope(ciphertext: ciphertext, wrappedKey: key), context: Self.context(sessionID: session.id))
    }

    private func open(_ sealed: SealedEnvelope, context: String) throws -> IdentityRecord {
        try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(try envelope.open(sealed, context: context)))
    }

    /// The envelope context of a person's record: binds it to its row.
    public static func context(personID: String) -> String { "person:\(personID)" }

    /// The envelope context of an enrollment session's pending record.
    public static func context(sessionID: String) -> String { "enrollment:\(sessionID)" }
}
