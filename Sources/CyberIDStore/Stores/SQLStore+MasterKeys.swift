public import Foundation

extension SQLStore: MasterKeyStore {
    public func masterKeyRoots() async throws -> [MasterKeyRootRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT key_id, sealed_root, created_at, retired_at FROM master_keys ORDER BY created_at, key_id", []
            ).map { row throws(StoreError) in
                MasterKeyRootRecord(
                    keyID: try row.text("key_id"), sealedRoot: try row.blob("sealed_root"),
                    createdAt: try row.time("created_at"), retiredAt: try row.optionalTime("retired_at"))
            }
        }
    }

    public func addMasterKeyRoot(_ record: MasterKeyRootRecord) async throws -> Bool {
        try await writeOne(
            "INSERT INTO master_keys (key_id, sealed_root, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
            [.text(record.keyID), .blob(record.sealedRoot), .time(record.createdAt)]) == 1
    }

    public func retireMasterKeys(except keyID: String, at time: Date) async throws -> Int {
        try await writeOne(
            "UPDATE master_keys SET sealed_root = $1, retired_at = $2 WHERE key_id <> $3 AND retired_at IS NULL",
            [.blob([]), .time(time), .text(keyID)])
    }

    public func wrappedSecrets(_ kind: WrappedSecretKind, after id: String?, limit: Int) async throws -> [WrappedSecret] {
        let (table, key, column) = Self.location(kind)
        return try await database.read { connection in
            try await connection.query(
                """
                SELECT \(key) AS id, \(column) AS sealed FROM \(table)
                WHERE \(column) IS NOT NULL AND length(\(column)) > 0 AND \(key) > $1 ORDER BY \(key) LIMIT $2
                """, [.text(id ?? ""), .integer(Int64(limit))]
            ).map { row throws(StoreError) in
                // (An imported root CA keeps its key offline: an empty seal, left out above.)
                WrappedSecret(kind: kind, id: try row.text("id"), sealed: try row.blob("sealed"))
            }
        }
    }

    public func replaceWrappedSecret(_ secret: WrappedSecret, with sealed: [UInt8]) async throws -> Bool {
        let (table, key, column) = Self.location(secret.kind)
        // A session is written back whole by its requests, compare-and-set on `version`: bump it.
        let bump = secret.kind == .sessionRecordKey ? ", version = version + 1" : ""
        return try await writeOne(
            "UPDATE \(table) SET \(column) = $1\(bump) WHERE \(key) = $2 AND \(column) = $3",
            [.blob(sealed), .text(secret.id), .blob(secret.sealed)]) == 1
    }

    /// Table, key column and sealed column of each kind (constants, never input).
    private static func location(_ kind: WrappedSecretKind) -> (String, String, String) {
        switch kind {
        case .personRecordKey: ("persons", "id", "record_wrapped_key")
        case .sessionRecordKey: ("enrollment_sessions", "id", "sealed_identity_key")
        case .signingKey: ("signing_keys", "kid", "sealed_private_key")
        case .certificateAuthorityKey: ("certificate_authorities", "name", "sealed_private_key")
        }
    }
}
