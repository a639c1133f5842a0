public import Foundation

/// A person's network-identity password as stored: never the password, its scrypt hash.
public struct PasswordRecord: Sendable, Equatable {
    public var personID: String
    /// `scrypt$…` (``PasswordHasher``'s stored form).
    public var hash: String
    /// Attempts counted since the last correct entry (each is counted before it is checked).
    public var failures: Int
    /// When the attempts reached the limit; the password is locked until a reset.
    public var lockedAt: Date?
    public var updatedAt: Date

    public init(personID: String, hash: String, failures: Int = 0, lockedAt: Date? = nil, updatedAt: Date) {
        (self.personID, self.hash, self.failures, self.lockedAt, self.updatedAt) = (
            personID, hash, failures, lockedAt, updatedAt
        )
    }
}

/// The passwords (issue 17).
public protocol PasswordStore: Sendable {
    /// The person's password, if one is set.
    func password(personID: String) async throws -> PasswordRecord?
    /// Sets the first password, with its history entry; `false` if one is set already (a
    /// concurrent first setting won).
    func addPassword(personID: String, hash: String, history: HistoryEntry, now: Date) async throws -> Bool
    /// Sets (or replaces) the password: the attempts and the lock are cleared; the history entry
    /// is written in the same transaction.
    func setPassword(personID: String, hash: String, history: HistoryEntry, now: Date) async throws
    /// Counts one attempt before it is checked, unless `limit` attempts are counted already.
    /// - Returns: the record with the attempt counted, or `nil` when the password is locked
    ///   (or not set): no attempt may be made.
    func reservePasswordAttempt(personID: String, limit: Int, now: Date) async throws -> PasswordRecord?
    /// The attempt against `hash` was right: the count goes back to zero (unless the password
    /// changed or locked meanwhile).
    func passwordAccepted(personID: String, hash: String) async throws
    /// The attempt against `hash` was wrong: its history entry, and the lock when it was the last
    /// one allowed (unless the password changed meanwhile: a reset is not locked by a late guess).
    func passwordRefused(personID: String, hash: String, locked: Bool, history: HistoryEntry, now: Date) async throws
}

/// An in-person verification code as stored (only its hash).
public struct InPersonCodeRecord: Sendable, Equatable {
    public var codeHash: String
    public var personID: String
    public var certificateSerial: String
    /// What the person chose to disclose (`age`, `name`).
    public var disclose: [String]
    public var expiresAt: Date
    public var usedAt: Date?
    public var usedBy: String?
    public var createdAt: Date

    public init(
        codeHash: String, personID: String, certificateSerial: String, disclose: [String], expiresAt: Date,
        usedAt: Date? = nil, usedBy: String? = nil, createdAt: Date
    ) {
        (
            self.codeHash, self.personID, self.certificateSerial, self.disclose, self.expiresAt, self.usedAt,
            self.usedBy, self.createdAt
        ) = (codeHash, personID, certificateSerial, disclose, expiresAt, usedAt, usedBy, createdAt)
    }
}

/// What using a code found.
public enum InPersonCodeUse: Sendable, Equatable {
    /// The code was live and is now used by this verifier.
    case used(InPersonCodeRecord)
    case unknown
    case expired
    case alreadyUsed
}

/// The in-person verification codes (issue 17).
public protocol InPersonCodeStore: Sendable {
    /// Stores a new code; `false` if its hash exists already.
    func createInPersonCode(_ record: InPersonCodeRecord) async throws -> Bool
    /// Uses a code once (compare-and-set): the first verifier gets it, any other `alreadyUsed`.
    func useInPersonCode(codeHash: String, verifier: String, now: Date) async throws -> InPersonCodeUse
    /// Deletes codes that expired by `time` — at most `limit` (more only when others share the
    /// last one's expiry, to the millisecond), the oldest first; returns how many. Callers purge in
    /// such batches (the server's `BatchedPurge`).
    func purgeInPersonCodes(before time: Date, limit: Int) async throws -> Int
}
