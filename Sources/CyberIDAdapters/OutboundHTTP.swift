public import AsyncHTTPClient
public import Foundation

/// The one HTTP client for every call the service makes to others — platforms' JWKS and events
/// URLs, the SMS gateway, the face matcher (review finding 7): it never follows a redirect (a
/// 3xx is an answer like any other, so an endpoint cannot send the service's requests, with
/// their tokens and personal data, somewhere else), and every such URL is https, or http on a
/// loopback host (``isAllowed(_:)``, checked where the URL is configured).
public enum OutboundHTTP {
    /// The shared client (never shut down: it lives as long as the process).
    public static let client: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        return HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
    }()

    /// Whether `url` is https, or http on a loopback host.
    public static func isAllowed(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let host = components.host, !host.isEmpty else { return false }
        switch components.scheme?.lowercased() {
        case "https": return true
        case "http": return ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased())
        default: return false
        }
    }
}
