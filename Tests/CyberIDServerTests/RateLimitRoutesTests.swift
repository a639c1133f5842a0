import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import CyberIDServer

/// Review finding 8 at the HTTP layer, over real sockets (the client address is the peer's).
@Suite struct RateLimitRoutesTests {
    /// The full router on a fresh runtime, served on a loopback port.
    func withLiveApp(
        _ overrides: [String: String], _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void
    ) async throws {
        let (settings, directory) = try await testSettings(overrides)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await withRuntime(settings: settings, logger: Logger(label: "test")) { runtime in
            let app = Application(router: buildRouter(runtime: runtime), logger: Logger(label: "test"))
            try await app.test(.live) { client in try await body(client) }
        }
    }

    @Test func theAuthorizationEndpointAnswers429WithRetryAfterPastItsLimit() async throws {
        try await withLiveApp(["CYBERID_AUTHORIZE_PER_IP_PER_MINUTE": "3"]) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/authorize?client_id=nobody", method: .get) { response async throws in
                    #expect(response.status == .badRequest)  // counted even when refused for another reason
                }
            }
            try await client.execute(uri: "/authorize?client_id=nobody", method: .get) { response async throws in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType] == "application/problem+json")
                let retry = try #require(response.headers[.retryAfter].flatMap(Int.init))
                // Four counted (the refused one too): the next fits 30 s into the next minute.
                #expect((1...90).contains(retry))
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:authorize-rate-limited")
            }
        }
    }

    /// Failed token requests (guessing codes or secrets) are counted; past the limit the next
    /// request is refused before it is handled, as OAuth error JSON.
    @Test func tokenFailuresAreLimitedWithOAuthErrors() async throws {
        try await withLiveApp(["CYBERID_TOKEN_FAILURES_PER_IP_PER_MINUTE": "2"]) { client in
            let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
            for _ in 0..<2 {
                try await client.execute(
                    uri: "/token", method: .post, headers: form, body: ByteBuffer(string: "grant_type=authorization_code&code=x")
                ) { response async throws in
                    #expect(response.status == .unauthorized || response.status == .badRequest)
                }
            }
            try await client.execute(
                uri: "/token", method: .post, headers: form, body: ByteBuffer(string: "grant_type=authorization_code&code=x")
            ) { response async throws in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType] == "application/json")
                #expect(response.headers[.retryAfter] != nil)
                #expect(try response.json()["error"] as? String == "temporarily_unavailable")
            }
        }
    }

    /// Guessing in-person codes (issue 17): refused verifications are counted per address; past
    /// the limit the next guess is refused before it is looked up.
    @Test func guessingInPersonCodesIsLimited() async throws {
        try await withLiveApp(["CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE": "3"]) { client in
            let json: HTTPFields = [.contentType: "application/json", .authorization: "Basic Z3Vlc3M6Z3Vlc3M="]
            for guess in ["AAAAA-AAAAA", "AAAAA-AAAAB", "AAAAA-AAAAC"] {
                try await client.execute(
                    uri: "/rp/v1/codes/verify", method: .post, headers: json, body: ByteBuffer(string: #"{"code":"\#(guess)"}"#)
                ) { response async throws in
                    #expect(response.status == .unauthorized)
                }
            }
            try await client.execute(
                uri: "/rp/v1/codes/verify", method: .post, headers: json, body: ByteBuffer(string: #"{"code":"AAAAA-AAAAD"}"#)
            ) { response async throws in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:code-failure-rate-limited")
            }
        }
    }

    /// A review's finding: the router skips empty path segments, so `/rp/v1/codes/verify/` and
    /// `//rp/v1/codes/verify` reached the verifier while no limit matched them.
    @Test func anExtraSlashMeetsTheSameLimit() async throws {
        try await withLiveApp(["CYBERID_CODE_FAILURES_PER_IP_PER_MINUTE": "3"]) { client in
            let json: HTTPFields = [.contentType: "application/json", .authorization: "Basic Z3Vlc3M6Z3Vlc3M="]
            for (index, uri) in ["/rp/v1/codes/verify/", "//rp/v1/codes/verify", "/rp//v1/codes/verify", "/rp/v1/codes/verify/"]
                .enumerated()
            {
                try await client.execute(
                    uri: uri, method: .post, headers: json, body: ByteBuffer(string: #"{"code":"AAAAA-AAAA\#(index)"}"#)
                ) { response async throws in
                    #expect(response.status == (index < 3 ? .unauthorized : .tooManyRequests), "\(uri)")
                }
            }
        }
        #expect(RateLimitMiddleware.routedPath("/token/") == "/token")
        #expect(RateLimitMiddleware.routedPath("//wallet//v1/history") == "/wallet/v1/history")
        #expect(RateLimitMiddleware.routedPath("/") == "/")
        #expect(RateLimitMiddleware.routedPath("/authorize") == "/authorize")
    }

    @Test func aForwardedAddressCountsOnlyFromATrustedProxy() {
        let forwarded = ["198.51.100.1, 203.0.113.9"]
        #expect(ClientAddressMiddleware.client(peer: "192.0.2.1", forwardedFor: forwarded, trustedProxies: []) == "192.0.2.1")
        #expect(
            ClientAddressMiddleware.client(peer: "127.0.0.1", forwardedFor: forwarded, trustedProxies: ["127.0.0.1"])
                == "203.0.113.9")
        #expect(ClientAddressMiddleware.client(peer: "127.0.0.1", forwardedFor: [], trustedProxies: ["127.0.0.1"]) == "127.0.0.1")
    }
}
