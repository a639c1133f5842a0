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

    public func createFirstSigningKey(_ key: StoredSigningKey) async throws -> Bool {
        // Processes starting together on an empty store must not each make a "first" key
        // (issue 16): the check and the insert hold PostgreSQL's lock (SQLite's single writer
        // already serialises them).
        try await database.write { connection in
            try await Self.lockSigningKeys(connection, dialect: database.dialect)
            guard try await connection.first("SELECT kid FROM signing_keys LIMIT 1", []) == nil else { return false }
            try await Self.insert(key, connection)
            return true
        }
    }

    public func rotate(to key: StoredSigningKey, publishRetiredUntil publishUntil: Date) async throws {
        try await database.write { connection in
            try await Self.lockSigningKeys(connection, dialect: database.dialect)
            _ = try await connection.execute(
                "UPDATE signing_keys SET retired_at = $1, publish_until = $2 WHERE retired_at IS NULL",
                [.time(key.createdAt), .time(publishUntil)])
            try await Self.insert(key, connection)
        }
    }

    /// Serialises the writers of `signing_keys` on PostgreSQL, for the transaction.
    static func lockSigningKeys(_ connection: any SQLConnection, dialect: SQLDialect) async throws {
        if dialect == .postgres { _ = try await connection.query("SELECT pg_advisory_xact_lock(7324918)", []) }
    }

    static func insert(_ key: StoredSigningKey, _ connection: any SQLConnection) async throws {
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
