import CyberIDCore
import CyberIDProvider
import CyberIDServices
import CyberIDStore
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

/// What the operator console's routes share (issue 15): the services, the pages, the issuer's
/// origin, and how fresh a sign-in must be for a four-eyes act.
struct Console: Sendable {
    let admin: AdminService
    let sessions: WebSessionService
    let signIn: FirstPartyLogin
    let pages: ConsolePages
    let origin: String
    let audience = FirstPartyClient.console.audience
    /// A four-eyes act (asking, approving, carrying out) needs a wallet approval this recent:
    /// the operator signs in again in the wallet for it.
    let freshness: TimeInterval = 300

    static let sessionCookie = "cyberid_console"
    static let signInCookie = "cyberid_console_signin"

    init(runtime: Runtime) {
        admin = runtime.admin
        sessions = runtime.webSessions
        signIn = runtime.provider.firstPartyLogin(.console)
        pages = ConsolePages()
        origin = Portal.origin(of: runtime.settings.issuer)
    }

    /// The frame of a page for this request (no session yet).
    func frame(_ request: Request, _ page: ConsolePage) -> ConsoleFrame {
        let (language, zone) = WebPage.locale(request)
        return ConsoleFrame(
            language: language, csrf: nil, page: page, flash: nil, zone: zone, operatorName: nil, roles: [])
    }

    func session(_ request: Request) async throws -> SignedIn? {
        try await sessions.authenticate(
            token: WebCookie.value(named: Self.sessionCookie, in: request.headers[values: .cookie]), audience: audience)
    }

    /// An HTML page with the console's security headers.
    static func html(_ body: String, status: HTTPResponse.Status = .ok, cookies: [String] = []) -> Response {
        WebPage.html(body, policy: ConsolePages.contentSecurityPolicy, status: status, cookies: cookies)
    }

    /// The error page for a thrown error; a four-eyes refusal and a stale sign-in have their
    /// own words.
    func errorPage(_ frame: ConsoleFrame, _ error: any Error) -> Response {
        var (status, key) = WebPage.error(error, prefix: "console")
        let type = Problem.from(error).type
        if type.contains(":four-eyes-") {
            key = "console_error_four_eyes"
        } else if type.hasSuffix(":reapproval-required") {
            key = "console_error_reapprove"
        }
        var frame = frame
        frame.page = .error
        return Self.html(pages.error(frame, status: status, messageKey: key), status: .init(code: status))
    }

    func isSameOrigin(_ request: Request) -> Bool { WebPage.isSameOrigin(request, origin: origin) }
}

/// A request let through to a handler, or the page that answers it instead (no session, no
/// role).
enum ConsoleGate: Sendable {
    case call(ConsoleCall)
    case answer(Response)
}

/// A signed-in operator's request.
struct ConsoleCall: Sendable {
    var frame: ConsoleFrame
    var session: SignedIn
    var operatorID: String { session.personID }
    var name: String
    var roles: Set<OperatorRole>
    var form: FormParameters
    /// The admin service acting as this operator (the audit names them).
    var admin: AdminService

    /// Refuses an operator whose roles do not allow `action`.
    func require(_ action: OperatorAction) throws {
        guard OperatorRules.allows(roles, action) else { throw AdminError.roleRequired(action) }
    }

    /// Refuses a four-eyes act on a sign-in older than `freshness`: the operator approves a new
    /// sign-in in the wallet first.
    func requireFresh(_ freshness: TimeInterval, now: Date = Date()) throws {
        guard now.timeIntervalSince(session.authTime) <= freshness else {
            throw Problem(
                code: "reapproval-required", title: "Re-approval required", status: .unauthorized,
                detail: "sign in again with the wallet for this act")
        }
    }
}

extension Router where Context == AppRequestContext {
    /// The operator behind a session, or the page answering for a missing session or role.
    static func consoleCall(
        _ console: Console, _ request: Request, _ frame: ConsoleFrame, form: FormParameters
    ) async throws -> ConsoleGate {
        guard let session = try await console.session(request) else {
            return .answer(request.method == .get ? Portal.seeOther("/console") : console.errorPage(frame, Self.forbidden))
        }
        let roles = try await console.admin.operatorRoles(personID: session.personID)
        guard !roles.isEmpty, let record = try await console.admin.operatorRecord(personID: session.personID) else {
            // The session of an operator whose last role was revoked ends here: it could not sign
            // out (sign-out is a console form) and would return with a role granted later.
            try await console.sessions.signOut(token: session.token)
            var refused = frame
            refused.page = .refused
            return .answer(
                Console.html(
                    console.pages.refused(refused, reason: "no-role"), status: .forbidden,
                    cookies: [WebCookie.clearing(name: Console.sessionCookie)]))
        }
        var frame = frame
        (frame.csrf, frame.operatorName, frame.roles) = (CSRFToken.token(forSession: session.token), record.displayName, roles)
        return .call(
            ConsoleCall(
                frame: frame, session: session, name: record.displayName, roles: roles, form: form,
                admin: console.admin.acting(as: record.displayName)))
    }

    /// Runs a handler; its error page keeps the signed-in header (name, navigation, sign-out).
    static func handle(
        _ console: Console, _ request: Request, _ call: ConsoleCall,
        _ handler: @Sendable (Request, ConsoleCall) async throws -> Response
    ) async -> Response {
        do {
            return try await handler(request, call)
        } catch {
            return console.errorPage(call.frame, error)
        }
    }

    static var forbidden: Problem { Problem(code: "forbidden", title: "Forbidden", status: .forbidden, detail: nil) }

    /// A console page for signed-in operators.
    func consoleGet(
        _ path: RouterPath, _ page: ConsolePage, _ console: Console,
        _ handler: @escaping @Sendable (Request, ConsoleCall) async throws -> Response
    ) {
        get(path) { request, _ in
            let frame = console.frame(request, page)
            do {
                switch try await Self.consoleCall(console, request, frame, form: FormParameters()) {
                case .answer(let response): return response
                case .call(let call): return await Self.handle(console, request, call, handler)
                }
            } catch {
                return console.errorPage(frame, error)
            }
        }
    }

    /// A console form action: same origin, a session with a role, its CSRF token.
    func consolePost(
        _ path: RouterPath, _ page: ConsolePage, _ console: Console,
        _ handler: @escaping @Sendable (Request, ConsoleCall) async throws -> Response
    ) {
        post(path) { request, context in
            let frame = console.frame(request, page)
            do {
                guard console.isSameOrigin(request), let session = try await console.session(request) else {
                    throw Self.forbidden
                }
                let form = try await Self.form(request, context)
                guard CSRFToken.isValid(form["csrf"], forSession: session.token) else { throw Self.forbidden }
                switch try await Self.consoleCall(console, request, frame, form: form) {
                case .answer(let response): return response
                case .call(let call): return await Self.handle(console, request, call, handler)
                }
            } catch {
                return console.errorPage(frame, error)
            }
        }
    }
}
