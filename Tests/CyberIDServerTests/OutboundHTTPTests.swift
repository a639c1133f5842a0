import CyberIDAdapters
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Synchronization
import Testing

@testable import CyberIDServer

/// Review finding 7: the service's outbound calls never follow a redirect, and their URLs are
/// https or loopback http.
@Suite struct OutboundHTTPTests {
    @Test func aGatewayThatRedirectsIsAFailureAndTheTargetIsNeverCalled() async throws {
        let elsewhere = Mutex(0)
        let router = Router()
        router.post("sms") { _, _ in
            Response(status: .temporaryRedirect, headers: [.location: "/elsewhere"])
        }
        router.post("elsewhere") { _, _ -> HTTPResponse.Status in
            elsewhere.withLock { $0 += 1 }
            return .ok
        }
        try await Application(router: router, logger: Logger(label: "test")).test(.live) { client in
            let port = try #require(client.port)
            let sender = WebhookSMSSender(url: "http://127.0.0.1:\(port)/sms")
            await #expect(throws: AdapterError.self) { try await sender.send(to: "+8613800000000", text: "code 123456") }
            #expect(elsewhere.withLock { $0 } == 0, "the code went where the redirect pointed")
        }
    }

    @Test func outboundURLsAreHTTPSOrLoopback() async throws {
        #expect(OutboundHTTP.isAllowed("https://sms.example.cn/send"))
        #expect(OutboundHTTP.isAllowed("http://127.0.0.1:9/send") && OutboundHTTP.isAllowed("http://localhost/x"))
        #expect(!OutboundHTTP.isAllowed("http://sms.example.cn/send") && !OutboundHTTP.isAllowed("ftp://x/y"))
        for setting in ["CYBERID_SMS_WEBHOOK_URL", "CYBERID_FACE_MATCHER_URL"] {
            do {
                _ = try await ServerSettings.load(environment: [setting: "http://matcher.example.cn/score"])
                Issue.record("\(setting) accepted plain http to another host")
            } catch {
                #expect(error.setting == setting)
            }
            _ = try await ServerSettings.load(environment: [setting: "http://127.0.0.1:9/x"])
        }
    }
}
