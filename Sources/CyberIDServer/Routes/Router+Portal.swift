import CyberIDProvider
import CyberIDServices
import CyberIDWeb
import Foundation
import Hummingbird

extension Router where Context == AppRequestContext {
    /// The citizen portal (issue 14, docs/portal.md): the landing page, the language switch,
    /// sign-in with the wallet (CyberID's own first-party client through the relay-proof
    /// login), sign-out, and the signed-in pages of ``addPortalAccountRoutes(_:)``.
    func addPortalRoutes(_ portal: Portal) {
        get("/") { request, _ in
            var frame = portal.frame(request, .landing)
            if let session = try? await portal.session(request) { frame.csrf = CSRFToken.token(forSession: session.token) }
            return Portal.html(portal.pages.landing(frame))
        }
        // The switch is a pair of links: it remembers the choice for a year and goes back to
        // the page it was clicked on (only the portal's own pages).
        get("language/:lang") { request, context in
            guard let language = Language(rawValue: context.parameters.get("lang") ?? "") else {
                return portal.errorPage(portal.frame(request, .error), Problem.notFound())
            }
            let next = (try? FormParameters(encoded: request.uri.query ?? ""))?["next"]
            let pages = PortalPage.allCases.map(\.path) + ConsolePage.allCases.map(\.path)
            let target = pages.first { $0 == next } ?? "/"
            return Portal.seeOther(
                target,
                cookies: [WebCookie.setCookie(name: Portal.languageCookie, value: language.rawValue, maxAge: 31_536_000)])
        }
        get("account/signin") { request, _ in
            if (try? await portal.session(request)) != nil { return Portal.seeOther("/account") }
            let (location, sealed) = try portal.signIn.start()
            return Portal.seeOther(
                location, cookies: [WebCookie.setCookie(name: Portal.signInCookie, value: sealed, maxAge: 600)])
        }
        get("account/callback") { request, _ in
            let frame = portal.frame(request, .refused)
            let clearing = WebCookie.clearing(name: Portal.signInCookie)
            let query = (try? FormParameters(encoded: request.uri.query ?? "")) ?? FormParameters()
            do {
                let signIn = try await portal.signIn.finish(
                    query, cookie: WebCookie.value(named: Portal.signInCookie, in: request.headers[values: .cookie]))
                let session = try await portal.sessions.create(signIn, audience: portal.audience)
                return Portal.seeOther(
                    "/account", cookies: [clearing, WebCookie.setCookie(name: Portal.sessionCookie, value: session.token)])
            } catch let refusal as FirstPartyRefusal {
                return Portal.html(portal.pages.refused(frame, reason: refusal.reason), status: .forbidden, cookies: [clearing])
            } catch {
                return portal.errorPage(frame, error)
            }
        }
        portalPost("account/signout", .signedOut, portal) { _, call in
            try await portal.sessions.signOut(token: call.session.token)
            return Self.signedOut(portal, call, "portal_signed_out")
        }
        portalPost("account/signout-everywhere", .signedOut, portal) { _, call in
            try await portal.sessions.signOutEverywhere(personID: call.session.personID, audience: portal.audience)
            return Self.signedOut(portal, call, "portal_signed_out_everywhere")
        }
        addPortalAccountRoutes(portal)
        addPortalActionRoutes(portal)
    }

    /// The signed-out page, clearing the session cookie.
    static func signedOut(_ portal: Portal, _ call: PortalCall, _ messageKey: String) -> Response {
        var frame = call.frame
        frame.csrf = nil
        frame.page = .signedOut
        return Portal.html(
            portal.pages.signedOut(frame, messageKey: messageKey), cookies: [WebCookie.clearing(name: Portal.sessionCookie)])
    }
}
