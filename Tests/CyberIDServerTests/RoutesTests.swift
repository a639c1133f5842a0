import CyberIDKeys
import CyberIDStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import Testing

@testable import CyberIDServer

@Suite struct RoutesTests {
    @Test func healthAnswersOK() async throws {
        try await withTestApp { client, _ async throws in
            try await client.execute(uri: "/health", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/json")
                #expect(try response.json()["status"] as? String == "ok")
            }
        }
    }

    /// A review's finding: no answer told browsers to keep to HTTPS. With an `https://` issuer
    /// every answer does — pages, errors, the API; a plain-HTTP development service does not.
    @Test func anHTTPSServiceSendsStrictTransportSecurity() async throws {
        try await withTestApp(["CYBERID_ISSUER": "https://id.example", "CYBERID_ALLOW_DEV_SMS": "true"]) { client, _ async throws in
            for (uri, status) in [("/health", HTTPResponse.Status.ok), ("/portal", .ok), ("/no-such-page", .notFound)] {
                try await client.execute(uri: uri, method: .get) { response async throws in
                    #expect(response.status == status || uri == "/portal", "\(uri)")
                    #expect(response.headers[.strictTransportSecurity] == "max-age=31536000; includeSubDomains", "\(uri)")
                }
            }
        }
        try await withTestApp { client, _ async throws in
            try await client.execute(uri: "/health", method: .get) { response async throws in
                #expect(response.headers[.strictTransportSecurity] == nil)
            }
        }
    }

    @Test func readyChecksTheStore() async throws {
        try await withTestApp { client, runtime async throws in
            try await client.execute(uri: "/ready", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(try response.json()["status"] as? String == "ready")
            }
            // Take the database away: readiness must say so, as a problem.
            let sqlite = try #require(runtime.database as? SQLiteStoreDatabase)
            await sqlite.close()
            try await client.execute(uri: "/ready", method: .get) { response async throws in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:not-ready")
            }
            try await client.execute(uri: "/health", method: .get) { response async throws in
                #expect(response.status == .ok)
            }
        }
    }

    @Test func metricsCountRequestsByRoutePattern() async throws {
        try await withTestApp { client, _ async throws in
            for _ in 0..<3 { try await client.execute(uri: "/health", method: .get) { _ in } }
            try await client.execute(uri: "/no/such/thing", method: .get) { _ in }
            // An OAuth error (a ProviderError, not an HTTPResponseError): counted with the status
            // the platform gets, 401 — Hummingbird's MetricsMiddleware counted it as a 500.
            try await client.execute(
                uri: "/revoke", method: .post, headers: [.contentType: "application/x-www-form-urlencoded"],
                body: ByteBuffer(string: "token=x")
            ) { response async throws in #expect(response.status == .unauthorized) }
            try await client.execute(uri: "/metrics", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                let lines = response.text.split(separator: "\n")
                let health = lines.first {
                    $0.hasPrefix("hb_requests{") && $0.contains(#"http_route="/health""#) && $0.contains(#"http_request_method="GET""#)
                }
                let count = try #require(health.flatMap { Double($0.split(separator: " ").last ?? "") })
                #expect(count >= 3)
                #expect(lines.contains { $0.hasPrefix("http_server_request_duration_bucket{") && $0.contains(#"http_route="/health""#) })
                #expect(lines.contains { $0.hasPrefix("hb_requests{") && $0.contains(#"http_route="NotFound""#) })
                let revoke = lines.filter { $0.contains(#"http_route="/revoke""#) }
                #expect(revoke.contains { $0.hasPrefix("hb_requests{") && $0.contains(#"http_response_status_code="401""#) })
                #expect(revoke.contains { $0.hasPrefix("hb_request_errors{") && $0.contains(#"error_type="401""#) })
                #expect(!revoke.contains { $0.contains(#"="500""#) })
                // The process's CPU time, for the server's cost per login (issue 16).
                let cpu = try #require(lines.first { $0.hasPrefix("process_cpu_seconds_total ") })
                #expect((Double(cpu.split(separator: " ").last ?? "") ?? 0) > 0)
            }
        }
    }

    /// Review finding 14: with a separate metrics listener, `/metrics` is not public, and the
    /// metrics listener serves it (and nothing else).
    @Test func aSeparateMetricsListenerTakesMetricsOffThePublicPort() async throws {
        try await withTestApp(["CYBERID_METRICS_PORT": "0"]) { client, _ async throws in
            try await client.execute(uri: "/metrics", method: .get) { response async throws in
                #expect(response.status == .notFound)
            }
        }
        try await Application(router: buildMetricsRouter(), logger: Logger(label: "test")).test(.router) { client in
            try await client.execute(uri: "/metrics", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
            }
            try await client.execute(uri: "/health", method: .get) { response async throws in
                #expect(response.status == .notFound)
            }
        }
    }

    @Test func unknownRoutesAreProblemDetails() async throws {
        try await withTestApp { client, _ async throws in
            for (uri, method) in [("/nope", HTTPRequest.Method.get), ("/health", .post), ("/v1/network-numbers/check", .get)] {
                try await client.execute(uri: uri, method: method) { response async throws in
                    #expect(response.status == .notFound)
                    #expect(response.headers[.contentType] == "application/problem+json")
                    let problem = try response.json()
                    #expect(problem["type"] as? String == "urn:cyberid:problem:not-found")
                    #expect(problem["status"] as? Int == 404)
                    #expect(problem["title"] as? String == "Not found")
                }
            }
        }
    }

    @Test func jwksPublishesTheActiveKey() async throws {
        try await withTestApp { client, runtime async throws in
            let kid = try runtime.signingKeys.activeKey().kid
            try await client.execute(uri: "/jwks.json", method: .get) { response async throws in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/jwk-set+json")
                let jwks = try JSONDecoder().decode(JWKS.self, from: Data(response.text.utf8))
                #expect(jwks.keys.map(\.kid) == [kid])
                #expect(!response.text.contains("\"d\""))
            }
        }
    }

    @Test func checksNetworkNumbers() async throws {
        try await withTestApp { client, _ async throws in
            let number = "0000-0000-0000-0001-2"
            let lowerCase = #"{"network_number":"0000 0000"}"#
                .replacingOccurrences(of: "0000 0000", with: "00000000000000012".lowercased())
            try await checkNumber(client, lowerCase) { response async throws in
                #expect(response.status == .ok)
                let body = try response.json()
                #expect(body["valid"] as? Bool == true)
                #expect(body["formatted"] as? String == number)
                #expect(body["canonical"] as? String == "00000000000000012")
            }
            try await checkNumber(client, #"{"network_number":"0000-0000-0000-0001-3"}"#) { response async throws in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:check-character-mismatch")
            }
        }
    }

    @Test func malformedJSONIsAProblem() async throws {
        try await withTestApp { client, _ async throws in
            for body in ["{not json", #"{"wrong_field":1}"#, #"{"network_number":42}"#, ""] {
                try await checkNumber(client, body) { response async throws in
                    #expect(response.status == .badRequest, "body \(body)")
                    #expect(response.headers[.contentType] == "application/problem+json")
                    #expect(try response.json()["type"] as? String == "urn:cyberid:problem:malformed-request")
                }
            }
        }
    }

    @Test func bodiesOverTheLimitAreRefused() async throws {
        try await withTestApp(["CYBERID_MAX_BODY_BYTES": "2048"]) { client, _ async throws in
            let big = #"{"network_number":""# + String(repeating: "0", count: 4096) + #""}"#
            try await checkNumber(client, big) { response async throws in
                #expect(response.status == .contentTooLarge)
                #expect(response.headers[.contentType] == "application/problem+json")
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:body-too-large")
            }
            // Just under the limit still works (and fails only on content).
            let small = #"{"network_number":""# + String(repeating: "0", count: 1000) + #""}"#
            try await checkNumber(client, small) { response async throws in
                #expect(response.status == .badRequest)
                #expect(try response.json()["type"] as? String == "urn:cyberid:problem:invalid-length")
            }
        }
    }

    @Test func problemMappingHidesInternalErrors() {
        struct Secret: Error { let text = "110101199001011234" }
        let problem = Problem.from(Secret())
        #expect(problem.statusCode == 500)
        #expect(problem.code == "internal-error")
        #expect(!(problem.detail ?? "").contains("1101"))
        #expect(Problem.from(StoreError.conflict("dup")).statusCode == 409)
        #expect(Problem.from(StoreError.unavailable("x")).statusCode == 503)
    }
}
