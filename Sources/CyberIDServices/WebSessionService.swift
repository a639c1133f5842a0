import Crypto
public import CyberIDCore
public import CyberIDProvider
public import CyberIDStore
import CyberIDVault
public import Foundation

/// A signed-in browser, as a request handler sees it.
public struct SignedIn: Sendable, Equatable {
    public var personID: String
    public var level: AssuranceLevel
    public var authTime: Date
    public var audience: String
    /// The cookie's token (the CSRF token is derived from it).
    public var token: String
}

/// The first-party web sessions of the portal and the console (issue 14): a random 256-bit
/// token in a `__Host-` cookie, only its SHA-256 stored; 15 minutes idle (slid at most once a
/// minute, so a busy page costs no write per request), 8 hours at most; revocable one by one
/// and per person ("sign out everywhere"); and only while the person's number is active —
/// every check reads the person's state with the session, so a suspension by anyone ends it.
public struct WebSessionService: Sendable {
    let store: any WebSessionStore
    /// Idle lifetime.
    public let idleLifetime: TimeInterval
    /// Absolute lifetime from the sign-in.
    public let absoluteLifetime: TimeInterval
    /// The least time between two writes of `last_seen_at`.
    let touchInterval: TimeInterval = 60

    /// Creates the service.
    public init(store: any WebSessionStore, idleLifetime: TimeInterval = 900, absoluteLifetime: TimeInterval = 8 * 3600) {
        (self.store, self.idleLifetime, self.absoluteLifetime) = (store, idleLifetime, absoluteLifetime)
    }

    /// Opens a session for a completed sign-in.
    public func create(_ signIn: FirstPartySignIn, audience: String, now: Date = Date()) async throws -> SignedIn {
        let token = SecureRandom.token(bytes: 32)
        try await store.createWebSession(
            WebSessionRecord(
                tokenHash: Self.hash(token), audience: audience, personID: signIn.personID, level: signIn.level,
                authTime: signIn.authTime, createdAt: now, lastSeenAt: now, idleExpiresAt: now + idleLifetime,
                absoluteExpiresAt: now + absoluteLifetime))
        return SignedIn(
            personID: signIn.personID, level: signIn.level, authTime: signIn.authTime, audience: audience, token: token)
    }

    /// The session behind a cookie's token, or `nil` when there is none, it is another
    /// audience's, it expired, or the person's number is no longer active (the session is then
    /// ended).
    public func authenticate(token: String?, audience: String, now: Date = Date()) async throws -> SignedIn? {
        guard let token, token.utf8.count == 43, token.utf8.allSatisfy(Self.isBase64URL) else { return nil }
        let hash = Self.hash(token)
        guard let (session, state) = try await store.webSession(tokenHash: hash), session.audience == audience else {
            return nil
        }
        guard session.idleExpiresAt > now, session.absoluteExpiresAt > now, state == .active else {
            try await store.deleteWebSession(tokenHash: hash)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) >= touchInterval {
            try await store.touchWebSession(
                tokenHash: hash, lastSeenAt: now, idleExpiresAt: min(now + idleLifetime, session.absoluteExpiresAt))
        }
        return SignedIn(
            personID: session.personID, level: session.level, authTime: session.authTime, audience: audience, token: token)
    }

    /// Ends one session.
    public func signOut(token: String) async throws {
        try await store.deleteWebSession(tokenHash: Self.hash(token))
    }

    /// Ends every session of a person for an audience.
    /// - Returns: how many ended.
    @discardableResult
    public func signOutEverywhere(personID: String, audience: String) async throws -> Int {
        try await store.deleteWebSessions(personID: personID, audience: audience)
    }

    static func hash(_ token: String) -> [UInt8] { Array(SHA256.hash(data: Array(token.utf8))) }

    static func isBase64URL(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
    }
}
