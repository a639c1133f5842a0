import CyberIDCore
import CyberIDProvider
import Foundation
import Hummingbird
import NIOCore

/// An OAuth error as the token, PAR, revocation and userinfo endpoints send it: JSON
/// `{error, error_description}` (RFC 6749 §5.2), with `WWW-Authenticate` for 401s (RFC 6750
/// §3 for bearer tokens, Basic for client authentication).
struct OAuthErrorResponse {
    /// The provider's OAuth errors and the credential issuer's (OpenID4VCI uses the same form).
    let error: any ServiceError

    init(_ error: any ServiceError) { self.error = error }

    var response: Response {
        var headers: HTTPFields = [.contentType: "application/json", .cacheControl: "no-store"]
        if error.kind == .unauthenticated {
            headers[.wwwAuthenticate] =
                error.code == "invalid_token"
                ? "Bearer error=\"invalid_token\", error_description=\"\(error.reason)\"" : "Basic realm=\"cyberid\""
        }
        let body = (try? JSONSerialization.data(
            withJSONObject: ["error": error.code, "error_description": error.reason], options: [.sortedKeys]))
            ?? Data()
        return Response(
            status: .init(error.kind), headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }
}
