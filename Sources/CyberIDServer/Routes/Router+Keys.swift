import CyberIDKeys
import Foundation
import Hummingbird
import NIOCore

extension Router where Context == AppRequestContext {
    /// `GET /jwks.json`: the public signing keys (active first, then retired keys still within
    /// their publication grace), for verifying ID tokens.
    func addKeyRoutes(signingKeys: SigningKeySet) {
        get("jwks.json") { _, _ in
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let body = try encoder.encode(signingKeys.jwks)
            return Response(
                status: .ok, headers: [.contentType: "application/jwk-set+json", .cacheControl: "max-age=300"],
                body: .init(byteBuffer: ByteBuffer(bytes: body)))
        }
    }
}
