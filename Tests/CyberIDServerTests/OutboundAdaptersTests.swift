import CyberIDAdapters
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

/// The HTTP adapters for an SMS gateway and a face matcher, against a real local HTTP server
/// standing in for the external services.
@Suite struct OutboundAdaptersTests {
    /// What the fake services received.
    final class Received: Sendable {
        let bodies = Mutex<[[String: String]]>([])
        let authorizations = Mutex<[String?]>([])
    }

    func fakeServices(_ received: Received, score: Double, smsStatus: HTTPResponse.Status) -> some ApplicationProtocol {
        let router = Router()
        router.post("sms") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 16)
            let body = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: String]) ?? [:]
            received.bodies.withLock { $0.append(body) }
            received.authorizations.withLock { $0.append(request.headers[.authorization]) }
            return Response(status: smsStatus)
        }
        router.post("match") { request, context -> Response in
            let buffer = try await request.body.collect(upTo: 1 << 20)
            let body = (try? JSONSerialization.jsonObject(with: Data(buffer: buffer)) as? [String: String]) ?? [:]
            received.bodies.withLock { $0.append(body) }
            return Response(
                status: .ok, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: #"{"score": \#(score)}"#)))
        }
        return Application(router: router, logger: Logger(label: "fake"))
    }

    @Test func theWebhookSenderPostsTheMessageWithItsToken() async throws {
        let received = Received()
        try await fakeServices(received, score: 0, smsStatus: .accepted).test(.live) { client in
            let port = try #require(client.port)
            try await WebhookSMSSender(url: "http://127.0.0.1:\(port)/sms", token: "s3cret").send(
                to: "+8613800000000", text: "CyberID code 123456.")
            #expect(received.bodies.withLock { $0 } == [["to": "+8613800000000", "text": "CyberID code 123456."]])
            #expect(received.authorizations.withLock { $0 } == ["Bearer s3cret"])
        }
    }

    @Test func aFailingGatewayIsAnSMSUnavailableError() async throws {
        try await fakeServices(Received(), score: 0, smsStatus: .badGateway).test(.live) { client in
            let port = try #require(client.port)
            await #expect(throws: AdapterError.self) {
                try await WebhookSMSSender(url: "http://127.0.0.1:\(port)/sms").send(to: "+8613800000000", text: "x")
            }
        }
    }

    @Test func theFaceMatcherSendsBothImagesAndReadsTheScore() async throws {
        let received = Received()
        try await fakeServices(received, score: 0.91, smsStatus: .ok).test(.live) { client in
            let port = try #require(client.port)
            let matcher = HTTPFaceMatcher(url: "http://127.0.0.1:\(port)/match", threshold: 0.8)
            #expect(try await matcher.score(live: [1, 2, 3], portrait: [4, 5]) == 0.91)
            #expect(received.bodies.withLock { $0 } == [["live": "AQID", "portrait": "BAU="]])
            await #expect(throws: AdapterError.self) {
                _ = try await HTTPFaceMatcher(url: "http://127.0.0.1:\(port)/nowhere").score(live: [1], portrait: [2])
            }
        }
    }
}
