public import CyberIDCore
public import Foundation

/// A signed-in browser of the portal or the console (`web_sessions`).
public struct WebSessionRecord: Sendable, Equatable {
    /// SHA-256 of the cookie's token.
    public var tokenHash: [UInt8]
    /// `portal` or `console`.
    public var audience: String
    public var personID: String
    /// The assurance level the sign-in was made at.
    public var level: AssuranceLevel
    public var authTime: Date
    public var createdAt: Date
    public var lastSeenAt: Date
    public var idleExpiresAt: Date
    public var absoluteExpiresAt: Date

    public init(
        tokenHash: [UInt8], audience: String, personID: String, level: AssuranceLevel, authTime: Date, createdAt: Date,
        lastSeenAt: Date, idleExpiresAt: Date, absoluteExpiresAt: Date
    ) {
        (self.tokenHash, self.audience, self.personID, self.level, self.authTime) = (
            tokenHash, audience, personID, level, authTime
        )
        (self.createdAt, self.lastSeenAt, self.idleExpiresAt, self.absoluteExpiresAt) = (
            createdAt, lastSeenAt, idleExpiresAt, absoluteExpiresAt
        )
    }
}

/// Which history lines a page or a download wants: each field narrows; none is personal.
public struct HistoryFilter: Sendable, Equatable {
    public var clientID: String?
    public var event: String?
    /// Inclusive.
    public var from: Date?
    /// Exclusive.
    public var until: Date?

    public init(clientID: String? = nil, event: String? = nil, from: Date? = nil, until: Date? = nil) {
        (self.clientID, self.event, self.from, self.until) = (clientID, event, from, until)
    }
}

/// How a person used one platform: their successful logins' first and last time and count.
public struct PlatformUseRecord: Sendable, Equatable {
    public var clientID: String
    public var first: Date
    public var last: Date
    public var count: Int

    public init(clientID: String, first: Date, last: Date, count: Int) {
        (self.clientID, self.first, self.last, self.count) = (clientID, first, last, count)
    }
}

/// A ward as the guardian's portal lists them.
public struct WardRecord: Sendable, Equatable {
    public var personID: String
    public var networkNumber: String
    public var state: PersonState

    public init(personID: String, networkNumber: String, state: PersonState) {
        (self.personID, self.networkNumber, self.state) = (personID, networkNumber, state)
    }
}

/// A platform's restriction of a person (a pending re-verification demand).
public struct RestrictionRecord: Sendable, Equatable {
    public var clientID: String
    public var reason: String
    public var createdAt: Date

    public init(clientID: String, reason: String, createdAt: Date) {
        (self.clientID, self.reason, self.createdAt) = (clientID, reason, createdAt)
    }
}
