import CyberIDBase64URL
import Crypto
import CyberIDKeys
import CyberIDStore
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import NIOCore
import NIOFoundationCompat
import Synchronization
import Testing

@testable import CyberIDLifecycle
@testable import CyberIDServer

/// Security Event Tokens reach a platform once, with several nodes (issue 16): a node claims an
/// event for `lease` seconds before it sends it. A review found the lease counted from the start
/// of the node's round, so a round held up by a slow platform claimed its later events with a
/// lease already over, and another node's round sent them again.
@Suite struct SecurityEventLeaseTests {
    /// The subjects of the tokens a slow platform received, in order.
    final class Received: Sendable {
        let subjects = Mutex<[String]>([])
    }

    /// The claims of the Security Event Token a push carries (its signature is not checked).
    static func claims(_ request: Request) async throws -> [String: Any]? {
        let token = String(buffer: try await request.body.collect(upTo: 1 << 16))
        let parts = token.split(separator: ".")
        let payload = parts.count == 3 ? Base64URL.decode(String(parts[1])) : nil
        return payload.flatMap { try? JSONSerialization.jsonObject(with: Data($0)) as? [String: Any] }
    }

    /// A platform taking `delay` to answer each push (202).
    func slowPlatform(_ received: Received, delay: Duration) -> some ApplicationProtocol {
        let router = Router()
        router.post("events") { request, _ -> Response in
            let claims = try await Self.claims(request)
            let subject = (claims?["sub_id"] as? [String: Any])?["sub"] as? String ?? "unreadable"
            try await Task.sleep(for: delay)
            received.subjects.withLock { $0.append(subject) }
            return Response(status: .accepted)
        }
        return Application(router: router, logger: Logger(label: "slow-platform"))
    }

    /// A platform answering 500 to its first push and 202 after, recording each token's
    /// subject and `jti`.
    final class Pushes: Sendable {
        let list = Mutex<[(subject: String, jti: String)]>([])
    }

    func flakyPlatform(_ received: Pushes) -> some ApplicationProtocol {
        let router = Router()
        router.post("events") { request, _ -> Response in
            let claims = try await Self.claims(request)
            let subject = (claims?["sub_id"] as? [String: Any])?["sub"] as? String ?? "unreadable"
            let first = received.list.withLock { pushes in
                pushes.append((subject, claims?["jti"] as? String ?? ""))
                return pushes.count == 1
            }
            return Response(status: first ? .internalServerError : .accepted)
        }
        return Application(router: router, logger: Logger(label: "flaky-platform"))
    }

    /// RFC 8417's `jti` identifies the token: a retry (the first push failed, or its answer was
    /// lost) carries the same one, from any node, so the platform can tell it from a new event.
    /// Each retry had a fresh random `jti` before (the first review's open finding).
    @Test func aRetryCarriesTheFirstTrysJtiFromAnyNode() async throws {
        try await withTestApp { _, runtime async throws in
            let received = Pushes()
            let due = Date().addingTimeInterval(-1)
            try await runtime.store.database.write { connection in
                for subject in ["first", "second"] {
                    _ = try await connection.execute(
                        """
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) VALUES ('flaky', $1, 'suspended', 'r', $2, 0, $2, NULL, NULL)
                        """, [.text(subject), .integer(Int64(due.timeIntervalSince1970 * 1000))])
                }
            }
            try await flakyPlatform(received).test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/events"
                let key = SymmetricKey(size: .bits256)
                func node() -> SecurityEventDelivery {
                    SecurityEventDelivery(
                        issuer: "https://id.test", events: runtime.store, signer: runtime.securityEvents.signer,
                        endpoint: { _ in url }, jtiKey: key)
                }
                // Node A: the first push refused, the second event delivered; node B, after the
                // backoff, delivers the retry.
                #expect(try await node().deliver() == 1)
                #expect(try await node().deliver(now: Date().addingTimeInterval(5)) == 1)
            }
            let pushes = received.list.withLock { $0 }
            // The server wires the key derived from the master key: every node has the same.
            let event = SecurityEventRecord(
                id: 7, clientID: "c", subject: "s", event: "suspended", reason: "r", occurredAt: Date(timeIntervalSince1970: 1),
                attempts: 0)
            let derived = SecurityEventDelivery(
                issuer: runtime.securityEvents.issuer, events: runtime.store, signer: runtime.securityEvents.signer,
                endpoint: { _ in nil }, jtiKey: runtime.masterKey.derive("security-event-jti v1"))
            #expect(runtime.securityEvents.jti(event) == derived.jti(event))
            var restored = event
            restored.subject = "another person"  // the same id, after a restore: another jti
            #expect(runtime.securityEvents.jti(restored) != runtime.securityEvents.jti(event))
            #expect(pushes.map(\.subject) == ["first", "second", "first"])
            #expect(pushes[0].jti == pushes[2].jti && pushes[0].jti.count == 22)
            #expect(pushes[1].jti != pushes[0].jti)
        }
    }

    @Test func aSlowPlatformGetsEachEventOnceFromTwoNodes() async throws {
        try await withTestApp { _, runtime async throws in
            let received = Received()
            let subjects = (1...12).map { "event-\($0)" }
            let due = Date().addingTimeInterval(-1)
            try await runtime.store.database.write { connection in
                for subject in subjects {
                    _ = try await connection.execute(
                        """
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) VALUES ('slow', $1, 'suspended', 'r', $2, 0, $2, NULL, NULL)
                        """, [.text(subject), .integer(Int64(due.timeIntervalSince1970 * 1000))])
                }
            }
            try await slowPlatform(received, delay: .milliseconds(1_000)).test(.live) { client in
                let url = "http://127.0.0.1:\(try #require(client.port))/events"
                // Two nodes over one store; an 8 s lease stands for the service's 30 s, 1 s
                // pushes for its slow platform: node A's round claims its ninth event 8 s in, so
                // with leases counted from the round's start its later events could go out twice
                // (that mutant sent two of them twice).
                // (A lease of 1 s against 0.4 s pushes, then 2.5 s against 1 s, left too little
                // room on a loaded machine: a push that took longer than the lease from claim to
                // delivered was sent again by node B. 8 s leaves 7.)
                let key = SymmetricKey(size: .bits256)
                func node() -> SecurityEventDelivery {
                    SecurityEventDelivery(
                        issuer: "https://id.test", events: runtime.store, signer: runtime.securityEvents.signer,
                        endpoint: { _ in url }, lease: 8, jtiKey: key)
                }
                let (a, b) = (node(), node())
                async let first = a.deliver()
                // Node B's one-second rounds, here every 250 ms once A's first leases are over.
                try await Task.sleep(for: .milliseconds(8_250))
                var byB = 0
                for _ in 0..<24 {
                    byB += try await b.deliver()
                    try await Task.sleep(for: .milliseconds(250))
                }
                let byA = try await first
                let got = received.subjects.withLock { $0 }
                #expect(got.sorted() == subjects.sorted(), "each event once: \(got)")
                #expect(byA + byB == subjects.count)
            }
        }
    }
}
