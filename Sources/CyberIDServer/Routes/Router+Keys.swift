import CyberIDKeys
import CyberIDLifecycle
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

    /// `GET /audit/checkpoint`: the newest signed checkpoint of the audit log, for anyone to keep
    /// and hold the service to later (`cyberid admin audit verify --against FILE`).
    func addAuditRoutes(audit: AuditLog) {
        get("audit/checkpoint") { _, _ in
            guard let latest = try await audit.latestCheckpoint() else {
                throw Problem(
                    code: "no-checkpoint", title: "No checkpoint", status: .notFound,
                    detail: "the audit log has no signed checkpoint yet")
            }
            return Response(
                status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(bytes: try AuditCheckpointDocument(latest).json())))
        }
    }
}
