public import CyberIDCore
public import CyberIDLifecycle
public import Foundation

/// What the citizen portal's overview shows (issue 14): the person's number, level and state,
/// their certificates, the masked phone, their guardian and wards.
public struct PortalOverview: Sendable, Equatable {
    /// One network certificate.
    public struct Certificate: Sendable, Equatable {
        public var serial: String
        /// `active`, `revoked`, `superseded`, … as stored; `expired` when past `notAfter`.
        public var status: String
        public var notAfter: Date
        public var issuedAt: Date
    }

    /// A minor the person is guardian of today.
    public struct Ward: Sendable, Equatable {
        public var networkNumber: String
        public var state: PersonState
        /// The reason of the ward's last state change, when not active.
        public var stateReason: String?
    }

    /// A platform that restricted the person (a re-verification demand is pending).
    public struct Restriction: Sendable, Equatable {
        public var clientID: String
        public var clientName: String
        public var reason: String
        public var since: Date
    }

    public var networkNumber: String
    public var level: AssuranceLevel
    public var state: PersonState
    /// The reason of the last state change (shown beside a state other than active).
    public var stateReason: String?
    public var certificates: [Certificate]
    /// The bound phone, masked: `+86 138****0000`.
    public var maskedPhone: String?
    /// The guardian's network number, while the person is a minor with a guardian.
    public var guardianNumber: String?
    public var wards: [Ward]
    /// Per-platform restrictions (pending re-verification demands).
    public var restrictions: [Restriction]
    public var enrolledAt: Date
}

/// A platform the person has used, as the portal's Platforms page shows it.
public struct PlatformUse: Sendable, Equatable {
    public var clientID: String
    public var clientName: String
    /// The first and last successful verification.
    public var firstUsed: Date?
    public var lastUsed: Date?
    /// How many successful verifications.
    public var verifications: Int
    /// Every claim the platform has been given across those logins (`age_over_18`, `name`, …);
    /// it always learns `sub`, `cyberid_verified` and the level besides.
    public var claimsReleased: [String]
    /// The pairwise identifier the platform knows the person by.
    public var pairwiseSubject: String?
    /// The remembered consent, if any (withdrawable).
    public var consent: ConsentView?
    /// A pending re-verification demand's reason and time.
    public var reverificationReason: String?
    public var reverificationSince: Date?
}

/// The History page's filter: every field optional. Nothing personal: a platform id, an event
/// kind and dates.
public struct HistoryQuery: Sendable, Equatable {
    public var clientID: String?
    public var event: String?
    /// Inclusive start and exclusive end.
    public var from: Date?
    public var until: Date?

    public init(clientID: String? = nil, event: String? = nil, from: Date? = nil, until: Date? = nil) {
        (self.clientID, self.event, self.from, self.until) = (clientID, event, from, until)
    }
}

/// One page of history, newest first, with cursors to the older and newer pages.
public struct HistoryPage: Sendable {
    public var lines: [HistoryView]
    /// Pass as `before` for the next older page, when there is one.
    public var olderCursor: Int64?
    /// Whether a newer page exists (the page was asked with a cursor).
    public var hasNewer: Bool
}

/// Successful verifications in one week (Monday to Sunday in the person's time zone).
public struct WeekCount: Sendable, Equatable {
    /// The Monday that starts the week.
    public var weekStart: Date
    public var count: Int
}
