import CyberIDBase64URL
import CyberIDCore
public import CyberIDStore
public import Foundation

/// A signed audit checkpoint as published at `GET /audit/checkpoint` and saved by anyone who
/// wants to hold the service to it later (`cyberid admin audit verify --against FILE`):
/// `{"seq", "entry_hash" (hex), "kid", "signature" (base64url, ES256 r‖s over
/// "cyberid audit checkpoint v1\n<seq>\n<entry_hash>"), "signed_at" (RFC 3339)}`. The key is the
/// service's, published in `/jwks.json` under `kid` while it is current.
public struct AuditCheckpointDocument: Codable, Sendable, Equatable {
    public var seq: Int64
    public var entryHash: String
    public var kid: String
    public var signature: String
    public var signedAt: Date

    enum CodingKeys: String, CodingKey {
        case seq, entryHash = "entry_hash", kid, signature, signedAt = "signed_at"
    }

    public init(_ record: AuditCheckpointRecord) {
        seq = record.seq
        entryHash = Hex.encode(record.entryHash)
        kid = record.kid
        signature = Base64URL.encode(record.signature)
        signedAt = record.signedAt
    }

    /// The record, or `nil` when a field is malformed.
    public var record: AuditCheckpointRecord? {
        guard let hash = Hex.decode(entryHash), hash.count == 32, let signature = Base64URL.decode(signature) else {
            return nil
        }
        return AuditCheckpointRecord(seq: seq, entryHash: hash, kid: kid, signature: signature, signedAt: signedAt)
    }

    /// JSON with RFC 3339 times, keys sorted.
    public func json() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(self)
    }

    /// Parses a saved document.
    public static func parse(_ data: Data) -> AuditCheckpointDocument? {
        let decoder = JSONDecoder()
        decoder.dateDecodingStrategy = .iso8601
        return try? decoder.decode(AuditCheckpointDocument.self, from: data)
    }
}
