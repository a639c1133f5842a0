import CyberIDServices
import CyberIDWeb
import Foundation

/// The pages of the operator console (issue 15), for the navigation and the language switch.
enum ConsolePage: String, Sendable, CaseIterable {
    case home, persons, pending, operators, platforms, trust, keys, policy, audit, statistics, record, refused
    case signedOut = "signed-out", error

    /// The page's path (the language switch returns there; never with a query).
    var path: String {
        switch self {
        case .persons: "/console/persons"
        case .pending: "/console/pending"
        case .operators: "/console/operators"
        case .platforms: "/console/platforms"
        case .trust: "/console/trust"
        case .keys: "/console/keys"
        case .policy: "/console/policy"
        case .statistics: "/console/statistics"
        case .audit: "/console/audit"
        case .home, .record, .refused, .signedOut, .error: "/console"
        }
    }
}

/// What every console page needs besides its own data: the language, the session's CSRF
/// token (nil when signed out), the page, a notice (a catalogue key), the time zone, and the
/// signed-in operator's display name and roles (the navigation shows what the roles allow).
struct ConsoleFrame: Sendable {
    var language: Language
    var csrf: String?
    var page: ConsolePage
    var flash: String?
    var zone: TimeZone
    var operatorName: String?
    var roles: Set<OperatorRole>

    var signedIn: Bool { csrf != nil }
}

/// A four-eyes request as the Pending page lists it.
struct ConsoleRequest: Sendable {
    var id: String
    /// `read-record`, `cancel-person`, `grant-sensitive-role`, …
    var action: String
    /// A network number (person acts) or `NUMBER:ROLE` (role grants).
    var target: String
    /// The legal basis or reason the requester gave.
    var reason: String
    var requesterName: String
    var requestedAt: Date
    /// `pending`, `approved`, `refused`, `executed`.
    var status: String
    var deciderName: String?
    /// The signed-in operator may approve or refuse it (another person with the role, pending, fresh).
    var canDecide: Bool
    /// The signed-in operator asked for it and it is approved: they may carry it out.
    var canCarryOut: Bool
}
