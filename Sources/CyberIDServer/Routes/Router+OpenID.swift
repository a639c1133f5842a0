import CyberIDCredentials
import CyberIDProvider
import CyberIDStore
import CyberIDWeb
import Foundation
import Hummingbird
import NIOCore
import NIOFoundationCompat
import ServiceLifecycle

extension Router where Context == AppRequestContext {
    /// The OpenID Provider's endpoints (docs/relying-parties.md): discovery, authorize (the
    /// login page), PAR, token, userinfo, revocation, and the page's status and continue calls.
    func addOpenIDRoutes(provider: OpenIDProvider, settings: ServerSettings, credentials: CredentialService? = nil) {
        addLoginRoutes(provider.login, metadata: provider.metadata, settings: settings)
        addTokenRoutes(provider.tokens, credentialIssuer: credentials)
    }

    /// Discovery, `/authorize` (the login page) and the page's status and continue calls.
    func addLoginRoutes(_ login: LoginService, metadata: ProviderMetadata, settings: ServerSettings) {
        let page = LoginPage(issuer: settings.issuer)

        // The same metadata as RFC 8414 authorization-server metadata, where OpenID4VCI wallets
        // look for the token endpoint of the credential issuer.
        for path in [".well-known/openid-configuration", ".well-known/oauth-authorization-server"] {
            get(RouterPath(path)) { _, _ in
                let encoder = JSONEncoder()
                encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
                return Response(
                    status: .ok, headers: [.contentType: "application/json", .cacheControl: "max-age=300"],
                    body: .init(byteBuffer: ByteBuffer(bytes: try encoder.encode(metadata))))
            }
        }

        @Sendable func authorize(_ parameters: FormParameters, _ request: Request, _ context: Context) async throws -> Response {
            switch try await login.authorize(parameters, browserAddress: context.clientAddress) {
            case .redirect(let location):
                return Self.redirect(location)
            case .login(let login):
                return try Self.loginPage(login, page: page, request: request, settings: settings)
            }
        }
        get("authorize") { request, context in
            try await authorize(try FormParameters(encoded: request.uri.query ?? ""), request, context)
        }
        post("authorize") { request, context in
            try await authorize(try await Self.form(request, context), request, context)
        }
        get("authorize/status") { request, _ in try await Self.loginStatus(request, login) }
        // The animated QR code's current image (a page of an older node fetches it each second).
        get("authorize/qr") { request, _ in
            let (_, token) = try Self.requestToken(request)
            var headers = LoginPage.securityHeaders
            headers[.contentType] = "image/svg+xml"
            let svg = try LoginPage.qrSVG(try login.currentQR(requestToken: token))
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: svg)))
        }
        get("authorize/continue") { request, _ in
            let (parameters, token) = try Self.requestToken(request)
            // This login's own cookie first; `cyberid_login` holds the browser's latest login.
            let own = LoginPage.bindingCookie(requestToken: token)
            let secret = Self.cookie(own, in: request) ?? Self.cookie("cyberid_login", in: request)
            let location = try await login.continueLogin(
                requestToken: token, browserSecret: secret, responseCode: parameters["response_code"])
            var response = Self.redirect(location)
            // The login is over in this browser: its own cookie goes.
            if Self.cookie(own, in: request) != nil { response.headers[.setCookie] = Self.clearing(own, settings) }
            return response
        }
    }

    /// The login page, in the person's language (the portal's remembered choice, else the
    /// browser's preference), with the cookie that binds the login to this browser.
    static func loginPage(_ login: LoginStart, page: LoginPage, request: Request, settings: ServerSettings) throws -> Response {
        var headers = LoginPage.securityHeaders
        headers[.contentType] = "text/html; charset=utf-8"
        // Two cookies with the same secret: `cyberid_login` (the browser's latest login, as
        // always) and one named after this login's request, so that a second login started in
        // another tab (or by another site's navigation to /authorize) does not take the first's
        // binding away (a review's finding).
        let attributes =
            "; Path=/authorize; HttpOnly; SameSite=Lax; Max-Age=\(Int(settings.loginTTLSeconds) + 60)"
            + (settings.issuer.hasPrefix("https://") ? "; Secure" : "")
        // Logins abandoned in this browser leave their cookies until they expire: from
        // `maxBindingCookies` on (a page reloaded again and again, another site's navigations)
        // they are all cleared, so that the cookies stay small (about 75 bytes each) — at the cost
        // of a login still open in another tab, which then starts again (a review's finding;
        // security.md, R18).
        let abandoned = Self.cookieNames(in: request).filter { $0.hasPrefix("cyberid_login_") }
        headers[values: .setCookie] =
            (abandoned.count >= Self.maxBindingCookies ? abandoned.map { Self.clearing($0, settings) } : []) + [
                "cyberid_login=\(login.browserSecret)" + attributes,
                LoginPage.bindingCookie(requestToken: login.requestToken) + "=\(login.browserSecret)" + attributes,
            ]
        let language = Language.negotiate(
            cookie: WebCookie.value(named: Portal.languageCookie, in: request.headers[values: .cookie]),
            acceptLanguage: request.headers[.acceptLanguage])
        return Response(
            status: .ok, headers: headers,
            body: .init(byteBuffer: ByteBuffer(string: try page.render(login, language: language))))
    }

    /// PAR, token, userinfo, revocation and platforms' re-verification demands.
    func addTokenRoutes(_ tokens: TokenService, credentialIssuer: CredentialService? = nil) {
        post("par") { request, context in
            try await Self.oauthRoute {
                let credentials = ClientCredentials(
                    authorization: request.headers[.authorization], form: try await Self.form(request, context))
                return Self.oauthJSON(try await tokens.pushAuthorizationRequest(credentials), status: .created)
            }
        }
        @Sendable func token(_ request: Request, _ context: Context) async throws -> Response {
            let form = try await Self.form(request, context)
            if form["grant_type"] == CredentialConfiguration.preAuthorizedGrant, let issuer = credentialIssuer {
                // OpenID4VCI's pre-authorized code: the wallet proved itself when it got the offer.
                return try await Self.credentialJSON {
                    try await issuer.token(preAuthorizedCode: form["pre-authorized_code"], transactionCode: form["tx_code"])
                }
            }
            let credentials = ClientCredentials(authorization: request.headers[.authorization], form: form)
            return Self.oauthJSON(try await tokens.exchange(credentials))
        }
        post("token") { request, context in try await Self.oauthRoute { try await token(request, context) } }
        @Sendable func userinfo(_ request: Request, _ context: Context) async throws -> Response {
            var token: String?
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            } else if request.method == .post {
                token = try await Self.form(request, context)["access_token"]
            }
            return Self.oauthJSON(try await tokens.userinfo(accessToken: token))
        }
        get("userinfo") { request, context in try await Self.oauthRoute { try await userinfo(request, context) } }
        post("userinfo") { request, context in try await Self.oauthRoute { try await userinfo(request, context) } }
        // A platform flags its user for re-verification (issue 5): form or JSON {sub, reason}.
        post("rp/v1/reverifications") { request, context in
            try await Self.oauthRoute {
                let form = try await Self.jsonOrForm(request, context, expecting: "JSON {sub, reason}")
                try await tokens.flagForReverification(ClientCredentials(authorization: request.headers[.authorization], form: form))
                return Self.oauthJSON(["status": "reverification-required"], status: .accepted)
            }
        }
        post("revoke") { request, context in
            try await Self.oauthRoute {
                let credentials = ClientCredentials(
                    authorization: request.headers[.authorization], form: try await Self.form(request, context))
                try await tokens.revoke(credentials)
                return Response(status: .ok, headers: [.cacheControl: "no-store"])
            }
        }
    }

    /// Runs an endpoint that answers OAuth errors (RFC 6749 §5.2: JSON, never problem+json):
    /// text holding a NUL that reaches the store (which refuses it) is `invalid_request` here,
    /// where elsewhere it is the problem `invalid-text`. Each lookup refuses such text before
    /// the store where it can; this keeps the wire form right for any it misses.
    static func oauthRoute(_ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let error as StoreError where error == .invalidText {
            throw ProviderError.textWithNUL()
        }
    }

    /// `GET /authorize/status`; with `qr_image=svg` the pending login's QR image too, so the page
    /// polls once a second instead of fetching the status and `/authorize/qr` apart — but not when
    /// `qr_step` says the page already shows the current code (a new code comes every few seconds);
    /// with `wait=1` as well, the answer waits until there is news for that code.
    static func loginStatus(_ request: Request, _ login: LoginService) async throws -> Response {
        let (parameters, token) = try Self.requestToken(request)
        let image = parameters["qr_image"]
        guard image == nil || image == "svg" else {
            throw Problem.malformedRequest("qr_image may only be svg")
        }
        // The step of the code the page shows: its image again would be the same image.
        var shown: Int?
        if let text = parameters["qr_step"] {
            guard let step = LoginService.parseQRStep(text) else {
                throw Problem.malformedRequest("qr_step is the qr_step of an earlier answer, a whole number")
            }
            shown = step
        }
        // `wait=1`: held until there is news for the code the page shows (LoginService).
        let wait = parameters["wait"]
        guard wait == nil || wait == "1" else { throw Problem.malformedRequest("wait may only be 1") }
        var progress: LoginProgress
        if wait != nil, let shown, !Task.isShuttingDownGracefully {
            // A node's shutdown ends a held answer at once, as the login stands.
            progress = try await cancelWhenGracefulShutdown {
                try await login.loginProgress(requestToken: token, holdingWhileShowing: shown)
            }
        } else {
            progress = try await login.loginProgress(requestToken: token)
        }
        if image != nil, let content = progress.qr, progress.qrStep != shown {
            progress.qrImage = try LoginPage.qrDataURL(content)
        }
        return Self.oauthJSON(progress)
    }

    /// The query and its login request token `r`.
    static func requestToken(_ request: Request) throws -> (FormParameters, String) {
        let parameters = try FormParameters(encoded: request.uri.query ?? "")
        guard let token = parameters["r"] else {
            throw Problem(
                code: "invalid-login-ticket", title: "Invalid login ticket", status: .badRequest, detail: "the r parameter is missing")
        }
        return (parameters, token)
    }

    /// Reads a platform's request body, JSON (string members) or form-encoded, as parameters.
    static func jsonOrForm(_ request: Request, _ context: Context, expecting: String) async throws -> FormParameters {
        guard request.headers[.contentType]?.lowercased().hasPrefix("application/json") == true else {
            return try await Self.form(request, context)
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        guard let object = try? JSONSerialization.jsonObject(with: Data(buffer: body)) as? [String: Any] else {
            throw Problem.malformedRequest("send \(expecting)")
        }
        return FormParameters(object.compactMapValues { $0 as? String })
    }

    /// Reads an `application/x-www-form-urlencoded` body.
    static func form(_ request: Request, _ context: Context) async throws -> FormParameters {
        let type = request.headers[.contentType]?.lowercased() ?? ""
        guard type.hasPrefix("application/x-www-form-urlencoded") else {
            throw Problem(
                code: "unsupported-media-type", title: "Unsupported media type", status: .unsupportedMediaType,
                detail: "send application/x-www-form-urlencoded")
        }
        let body = try await request.body.collect(upTo: context.maxUploadSize)
        return try FormParameters(encoded: String(buffer: body))
    }

    /// How many per-login binding cookies a browser may carry before a new login page clears them.
    static let maxBindingCookies = 16

    /// The names of the cookies a request carries.
    static func cookieNames(in request: Request) -> [String] {
        request.headers[values: .cookie].flatMap { header in
            header.split(separator: ";").compactMap { part in
                part.split(separator: "=", maxSplits: 1).first.map { $0.trimmingCharacters(in: .whitespaces) }
            }
        }
    }

    /// A `Set-Cookie` that clears a login binding cookie.
    static func clearing(_ name: String, _ settings: ServerSettings) -> String {
        "\(name)=; Path=/authorize; HttpOnly; SameSite=Lax; Max-Age=0" + (settings.issuer.hasPrefix("https://") ? "; Secure" : "")
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for part in header.split(separator: ";") {
                let pair = part.trimmingCharacters(in: .whitespaces)
                if pair.hasPrefix(name + "=") { return String(pair.dropFirst(name.count + 1)) }
            }
        }
        return nil
    }

    static func redirect(_ location: String) -> Response {
        Response(status: .seeOther, headers: [.location: location, .cacheControl: "no-store"])
    }

    static func oauthJSON(_ value: some Encodable, status: HTTPResponse.Status = .ok) -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return oauthJSON(bytes: (try? encoder.encode(value)) ?? Data("{}".utf8), status: status)
    }

    /// A JSON body already encoded, as ``oauthJSON(_:status:)`` sends it.
    static func oauthJSON(bytes: some Sequence<UInt8>, status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }
}
