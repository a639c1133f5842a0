public import CyberIDCore
public import Foundation

extension SQLStore: SigningKeyStore {
    public func signingKeys() async throws -> [StoredSigningKey] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT kid, algorithm, public_key, sealed_private_key, created_at, retired_at, publish_until
                FROM signing_keys ORDER BY created_at DESC, kid DESC
                """, []
            ).map { row throws(StoreError) in
                StoredSigningKey(
                    kid: try row.text("kid"), algorithm: try row.text("algorithm"), publicKey: try row.blob("public_key"),
                    sealedPrivateKey: try row.blob("sealed_private_key"), createdAt: try row.time("created_at"),
                    retiredAt: try row.optionalTime("retired_at"), publishUntil: try row.optionalTime("publish_until"))
            }
        }
    }

    public func rotate(to key: StoredSigningKey, publishRetiredUntil publishUntil: Date) async throws {
        try await database.write { connection in
            _ = try await connection.execute(
                "UPDATE signing_keys SET retired_at = $1, publish_until = $2 WHERE retired_at IS NULL",
                [.time(key.createdAt), .time(publishUntil)])
            _ = try await connection.execute(
                """
                INSERT INTO signing_keys (kid, algorithm, public_key, sealed_private_key, created_at, retired_at, publish_until)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(key.kid), .text(key.algorithm), .blob(key.publicKey), .blob(key.sealedPrivateKey),
                    .time(key.createdAt), .time(key.retiredAt), .time(key.publishUntil),
                ])
        }
    }
}
