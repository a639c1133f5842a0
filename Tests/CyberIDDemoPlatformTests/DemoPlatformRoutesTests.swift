import CyberIDWeb
import Foundation
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import CyberIDDemoPlatform

/// The demo platform's pages in-process. CyberID itself is not running (the issuer's port is
/// closed): sign-in's protocol steps are the SDK's, tested in CyberIDRelyingPartyTests and by the
/// browser suite (Tests/browser/test_demo_platform.py).
@Suite struct DemoPlatformRoutesTests {
    static func platform(legalBasis: String? = nil) -> DemoPlatform {
        DemoPlatform(
            configuration: .init(
                issuer: "http://127.0.0.1:9", publicURL: "http://localhost:8091/", clientID: "c_demo",
                clientSecret: "s", legalBasis: legalBasis))
    }

    static func run(
        _ platform: DemoPlatform, _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        try await Application(router: platform.router()).test(.router, body)
    }

    /// The text between the first `start` and the `end` after it.
    static func between(_ start: String, _ end: String, in text: String) -> String? {
        guard let from = text.range(of: start),
            let to = text.range(of: end, range: from.upperBound..<text.endIndex)
        else { return nil }
        return String(text[from.upperBound..<to.lowerBound])
    }

    /// A session that has signed in with `claims`.
    static func signedIn(_ platform: DemoPlatform, _ claims: [String: String]) -> String {
        let token = platform.sessions.start()
        platform.sessions.setLearned(
            .init(scope: .age, report: ClaimsReport(claims: claims), payloadJSON: #"{"sub":"p_3k9Q"}"#), for: token)
        return token
    }

    @Test func theHomePageShowsBothSidesUnderTheStrictPolicy() async throws {
        try await Self.run(Self.platform()) { client in
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "en-GB,en;q=0.9"]) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains(#"<html lang="en">"#))
                #expect(page.contains(#"<form id="traditional-form" method="post" action="/traditional""#))
                for id in ["traditional-name", "traditional-id-number", "traditional-phone", "traditional-face"] {
                    #expect(page.contains(#"<label for="\#(id)">"#) && page.contains(#"id="\#(id)""#))
                }
                #expect(page.contains(#"type="file" accept="image/*""#))
                let link = #"<a id="sign-in-cyberid" class="button" href="/login?scope=age">Sign in with CyberID</a>"#
                #expect(page.contains(link))
                #expect(!page.contains("sign-in-realname"))
                #expect(page.components(separatedBy: "<h1").count == 2)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                #expect(policy.contains("script-src 'none'") && policy.contains("form-action 'self'"))
                let style = try #require(Self.between("<style>", "</style>", in: page))
                #expect(policy.contains("style-src \(ContentSecurityPolicy.source(style))"))
                #expect(response.headers[.cacheControl] == "no-store")
            }
        }
    }

    @Test func theRealNameSignInIsOfferedOnlyWithALegalBasis() async throws {
        try await Self.run(Self.platform(legalBasis: "Real-name rule for the demo")) { client in
            try await client.execute(uri: "/", method: .get, headers: [.acceptLanguage: "en"]) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"id="sign-in-realname" class="button secondary" href="/login?scope=realname">"#))
                #expect(page.contains("Sign in with CyberID (real name)"))
                #expect(page.contains("Real-name rule for the demo"))
            }
        }
        try await Self.run(Self.platform()) { client in
            try await client.execute(uri: "/login?scope=realname", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/login?scope=network_number", method: .get) { response in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func chineseByDefaultAndTheSwitchIsRemembered() async throws {
        try await Self.run(Self.platform()) { client in
            try await client.execute(uri: "/", method: .get) { response in
                #expect(String(buffer: response.body).contains(#"<html lang="zh-CN">"#))
                #expect(String(buffer: response.body).contains("使用 CyberID 登录"))
            }
            try await client.execute(uri: "/language/en?next=/learned", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/learned")
                #expect(response.headers[.setCookie]?.hasPrefix("__Host-demo_lang=en; Path=/; Secure") == true)
            }
            try await client.execute(uri: "/language/en?next=https://elsewhere.example/", method: .get) { response in
                #expect(response.headers[.location] == "/")
            }
            let headers: HTTPFields = [.cookie: "__Host-demo_lang=en", .acceptLanguage: "zh-CN"]
            try await client.execute(uri: "/", method: .get, headers: headers) { response in
                #expect(String(buffer: response.body).contains(#"<html lang="en">"#))
            }
        }
    }

    @Test func theTraditionalFormIsDiscardedAndListsTheFourFieldsKept() async throws {
        try await Self.run(Self.platform()) { client in
            let body = "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\nSECRET NAME\r\n--b--\r\n"
            try await client.execute(
                uri: "/traditional", method: .post,
                headers: [.contentType: "multipart/form-data; boundary=b", .acceptLanguage: "en"],
                body: ByteBuffer(string: body)
            ) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                let kept = try #require(Self.between(#"<ul id="would-keep""#, "</ul>", in: page))
                #expect(kept.components(separatedBy: "<li>").count - 1 == 4)
                #expect(!page.contains("SECRET NAME"))
            }
        }
    }

    @Test func whatWasLearnedNeedsASignIn() async throws {
        try await Self.run(Self.platform()) { client in
            for cookie in [nil, "__Host-demo_session=forged"] {
                var headers = HTTPFields()
                if let cookie { headers[.cookie] = cookie }
                try await client.execute(uri: "/learned", method: .get, headers: headers) { response in
                    #expect(response.status == .seeOther && response.headers[.location] == "/")
                }
            }
            try await client.execute(uri: "/callback?code=c&state=s", method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(#"id="error-message""#))
            }
        }
    }

    @Test func theLearnedPageShowsClaimsWhatWasNotLearnedAndTheFigure() async throws {
        let platform = Self.platform()
        let token = Self.signedIn(platform, ageLogin)
        try await Self.run(platform) { client in
            let headers: HTTPFields = [.cookie: "__Host-demo_session=\(token)", .acceptLanguage: "en"]
            try await client.execute(uri: "/learned", method: .get, headers: headers) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                for id in ["learned-claims", "not-learned", "minimisation", "id-token-payload", "sign-out"] {
                    #expect(page.contains(#"id="\#(id)""#), "\(id)")
                }
                #expect(page.contains(#"data-received="1" data-collected="4"><strong class="figure">1 of 4</strong>"#))
                #expect(page.contains("a pseudonym for this platform only"))
                #expect(page.contains(#"<tr id="claim-age_over_18" class="personal">"#))
                #expect(page.contains("<li>Your ID card number</li>") && page.contains("<li>Your name</li>"))
                #expect(page.contains(#"name="csrf" value="\#(CSRFToken.token(forSession: token))""#))
            }
        }
    }

    @Test func signingOutNeedsTheSessionsCSRFTokenAndThisOrigin() async throws {
        let platform = Self.platform()
        let token = Self.signedIn(platform, ageLogin)
        let other = Self.signedIn(platform, ageLogin)
        try await Self.run(platform) { client in
            func logout(_ csrf: String, origin: String? = nil) async throws -> TestResponse {
                var headers: HTTPFields = [
                    .cookie: "__Host-demo_session=\(token)", .contentType: "application/x-www-form-urlencoded",
                ]
                if let origin { headers[.origin] = origin }
                return try await client.execute(
                    uri: "/logout", method: .post, headers: headers, body: ByteBuffer(string: "csrf=\(csrf)"))
            }
            #expect(try await logout("").status == .forbidden)
            #expect(try await logout(CSRFToken.token(forSession: other)).status == .forbidden)
            let elsewhere = try await logout(CSRFToken.token(forSession: token), origin: "http://127.0.0.1:8091")
            #expect(elsewhere.status == .forbidden)
            #expect(platform.sessions.isLive(token))
            let response = try await logout(CSRFToken.token(forSession: token), origin: "http://localhost:8091")
            #expect(response.status == .seeOther)
            #expect(response.headers[.setCookie]?.hasPrefix("__Host-demo_session=; Path=/") == true)
            #expect(!platform.sessions.isLive(token) && platform.sessions.isLive(other))
        }
    }

    @Test func anUnreachableCyberIDIsExplained() async throws {
        try await Self.run(Self.platform()) { client in
            let headers: HTTPFields = [.acceptLanguage: "en"]
            try await client.execute(uri: "/login?scope=age", method: .get, headers: headers) { response in
                #expect(response.status == .badGateway)
                #expect(String(buffer: response.body).contains("CyberID cannot be reached right now"))
            }
        }
    }
}
