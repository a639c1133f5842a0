import CyberIDProvider
import CyberIDServices
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

/// What the citizen portal's routes share: the services, the pages, and the issuer's origin
/// (a POST from any other origin is refused).
struct Portal: Sendable {
    let holder: HolderService
    let sessions: WebSessionService
    let signIn: FirstPartyLogin
    let pages: PortalPages
    let origin: String
    let audience = FirstPartyClient.portal.audience

    static let sessionCookie = "cyberid_session"
    static let signInCookie = "cyberid_signin"
    static let languageCookie = "cyberid_lang"
    static let zoneCookie = "cyberid_tz"

    init(runtime: Runtime) {
        holder = runtime.holder
        sessions = runtime.webSessions
        signIn = runtime.provider.firstPartyLogin(.portal)
        pages = PortalPages()
        origin = Self.origin(of: runtime.settings.issuer)
    }

    /// `scheme://host[:port]` of a URL.
    static func origin(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
        else { return url }
        return "\(scheme)://\(host)" + (components.port.map { ":\($0)" } ?? "")
    }

    /// The frame of a page for this request: the visitor's language and zone, no session yet.
    func frame(_ request: Request, _ page: PortalPage) -> PageFrame {
        let (language, zone) = WebPage.locale(request)
        return PageFrame(language: language, csrf: nil, page: page, flash: nil, zone: zone)
    }

    /// The session behind the request's cookie, if any.
    func session(_ request: Request) async throws -> SignedIn? {
        try await sessions.authenticate(
            token: WebCookie.value(named: Self.sessionCookie, in: request.headers[values: .cookie]), audience: audience)
    }

    /// An HTML page with the portal's security headers.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        WebPage.html(body, policy: PortalPages.contentSecurityPolicy, status: status, cookies: cookies)
    }

    /// A 303 to a page, with cookies.
    static func seeOther(_ location: String, cookies: [String] = []) -> Response {
        WebPage.seeOther(location, cookies: cookies)
    }

    /// The error page for a thrown error.
    func errorPage(_ frame: PageFrame, _ error: any Error) -> Response {
        let (status, key) = WebPage.error(error, prefix: "portal")
        var frame = frame
        frame.page = .error
        return Self.html(pages.error(frame, status: status, messageKey: key), status: .init(code: status))
    }

    /// Whether a POST comes from the portal's own pages.
    func isSameOrigin(_ request: Request) -> Bool { WebPage.isSameOrigin(request, origin: origin) }
}

/// A signed-in request: its page frame (with the session's CSRF token), the session and, for
/// a POST, the checked form.
struct PortalCall: Sendable {
    var frame: PageFrame
    var session: SignedIn
    var form: FormParameters
}

extension Router where Context == AppRequestContext {
    /// A page only a signed-in person sees: signed out, a GET goes to the sign-in.
    func portalGet(
        _ path: RouterPath, _ page: PortalPage, _ portal: Portal,
        _ handler: @escaping @Sendable (Request, PortalCall) async throws -> Response
    ) {
        get(path) { request, _ in
            var frame = portal.frame(request, page)
            do {
                guard let session = try await portal.session(request) else { return Portal.seeOther("/account/signin") }
                frame.csrf = CSRFToken.token(forSession: session.token)
                return try await handler(request, PortalCall(frame: frame, session: session, form: FormParameters()))
            } catch {
                return portal.errorPage(frame, error)
            }
        }
    }

    /// A form action of a signed-in person: same origin, a form body, a session and its CSRF
    /// token — or a 403 page.
    func portalPost(
        _ path: RouterPath, _ page: PortalPage, _ portal: Portal,
        _ handler: @escaping @Sendable (Request, PortalCall) async throws -> Response
    ) {
        post(path) { request, context in
            var frame = portal.frame(request, page)
            do {
                let forbidden = Problem(code: "forbidden", title: "Forbidden", status: .forbidden, detail: nil)
                guard portal.isSameOrigin(request), let session = try await portal.session(request) else { throw forbidden }
                let form = try await Self.form(request, context)
                guard CSRFToken.isValid(form["csrf"], forSession: session.token) else { throw forbidden }
                frame.csrf = CSRFToken.token(forSession: session.token)
                return try await handler(request, PortalCall(frame: frame, session: session, form: form))
            } catch {
                return portal.errorPage(frame, error)
            }
        }
    }
}
