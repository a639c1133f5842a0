public import CyberIDCore
public import Foundation

/// A credential grant redeemed by its access token: who the credentials are for.
public struct CredentialGrantHolder: Sendable, Equatable {
    public var personID: String
    public var certificateSerial: String

    public init(personID: String, certificateSerial: String) {
        (self.personID, self.certificateSerial) = (personID, certificateSerial)
    }
}

/// A credential's place in a status list.
public struct StatusEntry: Sendable, Equatable, Hashable {
    public var list: Int
    public var index: Int

    public init(list: Int, index: Int) { (self.list, self.index) = (list, index) }
}

/// What a status list entry's value is derived from.
public struct StatusEntryState: Sendable, Equatable {
    public var index: Int
    public var personState: PersonRecord.State?
    public var certificateStatus: NetworkCertificateRecord.Status?
    public var documentExpiresAt: Date
    public var expiresAt: Date

    public init(
        index: Int, personState: PersonRecord.State?, certificateStatus: NetworkCertificateRecord.Status?,
        documentExpiresAt: Date, expiresAt: Date
    ) {
        (self.index, self.personState, self.certificateStatus, self.documentExpiresAt, self.expiresAt) = (
            index, personState, certificateStatus, documentExpiresAt, expiresAt
        )
    }
}

/// The offline credentials' storage (OpenID4VCI grants, status list entries).
public protocol CredentialStore: Sendable {
    /// Stores a pre-authorized code (by its hash) for a holder.
    func createCredentialGrant(codeHash: String, holder: CredentialGrantHolder, expiresAt: Date, now: Date) async throws
    /// Exchanges an unexpired, unused pre-authorized code for an access token (by its hash).
    /// - Returns: `false` when the code is unknown, expired or already exchanged.
    func redeemCredentialGrant(codeHash: String, tokenHash: String, tokenExpiresAt: Date, now: Date) async throws -> Bool
    /// Uses an unexpired access token once.
    /// - Returns: the holder, or `nil` when the token is unknown, expired or already used.
    func useCredentialAccessToken(tokenHash: String, now: Date) async throws -> CredentialGrantHolder?
    /// Allocates `count` random unused entries (never reused) for one holder's credentials,
    /// in the newest list while it holds fewer than `capacity` entries, else in a new one.
    func allocateStatusEntries(
        count: Int, holder: CredentialGrantHolder, listSize: Int, capacity: Int, documentExpiresAt: Date,
        expiresAt: Date, now: Date, random: @Sendable (Int) -> Int
    ) async throws -> [StatusEntry]
    /// What every entry of a list is derived from.
    func statusEntries(list: Int) async throws -> [StatusEntryState]
    /// Whether list `list` has any entry.
    func statusListExists(_ list: Int) async throws -> Bool
    /// Deletes grants that expired by `time` — at most `limit` (more only when others share the
    /// last one's expiry, to the millisecond), the oldest first; returns how many. Callers purge in
    /// such batches (the server's `BatchedPurge`).
    func purgeCredentialGrants(before time: Date, limit: Int) async throws -> Int
}
