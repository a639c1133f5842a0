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
        let response = try await OutboundHTTP.client.execute(request, timeout: .seconds(10))
        guard (200..<300).contains(response.status.code) else {
            throw AdapterError("the SMS webhook did not accept the message")
        }
    }
}
