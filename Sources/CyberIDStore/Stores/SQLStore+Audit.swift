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

    public func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntryRecord] {
        try await entries("WHERE seq > $1 ORDER BY seq LIMIT $2", [.integer(seq), .integer(Int64(limit))])
    }

    public func auditEntries(matching query: AuditQuery, limit: Int) async throws -> (entries: [AuditEntryRecord], total: Int) {
        // One condition per given field, in a fixed order: a handful of statement texts, each
        // prepared once. The actor: the database's lower() on both sides (SQLite folds ASCII
        // letters only, so "Émile" finds "Émile" though "émile" does not; folding the query in
        // Swift would find neither), LIKE with the query's own %, _ and \ escaped. The action:
        // its first characters, exactly.
        var conditions = [String]()
        var binds = [SQLValue]()
        if !query.actorContains.isEmpty {
            binds.append(.text("%" + Self.likeEscaped(query.actorContains) + "%"))
            conditions.append("lower(actor) LIKE lower($\(binds.count)) ESCAPE '\\'")
        }
        if !query.actionPrefix.isEmpty {
            binds.append(.text(query.actionPrefix))
            conditions.append("substr(action, 1, length(CAST($\(binds.count) AS TEXT))) = $\(binds.count)")
        }
        if let from = query.from {
            binds.append(.time(from))
            conditions.append("occurred_at >= $\(binds.count)")
        }
        if let until = query.until {
            binds.append(.time(until))
            conditions.append("occurred_at < $\(binds.count)")
        }
        let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ") + " "
        let rowsSQL = Self.entryColumns + filter + "ORDER BY seq DESC LIMIT $\(binds.count + 1)"
        let (countBinds, rowBinds) = (binds, binds + [.integer(Int64(limit))])
        // Two statements, not one snapshot: an entry appended between them may make the count
        // differ from the page by that entry.
        return try await database.read { connection in
            let total = try await connection.first("SELECT COUNT(*) AS n FROM audit_log " + filter, countBinds)?.integer("n") ?? 0
            let entries = try await connection.query(rowsSQL, rowBinds).map(Self.entry)
            return (entries, Int(total))
        }
    }

    /// `text` for a LIKE pattern with `ESCAPE '\'`: its own wildcards match only themselves.
    static func likeEscaped(_ text: String) -> String {
        var escaped = ""
        for character in text {
            if character == "%" || character == "_" || character == "\\" { escaped.append("\\") }
            escaped.append(character)
        }
        return escaped
    }

    public func auditCheckpoints(after seq: Int64, limit: Int) async throws -> [AuditCheckpointRecord] {
        try await checkpoints("WHERE seq > $1 ORDER BY seq LIMIT $2", [.integer(seq), .integer(Int64(limit))])
    }

    public func lastAuditEntry() async throws -> AuditEntryRecord? {
        try await entries("ORDER BY seq DESC LIMIT 1").first
    }

    private func entries(_ tail: String, _ binds: [SQLValue] = []) async throws -> [AuditEntryRecord] {
        try await database.read { connection in try await connection.query(Self.entryColumns + tail, binds).map(Self.entry) }
    }

    static let entryColumns = "SELECT seq, occurred_at, actor, action, target, reason, prev_hash, entry_hash FROM audit_log "

    static func entry(_ row: SQLRow) throws(StoreError) -> AuditEntryRecord {
        AuditEntryRecord(
            seq: try row.integer("seq"), occurredAt: try row.time("occurred_at"), actor: try row.text("actor"),
            action: try row.text("action"), target: try row.text("target"), reason: try row.text("reason"),
            previousHash: try row.blob("prev_hash"), entryHash: try row.blob("entry_hash"))
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

    public func latestAuditCheckpoint() async throws -> AuditCheckpointRecord? {
        try await checkpoints("ORDER BY seq DESC LIMIT 1").first
    }

    private func checkpoints(_ tail: String, _ binds: [SQLValue] = []) async throws -> [AuditCheckpointRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT seq, entry_hash, kid, signature, signed_at FROM audit_checkpoints " + tail, binds
            ).map { row throws(StoreError) in
                AuditCheckpointRecord(
                    seq: try row.integer("seq"), entryHash: try row.blob("entry_hash"), kid: try row.text("kid"),
                    signature: try row.blob("signature"), signedAt: try row.time("signed_at"))
            }
        }
    }
}
