public import Foundation

extension SQLStore: MasterKeyStore {
    public func masterKeyRoots() async throws -> [MasterKeyRootRecord] {
        try await database.read { connection in
            try await connection.query("SELECT key_id, sealed_root, created_at FROM master_keys ORDER BY created_at, key_id", [])
                .map { row throws(StoreError) in
                    MasterKeyRootRecord(
                        keyID: try row.text("key_id"), sealedRoot: try row.blob("sealed_root"),
                        createdAt: try row.time("created_at"))
                }
        }
    }

    public func addMasterKeyRoot(_ record: MasterKeyRootRecord) async throws -> Bool {
        try await writeOne(
            "INSERT INTO master_keys (key_id, sealed_root, created_at) VALUES ($1, $2, $3) ON CONFLICT (key_id) DO NOTHING",
            [.text(record.keyID), .blob(record.sealedRoot), .time(record.createdAt)]) == 1
    }

    public func removeMasterKeyRoots(except keyID: String) async throws -> Int {
        try await writeOne("DELETE FROM master_keys WHERE key_id <> $1", [.text(keyID)])
    }

    public func wrappedSecrets(_ kind: WrappedSecretKind, after id: String?, limit: Int) async throws -> [WrappedSecret] {
        let (table, key, column) = Self.location(kind)
        return try await database.read { connection in
            try await connection.query(
                """
                SELECT \(key) AS id, \(column) AS sealed FROM \(table)
                WHERE \(column) IS NOT NULL AND \(key) > $1 ORDER BY \(key) LIMIT $2
                """, [.text(id ?? ""), .integer(Int64(limit))]
            ).compactMap { row throws(StoreError) -> WrappedSecret? in
                let sealed = try row.blob("sealed")
                // An imported root CA keeps its key offline: an empty seal, nothing to re-wrap.
                return sealed.isEmpty ? nil : WrappedSecret(kind: kind, id: try row.text("id"), sealed: sealed)
            }
        }
    }

    public func replaceWrappedSecret(_ secret: WrappedSecret, with sealed: [UInt8]) async throws -> Bool {
        let (table, key, column) = Self.location(secret.kind)
        return try await writeOne(
            "UPDATE \(table) SET \(column) = $1 WHERE \(key) = $2 AND \(column) = $3",
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
