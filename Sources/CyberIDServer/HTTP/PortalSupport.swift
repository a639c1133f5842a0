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

    /// The frame of a page for this request: language (remembered choice, then
    /// `Accept-Language`), time zone (the page's script remembers it), no session yet.
    func frame(_ request: Request, _ page: PortalPage) -> PageFrame {
        let cookies = request.headers[values: .cookie]
        return PageFrame(
            language: Language.negotiate(
                cookie: WebCookie.value(named: Self.languageCookie, in: cookies),
                acceptLanguage: request.headers[.acceptLanguage]),
            csrf: nil, page: page, flash: nil, zone: DateText.zone(cookie: WebCookie.value(named: Self.zoneCookie, in: cookies)))
    }

    /// The session behind the request's cookie, if any.
    func session(_ request: Request) async throws -> SignedIn? {
        try await sessions.authenticate(
            token: WebCookie.value(named: Self.sessionCookie, in: request.headers[values: .cookie]), audience: audience)
    }

    /// An HTML page with the portal's security headers.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        for (name, value) in PortalPages.contentSecurityPolicy.headers {
            headers[.init(name)!] = value
        }
        for cookie in cookies { headers.append(.init(name: .setCookie, value: cookie)) }
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    /// A 303 to a page of the portal, with cookies.
    static func seeOther(_ location: String, cookies: [String] = []) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        for cookie in cookies { headers.append(.init(name: .setCookie, value: cookie)) }
        return Response(status: .seeOther, headers: headers)
    }

    /// The error page for a thrown error: its status from the problem mapping, a message from
    /// the catalogue (never the error's text, which is in English and may be technical).
    func errorPage(_ frame: PageFrame, _ error: any Error) -> Response {
        let status = Problem.from(error).statusCode
        let key =
            switch status {
            case 400, 415, 422: "portal_error_bad_request"
            case 401, 403: (error as? Problem)?.type.hasSuffix(":forbidden") == true
                ? "portal_error_forbidden" : "portal_error_not_allowed"
            case 404: "portal_error_not_found"
            case 503: "portal_error_unavailable"
            default: status >= 500 ? "portal_error_server" : "portal_error_bad_request"
            }
        var frame = frame
        frame.page = .error
        return Self.html(pages.error(frame, status: status, messageKey: key), status: .init(code: status))
    }

    /// Whether a POST comes from the portal's own pages: not a cross-site fetch, and its
    /// `Origin` (when the browser sends one) is the issuer's.
    func isSameOrigin(_ request: Request) -> Bool {
        SameOrigin.allows(
            origin: request.headers[.origin], fetchSite: request.headers[.init("Sec-Fetch-Site")!], expected: origin)
    }
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
