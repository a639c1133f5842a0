import Synchronization
import CyberIDBase64URL
public import Crypto
public import AsyncHTTPClient
public import CyberIDAdapters
import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
import CyberIDVault
public import Foundation
import JWTKit
import NIOCore
import NIOHTTP1

/// A Security Event Token (RFC 8417) about one of a platform's users.
struct SecurityEventToken: JWTPayload {
    struct Subject: Codable, Sendable {
        var format = "iss_sub"
        var iss: String
        var sub: String
    }

    struct Detail: Codable, Sendable {
        var reason: String
        var eventTimestamp: Int

        enum CodingKeys: String, CodingKey { case reason, eventTimestamp = "event_timestamp" }
    }

    var iss: String
    var iat: Int
    var jti: String
    var aud: String
    var subID: Subject
    var events: [String: Detail]

    enum CodingKeys: String, CodingKey { case iss, iat, jti, aud, subID = "sub_id", events }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}

/// Delivers queued Security Event Tokens to platforms (RFC 8935 push). Events are queued by the
/// store in the same transaction as the change they announce; this service, run in the
/// background, signs and sends them, so a slow platform never delays the request that caused
/// the event. A lease makes each event go out from one process at a time.
public final class SecurityEventDelivery: Sendable {
    /// The event type URIs of CyberID's Security Event Tokens.
    public static let eventPrefix = "https://schemas.cyberid.dev/secevent/"

    let issuer: String
    let events: any SecurityEventStore
    let signer: JWTSigner
    let endpoint: @Sendable (_ clientID: String) async throws -> String?
    /// The platforms this process is sending to now (a slow one is not waited for by the next
    /// round, and never has two batches in flight here).
    let inFlight = InFlightPlatforms()
    /// How long a claimed event is this process's to send: its next attempt moves this far past
    /// the claim (a push takes at most its 10 s timeout).
    let lease: TimeInterval
    /// Keys each event's `jti`, so a retry carries the first try's (the platform may have
    /// processed a push whose answer was lost: it recognises the retry by its `jti`), and no
    /// two events share one, nor does a `jti` tell a platform how many events there are.
    let jtiKey: SymmetricKey

    /// Creates the delivery.
    /// - Parameters:
    ///   - issuer: the service's issuer (`iss`).
    ///   - events: the queue.
    ///   - signer: signs the tokens with the service key.
    ///   - endpoint: a platform's events URL, `nil` when it has none or is disabled.
    ///   - lease: how long a claimed event stays this process's (30 s; tests shorten it).
    ///   - jtiKey: keys the tokens' `jti`s; every node of a deployment needs the same (the
    ///     server derives it from the master key), or a retry from another node has another.
    public init(
        issuer: String, events: any SecurityEventStore, signer: JWTSigner,
        endpoint: @escaping @Sendable (_ clientID: String) async throws -> String?, lease: TimeInterval = 30,
        jtiKey: SymmetricKey
    ) {
        self.lease = lease
        self.jtiKey = jtiKey
        self.issuer = issuer
        self.events = events
        self.signer = signer
        self.endpoint = endpoint
    }

    /// Delivers the due tokens: signs each (`typ: secevent+jwt`), POSTs it to the platform's
    /// events URL, and on anything but 202/200 retries with exponential backoff (2ˢ seconds, at
    /// most an hour, 12 attempts). Platforms are served concurrently, each platform's events in
    /// order, so a slow or unreachable platform delays only its own notices (review finding 7).
    /// No redirect is followed (``OutboundHTTP``).
    /// - Returns: how many were delivered.
    @discardableResult
    public func deliver(now: Date = Date(), http: HTTPClient = OutboundHTTP.client) async throws -> Int {
        let due = try await events.dueSecurityEvents(at: now, limit: 50)
        var byPlatform = [String: [SecurityEventRecord]]()
        for event in due { byPlatform[event.clientID, default: []].append(event) }
        return try await withThrowingTaskGroup(of: Int.self) { group in
            for (platform, platformEvents) in byPlatform where inFlight.start(platform) {
                group.addTask {
                    defer { self.inFlight.finish(platform) }
                    return try await self.deliver(platformEvents, now: now, http: http)
                }
            }
            return try await group.reduce(0, +)
        }
    }

    /// Like ``deliver(now:http:)``, but returns once the sends have started: the server's
    /// one-second round, so that a platform answering slowly (each push may take up to its 10 s
    /// timeout) delays neither the next round nor the other platforms' later events (the
    /// independent test found a second event to a fast platform waiting for a slow one's push).
    /// - Parameter failed: told of an error of the round (the store unreachable, …).
    public func startDelivering(
        now: Date = Date(), http: HTTPClient = OutboundHTTP.client, failed: @escaping @Sendable (any Error) -> Void
    ) {
        Task {
            do {
                _ = try await deliver(now: now, http: http)
            } catch {
                failed(error)
            }
        }
    }

    /// One platform's due events, in order.
    private func deliver(_ platformEvents: [SecurityEventRecord], now: Date, http: HTTPClient) async throws -> Int {
        var delivered = 0
        let started = Date()
        for event in platformEvents {
            // The round's time plus what its earlier sends took: a lease runs from its claim. (From
            // the round's start, an event claimed after 30 s of slow pushes got a lease already
            // over, and another node's round sent it again — a review's finding.)
            let now = now.addingTimeInterval(Date().timeIntervalSince(started))
            guard try await events.claimSecurityEvent(id: event.id, at: now, leaseUntil: now.addingTimeInterval(lease)) else {
                continue
            }
            guard let uri = try await endpoint(event.clientID) else {
                try await events.securityEventDelivered(id: event.id, at: now, note: "dropped: no events URL")
                continue
            }
            do {
                try await send(event, to: uri, now: now, http: http)
                try await events.securityEventDelivered(id: event.id, at: Date(), note: nil)
                delivered += 1
            } catch {
                let attempts = event.attempts + 1
                let next = attempts >= 12 ? nil : now.addingTimeInterval(min(pow(2, Double(attempts)), 3600))
                try await events.securityEventFailed(
                    id: event.id, attempts: attempts, nextAttempt: next,
                    error: (error as? DeliveryFailure)?.description ?? "not delivered")
            }
        }
        return delivered
    }

    private func send(_ event: SecurityEventRecord, to uri: String, now: Date, http: HTTPClient) async throws {
        let token = SecurityEventToken(
            iss: issuer, iat: Int(now.timeIntervalSince1970), jti: jti(event), aud: event.clientID,
            subID: .init(iss: issuer, sub: event.subject),
            events: [
                Self.eventPrefix + event.event: .init(
                    reason: event.reason, eventTimestamp: Int(event.occurredAt.timeIntervalSince1970))
            ])
        var request = HTTPClientRequest(url: uri)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/secevent+jwt")
        request.headers.add(name: "Accept", value: "application/json")
        request.body = .bytes(ByteBuffer(string: try await signer.sign(token, type: "secevent+jwt")))
        let response = try await http.execute(request, timeout: .seconds(10))
        _ = try? await response.body.collect(upTo: 64 * 1024)
        guard response.status.code == 202 || response.status.code == 200 else {
            throw DeliveryFailure(description: "the platform answered \(response.status.code)")
        }
    }

    /// The event's `jti`: the same at every attempt, from any node (16 bytes of HMAC-SHA256
    /// over the issuer, the event's id and its content, base64url). The content is in it because
    /// an id alone can come back: a store restored from a backup (or a standby promoted before
    /// it had the last ids) numbers new events with ids already sent, and a platform dropping a
    /// repeated `jti` would drop a new notice.
    func jti(_ event: SecurityEventRecord) -> String {
        let fields = [
            issuer, String(event.id), event.clientID, event.subject, event.event, event.reason,
            String(event.occurredAt.millisecondsSince1970),  // as stored: every attempt reads the same
        ]
        let message = Array(fields.joined(separator: "\u{0}").utf8)
        return Base64URL.encode(Array(HMAC<SHA256>.authenticationCode(for: message, using: jtiKey).prefix(16)))
    }

    private struct DeliveryFailure: Error, CustomStringConvertible {
        var description: String
    }
}

/// The platforms a process is sending Security Event Tokens to at the moment.
final class InFlightPlatforms: Sendable {
    private let platforms = Mutex(Set<String>())

    /// Marks `platform` in flight; `false` when it already was.
    func start(_ platform: String) -> Bool { platforms.withLock { $0.insert(platform).inserted } }

    func finish(_ platform: String) { _ = platforms.withLock { $0.remove(platform) } }
}
