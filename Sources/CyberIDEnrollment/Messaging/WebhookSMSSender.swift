import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOHTTP1
import NIOFoundationCompat

/// Sends SMS through an operator's gateway: `POST {url}` with `{"to": "+86…", "text": "…"}` and
/// an optional bearer token; any 2xx is success.
public struct WebhookSMSSender: SMSSender {
    /// The gateway endpoint.
    public let url: String
    /// Sent as `Authorization: Bearer …` when set.
    public let token: String?

    /// Creates a sender.
    public init(url: String, token: String? = nil) {
        self.url = url
        self.token = token
    }

    public func send(to phone: String, text: String) async throws {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        if let token { request.headers.add(name: "Authorization", value: "Bearer \(token)") }
        let body = try JSONSerialization.data(withJSONObject: ["to": phone, "text": text], options: [.sortedKeys])
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(10))
        guard (200..<300).contains(response.status.code) else {
            throw EnrollmentError.smsUnavailable()
        }
    }
}

/// Asks an external face-matching service: `POST {url}` with
/// `{"live": base64, "portrait": base64}`, answer `{"score": 0.0…1.0}`.
public struct HTTPFaceMatcher: FaceMatcher {
    /// The matcher endpoint.
    public let url: String
    public let threshold: Double

    /// Creates a matcher client.
    public init(url: String, threshold: Double = 0.8) {
        self.url = url
        self.threshold = threshold
    }

    public func score(live: [UInt8], portrait: [UInt8]) async throws -> Double {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        request.headers.add(name: "Content-Type", value: "application/json")
        let body = try JSONSerialization.data(
            withJSONObject: ["live": Data(live).base64EncodedString(), "portrait": Data(portrait).base64EncodedString()])
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: .seconds(15))
        guard response.status.code == 200 else { throw EnrollmentError.faceMatcherUnavailable() }
        let bytes = try await response.body.collect(upTo: 64 * 1024)
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any],
            let score = object["score"] as? Double
        else { throw EnrollmentError.faceMatcherUnavailable() }
        return score
    }
}
