import AsyncHTTPClient
public import Foundation
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

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
        let response = try await OutboundHTTP.client.execute(request, timeout: .seconds(15))
        guard response.status.code == 200 else { throw AdapterError("the face matcher did not answer with a score") }
        let bytes = try await response.body.collect(upTo: 64 * 1024)
        guard let object = try JSONSerialization.jsonObject(with: Data(buffer: bytes)) as? [String: Any],
            let score = object["score"] as? Double
        else { throw AdapterError("the face matcher did not answer with a score") }
        return score
    }
}
