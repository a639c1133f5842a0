import CyberIDRelyingParty
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore

extension DemoPlatform {
    // MARK: sign in with CyberID

    /// `GET /login?scope=age|realname`: the SDK prepares the authorization request (PKCE S256,
    /// state, nonce), the session keeps it, and the browser goes to CyberID.
    func login(_ request: Request) async -> Response {
        let language = self.language(of: request)
        guard let scope = request.uri.queryParameters.get("scope").flatMap(DemoScope.init(rawValue:)),
            scope != .realname || configuration.realNameEnabled
        else { return pages.error(.notFound, language, messageKey: "demo_error_not_found") }
        let party: RelyingParty
        do {
            party = try await relyingParty.relyingParty()
        } catch {
            return pages.error(.badGateway, language, messageKey: "demo_error_unavailable", detail: "\(error)")
        }
        let authorization = party.authorizationRequest(scope: scope.requested)
        var cookie: String?
        let token: String
        if let current = sessionToken(request), sessions.isLive(current) {
            token = current
        } else {
            token = sessions.start()
            cookie = WebCookie.setCookie(name: Self.sessionCookie, value: token)
        }
        let pending = DemoSessions.Pending(request: authorization, scope: scope, startedAt: Date())
        guard sessions.addPending(pending, to: token) else {
            return pages.error(.serviceUnavailable, language, messageKey: "demo_error_expired")
        }
        return DemoPages.redirect(authorization.url, cookie: cookie)
    }

    /// `GET /callback`: the login under way with this `state` (used once), then the SDK's
    /// callback checks (state, `iss`, error), the code exchange and the ID-token verification.
    func callback(_ request: Request) async -> Response {
        let language = self.language(of: request)
        let query = request.uri.queryParameters
        guard let token = sessionToken(request), let state = query.get("state"),
            let pending = sessions.takePending(state: state, from: token)
        else { return pages.error(.badRequest, language, messageKey: "demo_error_expired") }
        let party: RelyingParty
        do {
            party = try await relyingParty.relyingParty()
        } catch {
            return pages.error(.badGateway, language, messageKey: "demo_error_unavailable", detail: "\(error)")
        }
        let code: String
        do {
            let callbackURL = configuration.redirectURI + "?" + (request.uri.query ?? "")
            code = try party.code(fromCallback: callbackURL, for: pending.request)
        } catch {
            return refusal(query.get("error"), description: query.get("error_description"), error, language)
        }
        let login: RelyingParty.Login
        do {
            login = try await party.exchange(code: code, for: pending.request)
        } catch {
            return pages.error(.badGateway, language, messageKey: "demo_error_verify", detail: "\(error)")
        }
        // The SDK has verified the token; the page shows its payload exactly as CyberID signed it.
        guard let payload = IDTokenPayload(idToken: login.idToken) else {
            return pages.error(.badGateway, language, messageKey: "demo_error_verify")
        }
        let learned = DemoSessions.Learned(
            scope: pending.scope, report: ClaimsReport(claims: payload.claims), payloadJSON: payload.json)
        // What was learned goes into a new session: the token the sign-in began under (which a
        // page on another port of localhost could have planted) ends here, so whoever planted it
        // reads nothing (session fixation; a review's finding — the SDK's example should not
        // teach the pattern).
        sessions.end(token)
        let fresh = sessions.start()
        sessions.setLearned(learned, for: fresh)
        return DemoPages.redirect("/learned", cookie: WebCookie.setCookie(name: Self.sessionCookie, value: fresh))
    }

    /// The page for a callback the SDK refused: the person declined, CyberID refused (e.g. a
    /// suspended number, with CyberID's explanation), or the answer does not check out.
    private func refusal(_ code: String?, description: String?, _ error: any Error, _ language: Language) -> Response {
        switch code {
        case "access_denied"?:
            return pages.error(.ok, language, messageKey: "demo_error_declined", detail: description)
        case let code?:
            let detail = [code, description].compactMap { $0 }.joined(separator: ": ")
            return pages.error(.ok, language, messageKey: "demo_error_provider", detail: detail)
        case nil:
            return pages.error(.badRequest, language, messageKey: "demo_error_verify", detail: "\(error)")
        }
    }

    // MARK: what the platform learned, signing out

    /// `GET /learned`: the claims table, what was not learned, the figure, the payload.
    func learned(_ request: Request) -> Response {
        guard let token = sessionToken(request), let learned = sessions.learned(token) else {
            return DemoPages.redirect("/")
        }
        return pages.learned(learned, language(of: request), csrf: CSRFToken.token(forSession: token))
    }

    /// `POST /logout`: with this session's CSRF token (and, when the browser sends one, this
    /// platform's `Origin`), ends the session.
    func logout(_ request: Request) async throws -> Response {
        let language = self.language(of: request)
        let clear = WebCookie.clearing(name: Self.sessionCookie)
        guard let token = sessionToken(request), sessions.isLive(token) else {
            return DemoPages.redirect("/", cookie: clear)
        }
        if !SameOrigin.allows(
            origin: request.headers[.origin], fetchSite: request.headers[.init("Sec-Fetch-Site")!],
            expected: configuration.origin)
        {
            return pages.error(.forbidden, language, messageKey: "demo_error_forbidden")
        }
        let body = try await request.body.collect(upTo: 16 * 1024)
        guard CSRFToken.isValid(DemoPages.formValue("csrf", in: String(buffer: body)), forSession: token) else {
            return pages.error(.forbidden, language, messageKey: "demo_error_forbidden")
        }
        sessions.end(token)
        return DemoPages.redirect("/", cookie: clear)
    }
}
