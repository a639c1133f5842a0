import CyberIDWeb
import Foundation

/// The pages of the citizen portal, for the navigation and the language switch.
enum PortalPage: String, Sendable, CaseIterable {
    case landing, overview, platforms, history, suspend, signedOut = "signed-out", refused, error

    /// The page's path (the language switch returns there; never with a query).
    var path: String {
        switch self {
        case .landing, .signedOut, .refused, .error: "/"
        case .overview: "/account"
        case .platforms: "/account/platforms"
        case .history: "/account/history"
        case .suspend: "/account/suspend"
        }
    }
}

/// What every portal page needs besides its own data: the language, the signed-in session's
/// CSRF token (nil when signed out), which page it is (navigation), a one-line notice after an
/// action (a catalogue key), and the time zone dates are shown in.
struct PageFrame: Sendable {
    var language: Language
    var csrf: String?
    var page: PortalPage
    /// A catalogue key shown in `#flash` (role=status), e.g. `portal_flash_withdrawn`.
    var flash: String?
    var zone: TimeZone

    var signedIn: Bool { csrf != nil }
}
