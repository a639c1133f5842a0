public import CyberIDCore
public import Foundation

extension SQLStore: AuditStore {
    public func appendAudit(
        _ make: @Sendable (_ last: (seq: Int64, hash: [UInt8])?) throws -> AuditEntryRecord
    ) async throws -> AuditEntryRecord {
        // Two processes may read the same last entry on PostgreSQL; the primary key on `seq`
        // then refuses the second insert and it retries on the new last entry.
        var attempts = 0
        while true {
            attempts += 1
            do {
                return try await database.write { connection in
                    let last = try await connection.first(
                        "SELECT seq, entry_hash FROM audit_log ORDER BY seq DESC LIMIT 1", [])
                    let entry = try make(try last.map { (try $0.integer("seq"), try $0.blob("entry_hash")) })
                    _ = try await connection.execute(
                        """
                        INSERT INTO audit_log (seq, occurred_at, actor, action, target, reason, prev_hash, entry_hash)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        """,
                        [
                            .integer(entry.seq), .time(entry.occurredAt), .text(entry.actor), .text(entry.action),
                            .text(entry.target), .text(entry.reason), .blob(entry.previousHash), .blob(entry.entryHash),
                        ])
                    return entry
                }
            } catch let error as StoreError where error == .conflict && attempts < 5 {
                continue
            }
        }
    }

    public func auditEntries() async throws -> [AuditEntryRecord] {
        try await entries("ORDER BY seq")
    }

    public func lastAuditEntry() async throws -> AuditEntryRecord? {
        try await entries("ORDER BY seq DESC LIMIT 1").first
    }

    private func entries(_ order: String) async throws -> [AuditEntryRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT seq, occurred_at, actor, action, target, reason, prev_hash, entry_hash FROM audit_log " + order, []
            ).map { row throws(StoreError) in
                AuditEntryRecord(
                    seq: try row.integer("seq"), occurredAt: try row.time("occurred_at"), actor: try row.text("actor"),
                    action: try row.text("action"), target: try row.text("target"), reason: try row.text("reason"),
                    previousHash: try row.blob("prev_hash"), entryHash: try row.blob("entry_hash"))
            }
        }
    }

    public func addAuditCheckpoint(_ checkpoint: AuditCheckpointRecord) async throws {
        _ = try await writeOne(
            """
            INSERT INTO audit_checkpoints (seq, entry_hash, kid, signature, signed_at) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (seq) DO NOTHING
            """,
            [
                .integer(checkpoint.seq), .blob(checkpoint.entryHash), .text(checkpoint.kid), .blob(checkpoint.signature),
                .time(checkpoint.signedAt),
            ])
    }

    public func auditCheckpoints() async throws -> [AuditCheckpointRecord] {
        try await checkpoints("ORDER BY seq")
    }

    public func latestAuditCheckpoint() async throws -> AuditCheckpointRecord? {
        try await checkpoints("ORDER BY seq DESC LIMIT 1").first
    }

    private func checkpoints(_ order: String) async throws -> [AuditCheckpointRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT seq, entry_hash, kid, signature, signed_at FROM audit_checkpoints " + order, []
            ).map { row throws(StoreError) in
                AuditCheckpointRecord(
                    seq: try row.integer("seq"), entryHash: try row.blob("entry_hash"), kid: try row.text("kid"),
                    signature: try row.blob("signature"), signedAt: try row.time("signed_at"))
            }
        }
    }
}
