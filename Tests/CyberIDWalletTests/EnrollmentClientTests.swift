import CyberIDWallet
import Foundation
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

@Suite struct EnrollmentClientTests {
    @Test func aProblemDocumentBecomesAWalletProblem() async throws {
        let (baseURL, session) = StubURLProtocol.register { _, _ in
            .problem("wrong-step", 409, "phone_code_sent")
        }
        let client = EnrollmentClient(baseURL: baseURL, urlSession: session)
        await #expect(throws: WalletError.problem(code: "wrong-step", status: 409, detail: nil)) {
            try await client.sendPhoneCode(session: "c2Vzc2lvbg", phone: "+8613800000000")
        }
        do {
            _ = try await client.confirmPhone(session: "c2Vzc2lvbg", code: "123456")
            Issue.record("a 409 answer must throw")
        } catch let error as WalletError {
            #expect(error.code.description == "problem")
            #expect(
                error.serverProblem
                    == WalletError.ServerProblem(code: "wrong-step", status: 409, detail: "phone_code_sent"))
        }
    }

    @Test func anAnswerWithoutAProblemDocumentIsAnUnexpectedStatus() async throws {
        let (baseURL, session) = StubURLProtocol.register { _, _ in
            StubURLProtocol.Answer(status: 502, contentType: "text/html", body: Array("<html>Bad gateway</html>".utf8))
        }
        let client = EnrollmentClient(baseURL: baseURL, urlSession: session)
        await #expect(throws: WalletError.unexpectedStatus) { try await client.start() }
    }

    @Test func startSendsAnEmptyObjectAndDecodesTheSession() async throws {
        let (baseURL, session) = StubURLProtocol.register { path, body in
            guard path == "/enrollment/v1/sessions", body == Array("{}".utf8) else {
                return .problem("test-mismatch", 400, "\(path) \(String(decoding: body, as: UTF8.self))")
            }
            return .json(
                201,
                #"{"session_id":"c2Vzc2lvbg","aa_challenge":"AQIDBAUGBwg","expires_at":"2026-11-25T10:10:00Z","state":"started"}"#
            )
        }
        let started = try await EnrollmentClient(baseURL: baseURL, urlSession: session).start(guardian: nil)
        #expect(started.sessionID == "c2Vzc2lvbg")
        #expect(started.aaChallenge == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(started.expiresAt == Date(timeIntervalSince1970: 1_795_601_400))
        #expect(started.state == "started")
    }

    @Test func startCarriesTheGuardianJWS() async throws {
        let (baseURL, session) = StubURLProtocol.register { _, body in
            let fields = try JSONDecoder().decode([String: String].self, from: Data(body))
            guard fields == ["guardian": "a.b.c"] else { return .problem("test-mismatch", 400, "\(fields)") }
            return .json(
                201,
                #"{"session_id":"s","aa_challenge":"AQIDBAUGBwg","expires_at":"2026-11-25T10:10:00.5Z","state":"started"}"#
            )
        }
        let started = try await EnrollmentClient(baseURL: baseURL, urlSession: session).start(guardian: "a.b.c")
        #expect(abs(started.expiresAt.timeIntervalSince1970 - 1_795_601_400.5) < 0.001)
    }

    @Test func binaryFieldsAreBase64URLWithoutPadding() async throws {
        let (baseURL, session) = StubURLProtocol.register { path, body in
            let fields = try JSONDecoder().decode([String: String].self, from: Data(body))
            let expected = ["dg1": "-_8", "sod": "dwA", "aa_signature": "AQ"]
            guard path == "/enrollment/v1/sessions/s-1/document", fields == expected else {
                return .problem("test-mismatch", 400, "\(path) \(fields)")
            }
            return .json(
                200,
                #"{"state":"document_verified","age_band":"18_plus","document_expires":"2031-01-01","next":"phone"}"#)
        }
        let client = EnrollmentClient(baseURL: baseURL, urlSession: session)
        let files = ChipFiles(dg1: [0xFB, 0xFF], dg2: nil, dg15: nil, sod: [0x77, 0x00])
        let result = try await client.presentDocument(session: "s-1", files: files, aaSignature: [0x01])
        #expect(
            result
                == StepResult(
                    state: "document_verified", next: "phone", ageBand: "18_plus", documentExpires: "2031-01-01"))
    }

    @Test func aBaseURLWithAPathPrefixKeepsIt() async throws {
        let (baseURL, session) = StubURLProtocol.register { path, _ in
            guard path == "/cyberid/enrollment/v1/sessions/s/phone" else { return .problem("test-mismatch", 400, path) }
            return .json(202, #"{"state":"phone_code_sent","code_expires_at":"2026-11-25T10:05:00Z"}"#)
        }
        let client = EnrollmentClient(baseURL: baseURL.appendingPathComponent("cyberid/"), urlSession: session)
        let result = try await client.sendPhoneCode(session: "s", phone: "+8613800000000")
        #expect(result.state == "phone_code_sent")
        #expect(result.codeExpiresAt == Date(timeIntervalSince1970: 1_795_601_100))
    }

    @Test func aSessionIDCannotChangeThePath() async throws {
        let (baseURL, session) = StubURLProtocol.register { path, _ in
            guard path.hasPrefix("/enrollment/v1/sessions/"), path.hasSuffix("/face") else {
                return .problem("test-mismatch", 400, path)
            }
            return .json(200, #"{"state":"face_matched","next":"complete"}"#)
        }
        let client = EnrollmentClient(baseURL: baseURL, urlSession: session)
        let result = try await client.submitFace(session: "a/b?c#d", image: [0xFF, 0xD8])
        #expect(result.next == "complete")
    }

    @Test func anUnreachableServiceIsATransportError() async throws {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = 5
        let client = EnrollmentClient(
            baseURL: URL(string: "http://127.0.0.1:1")!, urlSession: URLSession(configuration: configuration))
        await #expect(throws: WalletError.transport) { try await client.start() }
    }
}
