public import CyberIDCore
public import Foundation

/// The signed-in browsers of the portal and the console (issue 14).
public protocol WebSessionStore: Sendable {
    /// Stores a new session.
    func createWebSession(_ session: WebSessionRecord) async throws
    /// The session with this token hash and its person's current state, if the row exists.
    func webSession(tokenHash: [UInt8]) async throws -> (session: WebSessionRecord, state: PersonState)?
    /// Slides a session's idle expiry.
    func touchWebSession(tokenHash: [UInt8], lastSeenAt: Date, idleExpiresAt: Date) async throws
    /// Ends one session.
    func deleteWebSession(tokenHash: [UInt8]) async throws
    /// Ends every session of a person for an audience ("sign out everywhere", a suspension).
    /// - Returns: how many ended.
    @discardableResult
    func deleteWebSessions(personID: String, audience: String) async throws -> Int
    /// Removes sessions past their idle or absolute expiry.
    func purgeWebSessions(before time: Date) async throws -> Int
}

/// What the portal reads about a person besides their history and consents.
public protocol HolderViewStore: Sendable {
    /// Platform id → the pairwise subject it knows the person by.
    func pairwiseSubjects(personID: String) async throws -> [String: String]
    /// The person's per-platform restrictions.
    func restrictions(personID: String) async throws -> [RestrictionRecord]
    /// The persons whose guardian is `guardianID`, with their active network number.
    func wards(guardianID: String) async throws -> [WardRecord]
    /// A page of history, newest first: lines matching `filter` with an id below `beforeID`.
    func history(personID: String, filter: HistoryFilter, beforeID: Int64?, limit: Int) async throws -> [HistoryEntry]
    /// Successful logins per platform (first, last, count).
    func platformUse(personID: String) async throws -> [PlatformUseRecord]
}
