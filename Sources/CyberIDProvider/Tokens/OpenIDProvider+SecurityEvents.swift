public import AsyncHTTPClient
import CyberIDStore
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

extension OpenIDProvider {
    /// The event type URIs of CyberID's Security Event Tokens.
    public static let securityEventPrefix = "https://schemas.cyberid.dev/secevent/"

    /// Delivers the due Security Event Tokens (RFC 8935 push): signs each with the service key
    /// (`typ: secevent+jwt`), POSTs it to the platform's events URL, and on anything but 202/200
    /// retries with exponential backoff (2ˢ seconds, at most an hour, 12 attempts). Runs in the
    /// background, so a slow platform never delays the request that caused the event.
    /// - Returns: how many were delivered.
    @discardableResult
    public func deliverSecurityEvents(now: Date = Date(), http: HTTPClient = .shared) async throws -> Int {
        let events = securityEvents
        var delivered = 0
        for event in try await events.dueSecurityEvents(at: now, limit: 50) {
            guard try await events.claimSecurityEvent(id: event.id, at: now, leaseUntil: now.addingTimeInterval(30)) else {
                continue
            }
            guard let client = try await registry.cachedClient(id: event.clientID), !client.disabled,
                let uri = client.metadata.eventsURI
            else {
                try await events.securityEventDelivered(id: event.id, at: now, note: "dropped: no events URL")
                continue
            }
            let token = SecurityEventToken(
                iss: issuer, iat: Int(now.timeIntervalSince1970), jti: randomToken(bytes: 16), aud: client.id,
                subID: .init(iss: issuer, sub: event.subject),
                events: [
                    Self.securityEventPrefix + event.event: .init(
                        reason: event.reason, eventTimestamp: Int(event.occurredAt.timeIntervalSince1970))
                ])
            var request = HTTPClientRequest(url: uri)
            request.method = .POST
            request.headers.add(name: "Content-Type", value: "application/secevent+jwt")
            request.headers.add(name: "Accept", value: "application/json")
            request.body = .bytes(ByteBuffer(string: try await signer.sign(token, type: "secevent+jwt")))
            do {
                let response = try await http.execute(request, timeout: .seconds(10))
                _ = try? await response.body.collect(upTo: 64 * 1024)
                guard response.status.code == 202 || response.status.code == 200 else {
                    throw ProviderError.invalidRequest("the platform answered \(response.status.code)")
                }
                try await events.securityEventDelivered(id: event.id, at: Date(), note: nil)
                delivered += 1
            } catch {
                let attempts = event.attempts + 1
                let next = attempts >= 12 ? nil : now.addingTimeInterval(min(pow(2, Double(attempts)), 3600))
                try await events.securityEventFailed(
                    id: event.id, attempts: attempts, nextAttempt: next, error: (error as? ProviderError)?.reason ?? "not delivered")
            }
        }
        return delivered
    }
}
