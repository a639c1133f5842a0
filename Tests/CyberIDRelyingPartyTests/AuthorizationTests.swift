import Crypto
import CyberIDBase64URL
import CyberIDRelyingParty
import Foundation
import Testing

/// `authorizationRequest` (the URL with PKCE, state and nonce) and `code(fromCallback:for:)`
/// (state, RFC 9207 `iss`, error responses), against the callbacks the real server makes.
@Suite struct AuthorizationTests {
    /// The query of a URL, each parameter once.
    private static func query(_ url: String) throws -> [String: String] {
        let items = try #require(URLComponents(string: url)?.queryItems)
        let pairs = items.map { ($0.name, $0.value ?? "") }
        #expect(Set(pairs.map(\.0)).count == pairs.count, "a parameter is repeated in \(url)")
        return Dictionary(pairs) { first, _ in first }
    }

    /// The callback URL with its query changed by `change`.
    private static func rewrite(_ url: String, _ change: (inout [URLQueryItem]) -> Void) throws -> String {
        var components = try #require(URLComponents(string: url))
        var items = components.queryItems ?? []
        change(&items)
        components.queryItems = items
        return try #require(components.string)
    }

    @Test func theAuthorizationURLAsksForTheCodeFlowWithPKCE() async throws {
        try await LiveServer.with { server in
            let client = try await server.secretClient()
            let relyingParty = try await server.relyingParty(client)
            let request = relyingParty.authorizationRequest(scope: "openid age")
            #expect(request.url.hasPrefix(relyingParty.metadata.authorizationEndpoint + "?"))
            let query = try Self.query(request.url)
            #expect(
                query == [
                    "response_type": "code", "client_id": client.id, "redirect_uri": LiveServer.redirectURI,
                    "scope": "openid age", "state": request.state, "nonce": request.nonce,
                    "code_challenge": Base64URL.encode(SHA256.hash(data: Array(request.codeVerifier.utf8))),
                    "code_challenge_method": "S256",
                ])
            // RFC 7636 §4.1: 43 to 128 unreserved characters; 32 random bytes give 43.
            #expect(request.codeVerifier.count == 43)
            #expect(
                request.codeVerifier.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-._~".contains($0)) })
            #expect(request.state.count >= 22 && request.nonce.count >= 22)
            #expect(request.maxAge == nil && request.requiredLevel == nil)
            // The server takes it: it answers with the login page, not an error redirect.
            let page = try await server.get(request.url)
            #expect(page.status == 200)
            // (No Accept-Language: the page is in Chinese, the service's first language.)
            #expect(page.body.contains("Shop") && page.body.contains("lang=\"zh-CN\""))
        }
    }

    @Test func levelPromptAndMaxAgeAreSentWhenGiven() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let level = "http://eidas.europa.eu/LoA/substantial"
            let request = relyingParty.authorizationRequest(acrValues: level, prompt: "login", maxAge: 300)
            let query = try Self.query(request.url)
            #expect(query["acr_values"] == level)
            #expect(query["prompt"] == "login")
            #expect(query["max_age"] == "300")
            #expect(query["scope"] == "openid")
            #expect(request.maxAge == 300)
            #expect(request.requiredLevel == level)
            let page = try await server.get(request.url)
            #expect(page.status == 200)
        }
    }

    @Test func everyRequestHasItsOwnStateNonceAndVerifier() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let requests = (0..<20).map { _ in relyingParty.authorizationRequest() }
            #expect(Set(requests.map(\.state)).count == requests.count)
            #expect(Set(requests.map(\.nonce)).count == requests.count)
            #expect(Set(requests.map(\.codeVerifier)).count == requests.count)
        }
    }

    @Test func theServersCallbackYieldsItsCode() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let request = relyingParty.authorizationRequest()
            let callback = try await server.callback(for: request)
            #expect(callback.hasPrefix(LiveServer.redirectURI + "?"))
            let query = try Self.query(callback)
            #expect(query["state"] == request.state)
            #expect(query["iss"] == server.issuer)
            let code = try relyingParty.code(fromCallback: callback, for: request)
            #expect(code == query["code"])
            #expect(!code.isEmpty)
        }
    }

    /// A callback is only taken for the request whose state it carries (CSRF, RFC 6749 §10.12).
    @Test func aCallbackForAnotherRequestIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let request = relyingParty.authorizationRequest()
            let callback = try await server.callback(for: request)
            let other = relyingParty.authorizationRequest()
            let error = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: callback, for: other)
            }
            #expect(error?.says("state does not match") == true)
            let withoutState = try Self.rewrite(callback) { $0.removeAll { $0.name == "state" } }
            let missing = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: withoutState, for: request)
            }
            #expect(missing?.says("state does not match") == true)
            // The same callback is accepted for its own request.
            #expect(try relyingParty.code(fromCallback: callback, for: request) == Self.query(callback)["code"])
        }
    }

    /// RFC 9207: the callback names the issuer that answered; a mix-up shows as another `iss` or none.
    @Test func aCallbackWithoutTheIssuersIssIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let request = relyingParty.authorizationRequest()
            let callback = try await server.callback(for: request)
            let withoutIss = try Self.rewrite(callback) { $0.removeAll { $0.name == "iss" } }
            let missing = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: withoutIss, for: request)
            }
            #expect(missing?.says("iss is not the issuer") == true)
            let otherIss = try Self.rewrite(callback) { items in
                items = items.map {
                    $0.name == "iss" ? URLQueryItem(name: "iss", value: "https://attacker.example") : $0
                }
            }
            let other = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: otherIss, for: request)
            }
            #expect(other?.says("iss is not the issuer") == true)
            // A trailing slash is another issuer identifier too (compared as strings).
            let slashed = try Self.rewrite(callback) { items in
                items = items.map { $0.name == "iss" ? URLQueryItem(name: "iss", value: server.issuer + "/") : $0 }
            }
            #expect(throws: RelyingPartyError.self) { try relyingParty.code(fromCallback: slashed, for: request) }
        }
    }

    /// The person declines in the wallet: the server redirects with `error=access_denied`, which
    /// the SDK reports (after checking state and iss) instead of looking for a code.
    @Test func anErrorCallbackIsReported() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let request = relyingParty.authorizationRequest()
            let callback = try await server.callback(for: request, approve: false)
            let query = try Self.query(callback)
            #expect(query["code"] == nil)
            #expect(query["error"] == "access_denied")
            #expect(query["state"] == request.state && query["iss"] == server.issuer)
            let error = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: callback, for: request)
            }
            #expect(error?.says("the provider answered access_denied") == true)
            #expect(error?.says(try #require(query["error_description"])) == true)
        }
    }

    @Test func aCallbackWithNeitherCodeNorErrorIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let request = relyingParty.authorizationRequest()
            let callback = try await server.callback(for: request)
            let withoutCode = try Self.rewrite(callback) { $0.removeAll { $0.name == "code" } }
            let error = #expect(throws: RelyingPartyError.self) {
                try relyingParty.code(fromCallback: withoutCode, for: request)
            }
            #expect(error?.says("no code") == true)
        }
    }
}
