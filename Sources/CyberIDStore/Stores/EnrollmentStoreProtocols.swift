public import CyberIDCore
public import Foundation

/// Persists trusted CSCAs and CRLs.
public protocol TrustAnchorStore: Sendable {
    /// Adds an anchor; adding the same DER again is a no-op.
    /// - Returns: whether it was new.
    @discardableResult
    func add(_ anchor: TrustAnchorRecord) async throws -> Bool
    /// Every anchor, oldest first.
    func trustAnchors() async throws -> [TrustAnchorRecord]
    /// Removes an anchor by fingerprint (or a unique prefix of at least 8 hex digits).
    /// - Returns: the removed anchor.
    /// - Throws: ``StoreError/notFound`` when nothing, or more than one anchor, matches.
    func removeTrustAnchor(fingerprintPrefix: String) async throws -> TrustAnchorRecord
}

/// Persists the service's own CAs.
public protocol CertificateAuthorityStore: Sendable {
    /// The CA with this name.
    func certificateAuthority(name: String) async throws -> CertificateAuthorityRecord?
    /// Stores the root and issuing CA together, unless another process stored them first.
    /// - Returns: whether these were stored (false: a pair already existed, load it instead).
    func createCertificateAuthorities(_ records: [CertificateAuthorityRecord]) async throws -> Bool
}

/// Persists enrollment sessions and completes them atomically.
public protocol EnrollmentStore: Sendable {
    /// Stores a new session.
    func create(_ session: EnrollmentSessionRecord) async throws
    /// A session by id.
    func enrollmentSession(id: String) async throws -> EnrollmentSessionRecord?
    /// Writes `session` if the stored version is still `session.version`, storing version + 1.
    /// - Returns: whether the update happened (false: another request changed the session first).
    func update(_ session: EnrollmentSessionRecord) async throws -> Bool
    /// Completes a session in one transaction: creates the person and their network number,
    /// stores the certificate, and records the answer on the session (compare-and-set).
    /// - Throws: ``StoreError/conflict`` when the identity already has a live person or the
    ///   session changed meanwhile.
    func complete(
        _ session: EnrollmentSessionRecord, person: PersonRecord, networkNumber: String,
        certificate: NetworkCertificateRecord
    ) async throws
    /// Completes a device-replacement session in one transaction: re-seals the person's record
    /// (from the fresh chip read), marks them verified now, revokes their certificates and
    /// stores the new one, with a history entry and security events, and records the answer on
    /// the session (compare-and-set). `level`, when given, becomes the person's level. Without a
    /// certificate only the record (and level), the history and the session are written.
    /// - Throws: ``StoreError/notFound`` when the person was cancelled meanwhile,
    ///   ``StoreError/conflict`` when the session changed meanwhile.
    func completeReplacement(
        _ session: EnrollmentSessionRecord, personID: String, record: (ciphertext: [UInt8], wrappedKey: [UInt8]),
        certificate: NetworkCertificateRecord?, level: AssuranceLevel?, history: HistoryEntry,
        indexes: (blindIndex: [UInt8], personIndex: [UInt8], nationalIndex: [UInt8]?)?
    ) async throws
    /// Deletes unfinished sessions that expired before `time`, and completed ones a day after
    /// their expiry — at most `limit`, the oldest expiry first; returns how many sessions.
    func purgeExpiredEnrollmentSessions(before time: Date, limit: Int) async throws -> Int
    /// Deletes these sessions, whatever their state (`cyberid dev seed`: a seeded person's
    /// enrollment is long past, and a live store keeps a completed session only a day); returns
    /// how many there were.
    func deleteEnrollmentSessions(ids: [String]) async throws -> Int
}

/// Persists issued network certificates.
public protocol NetworkCertificateStore: Sendable {
    /// A certificate by serial (lower-case hex).
    func networkCertificate(serial: String) async throws -> NetworkCertificateRecord?
    /// A person's certificates, newest first.
    func networkCertificates(personID: String) async throws -> [NetworkCertificateRecord]
    /// Replaces a person's certificates with a new one (renewal), revoking the others, with a
    /// history entry and security events, in one transaction.
    /// - Parameter presentedSerial: the certificate that authenticated the request; when given,
    ///   it must still be valid inside the transaction.
    /// - Throws: ``StoreError/conflict`` when the presented certificate was revoked meanwhile.
    func replaceCertificates(
        with certificate: NetworkCertificateRecord, history: HistoryEntry, presentedSerial: String?
    ) async throws
}
