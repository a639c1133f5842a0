import CyberIDProvider
import CyberIDStore
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import CyberIDServer

/// The provider's HTTP edge: wire formats, headers and error forms (the protocol itself is
/// tested in CyberIDProviderTests and, independently, in Tests/oidc and Tests/browser).
@Suite struct OpenIDRoutesTests {
    @Test func discoveryNamesTheEndpointsUnderTheIssuer() async throws {
        try await withTestApp { client, runtime async throws in
            try await client.execute(uri: "/.well-known/openid-configuration", method: .get) { response async throws in
                #expect(response.status == .ok)
                let metadata = try response.json()
                let issuer = runtime.settings.issuer
                #expect(metadata["issuer"] as? String == issuer)
                #expect(metadata["token_endpoint"] as? String == "\(issuer)/token")
                #expect(metadata["pushed_authorization_request_endpoint"] as? String == "\(issuer)/par")
                #expect(metadata["code_challenge_methods_supported"] as? [String] == ["S256"])
                #expect(metadata["subject_types_supported"] as? [String] == ["pairwise"])
                #expect(metadata["authorization_response_iss_parameter_supported"] as? Bool == true)
            }
        }
    }

    @Test func ampersandsAreEscapedByteByByte() {
        #expect(LoginPage.escapingAmpersands("a&b&&c") == "a&amp;b&amp;&amp;c")
        #expect(LoginPage.escapingAmpersands("网证&x=1") == "网证&amp;x=1")
        #expect(LoginPage.escapingAmpersands("") == "" && LoginPage.escapingAmpersands("plain") == "plain")
    }

    /// The status poll's image and the login page's first one (its `src="…"`, unescaped): the
    /// `/authorize/qr` image as a text data URL, with nothing a double-quoted HTML attribute
    /// would need escaped (no `"`, no `&`, whatever the link holds).
    @Test func theStatusImageIsThePageImageAsATextDataURL() throws {
        let content = "cyberid://login?iss=https%3A%2F%2Fid.example&t=abc&qt=3&qa=xyz"
        let url = try LoginPage.qrDataURL(content)
        let prefix = "data:image/svg+xml,"
        #expect(url.hasPrefix(prefix) && !url.contains("#") && !url.contains("\"") && !url.contains("&"))
        #expect(
            String(url.dropFirst(prefix.count)).removingPercentEncoding
                == (try LoginPage.qrSVG(content)).replacingOccurrences(of: "\"", with: "'"))
    }

    /// A platform registered under `clientName` and the query of its authorization request.
    static func authorizationQuery(_ runtime: Runtime, clientName: String, scope: String) async throws -> String {
        let (registered, _) = try await runtime.provider.clients.register(
            ClientRegistration(name: clientName, redirectURIs: ["http://127.0.0.1:9/cb"]))
        return FormParameters.encode([
            ("response_type", "code"), ("client_id", registered.id), ("redirect_uri", "http://127.0.0.1:9/cb"),
            ("scope", scope), ("state", "s"), ("code_challenge", String(repeating: "a", count: 43)),
            ("code_challenge_method", "S256"),
        ])
    }

    /// A new login page's status poll: `GET /authorize/status?r=…&EXTRA`, its status and JSON.
    static func statusPoll(_ client: any TestClientProtocol, _ runtime: Runtime) async throws
        -> @Sendable (String) async throws -> (HTTPResponse.Status, [String: Any])
    {
        let query = try await authorizationQuery(runtime, clientName: "Shop", scope: "openid")
        let page = try await client.execute(uri: "/authorize?\(query)", method: .get) { $0.text }
        let status = String(try #require(page.components(separatedBy: "data-status-url=\"").last?.prefix { $0 != "\"" }))
        return { extra in try await client.execute(uri: "/\(status)&\(extra)", method: .get) { ($0.status, try $0.json()) } }
    }

    /// Each of `extras` makes the status poll a `400 malformed-request`.
    static func expectMalformed(
        _ poll: (String) async throws -> (HTTPResponse.Status, [String: Any]), _ extras: [String]
    ) async throws {
        for extra in extras {
            let (code, problem) = try await poll(extra)
            #expect(code == .badRequest && problem["type"] as? String == "urn:cyberid:problem:malformed-request", "\(extra)")
        }
    }

    /// The page sends the step of the code it shows; the status carries the image only for
    /// another step. A step that is not one to seven digits is a malformed request.
    @Test func theStatusImageComesOnlyForANewCode() async throws {
        try await withTestApp { client, runtime async throws in
            let poll = try await Self.statusPoll(client, runtime)
            var (current, same): ([String: Any], [String: Any]) = ([:], [:])
            for _ in 0..<3 {  // again if a new code began between the two polls
                current = try await poll("qr_image=svg").1
                let step = try #require(current["qr_step"] as? Int)
                same = try await poll("qr_image=svg&qr_step=\(step)").1
                if same["qr_step"] as? Int == step { break }
            }
            let step = try #require(current["qr_step"] as? Int)
            #expect((current["qr_image"] as? String)?.hasPrefix("data:image/svg+xml,") == true)
            #expect(same["qr_step"] as? Int == step && same["qr"] as? String == current["qr"] as? String)
            #expect(same["status"] as? String == "pending" && same["qr_image"] == nil)
            let other = try await poll("qr_image=svg&qr_step=\(step + 1)").1
            #expect((other["qr_image"] as? String)?.hasPrefix("data:image/svg+xml,") == true)
            try await Self.expectMalformed(poll, ["-1", "x", "1.5", "12345678", "%205"].map { "qr_image=svg&qr_step=\($0)" })
        }
    }

    /// `wait=1` with the step of the code the page shows: the answer comes when the next code is
    /// due, with its image (the provider's tests hold it for decisions, the end and cancellation).
    /// `wait` is `1` or nothing.
    @Test func aHeldStatusAnswersWithTheNextCode() async throws {
        try await withTestApp(["CYBERID_QR_STEP_SECONDS": "1"]) { client, runtime async throws in
            let poll = try await Self.statusPoll(client, runtime)
            let step = try #require(try await poll("qr_image=svg").1["qr_step"] as? Int)
            let held = try await poll("qr_image=svg&qr_step=\(step)&wait=1").1
            #expect(try #require(held["qr_step"] as? Int) > step, "\(held)")
            #expect((held["qr_image"] as? String)?.hasPrefix("data:image/svg+xml,") == true)
            try await Self.expectMalformed(poll, ["0", "2", "true", "%201"].map { "qr_step=\(step)&wait=\($0)" })
        }
    }

    @Test func theLoginPageIsSelfContainedAndLocked() async throws {
        try await withTestApp { client, runtime async throws in
            let query = try await Self.authorizationQuery(runtime, clientName: "Shop <&>", scope: "openid age")
            try await client.execute(uri: "/authorize?\(query)", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("default-src 'none'") && csp.contains("script-src 'sha256-"))
                #expect(response.headers[.cacheControl] == "no-store")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("cyberid_login=") && cookie.contains("HttpOnly") && cookie.contains("Path=/authorize"))
                let html = response.text
                // The first image whole in its attribute, as the status poll carries it.
                let image = html.components(separatedBy: "id=\"qr-code\"").last?
                    .components(separatedBy: "src=\"").dropFirst().first?.prefix { $0 != "\"" }
                #expect(image?.hasPrefix("data:image/svg+xml,<svg ") == true && image?.hasSuffix("</svg>") == true)
                #expect(html.contains("id=\"wallet-link\" href=\"cyberid://login?iss=") && html.contains("id=\"match-number\""))
                // The link's query separators are written `&amp;`, and no bare `&` is left in it.
                let link = try #require(html.components(separatedBy: "id=\"wallet-link\" href=\"").last?.prefix { $0 != "\"" })
                #expect(link.contains("&amp;") && link.replacingOccurrences(of: "&amp;", with: "").firstIndex(of: "&") == nil)
                // The client's name is escaped; nothing is loaded from elsewhere.
                #expect(html.contains("Shop &lt;&amp;&gt;") && !html.contains("Shop <&>"))
                #expect(!html.contains("src=\"http") && !html.contains("href=\"http"))
            }
            // The same request by POST.
            try await client.execute(
                uri: "/authorize", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: query)
            ) { response async throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func errorsTakeTheFormTheirEndpointNeeds() async throws {
        try await withTestApp { client, _ async throws in
            // Before the redirect URI is trusted: a problem, never a redirect.
            try await client.execute(uri: "/authorize?client_id=nobody&redirect_uri=https%3A%2F%2Fevil.example", method: .get) {
                response async throws in
                #expect(response.status == .badRequest)
                #expect(response.headers[.location] == nil)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:invalid-authorization-request")
            }
            // The token endpoint: RFC 6749 §5.2 JSON and a Basic challenge.
            try await client.execute(
                uri: "/token", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "grant_type=authorization_code&code=x")
            ) { response async throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
                #expect(try response.json()["error"] as? String == "invalid_client")
            }
            try await client.execute(uri: "/token", method: .post, headers: [.contentType: "application/json"], body: ByteBuffer(string: "{}")) {
                response async throws in
                #expect(response.status == .unsupportedMediaType)
            }
            // Userinfo: a bearer challenge (RFC 6750 §3).
            try await client.execute(uri: "/userinfo", method: .get, headers: [.authorization: "Bearer nonsense"]) {
                response async throws in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate]?.contains("error=\"invalid_token\"") == true)
            }
            // The wallet API: problems.
            try await client.execute(uri: "/wallet/v1/login?t=garbage", method: .get) { response async throws in
                #expect(response.status == .badRequest)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:invalid-login-ticket")
            }
            try await client.execute(uri: "/wallet/v1/consents", method: .get) { response async throws in
                #expect(response.status == .unauthorized)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:invalid-wallet-signature")
            }
        }
    }

    /// A NUL in a platform's request (schemathesis found `POST /par` with one in `client_id`
    /// answering the problem `invalid-text`, where the endpoint documents only OAuth JSON).
    @Test func aNULInAPlatformsRequestIsAnOAuthError() async throws {
        try await withTestApp { client, runtime async throws in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for path in ["/par", "/token", "/revoke"] {
                try await client.execute(
                    uri: path, method: .post, headers: form,
                    body: ByteBuffer(string: "grant_type=authorization_code&code=x&token=x&client_id=%3D%00x&client_secret=0")
                ) { response async throws in
                    #expect(response.status == .unauthorized, "\(path)")
                    #expect(response.headers[.contentType] == "application/json", "\(path)")
                    #expect(try response.json()["error"] as? String == "invalid_client", "\(path)")
                }
            }
            // A client id with a NUL at /authorize: an unknown client (a problem, never a redirect).
            try await client.execute(uri: "/authorize?client_id=a%00b&redirect_uri=https%3A%2F%2Fshop.example%2Fcb", method: .get) {
                response async throws in
                #expect(response.status == .badRequest)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:invalid-authorization-request")
            }
            // An authenticated platform's sub with a NUL: no subject it was given.
            let (registered, secret) = try await runtime.provider.clients.register(
                ClientRegistration(name: "Shop", redirectURIs: ["https://shop.example/cb"]))
            let basic = "Basic " + Data("\(registered.id):\(try #require(secret))".utf8).base64EncodedString()
            try await client.execute(
                uri: "/rp/v1/reverifications", method: .post, headers: [.contentType: "application/x-www-form-urlencoded", .authorization: basic],
                body: ByteBuffer(string: "sub=a%00b&reason=checked")
            ) { response async throws in
                #expect(response.status == .notFound)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:unknown-subject")
            }
        }
    }

    /// What any NUL that still reaches the store from an OAuth endpoint becomes.
    @Test func theStoresRefusalOfANULIsInvalidRequestAtOAuthEndpoints() async throws {
        do {
            _ = try await Router<AppRequestContext>.oauthRoute { throw StoreError.invalidText("a text value holds a NUL character") }
            Issue.record("the store's refusal went through")
        } catch let error as ProviderError {
            #expect(error.code == "invalid_request" && error.isOAuth)
            #expect(OAuthErrorResponse(error).response.headers[.contentType] == "application/json")
        }
        // Other errors pass unchanged.
        await #expect(throws: StoreError.unavailable) {
            _ = try await Router<AppRequestContext>.oauthRoute { throw StoreError.unavailable("down") }
        }
    }
}
