public import CyberIDCore
public import Foundation

extension SQLStore: HistoryStore {
    @discardableResult
    public func append(_ entry: HistoryEntry) async throws -> HistoryEntry {
        let row = try await database.writeStatement(
            """
            INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at)
            VALUES ($1, $2, $3, $4, $5, $6) RETURNING id
            """,
            [
                .text(entry.personID), .text(entry.clientID), .text(entry.event), .text(entry.outcome),
                .text(entry.detail), .time(entry.occurredAt),
            ]
        ).rows.first
        var stored = entry
        stored.id = try row?.integer("id")
        return stored
    }

    public func purgeHistory(events: [String], before time: Date, limit: Int) async throws -> Int {
        try await purgeHistory(from: "history", events: events, before: time, limit: limit)
    }

    /// Deletes up to `limit` lines of `events` older than `time` from `table` (`history`, or one
    /// of its partitions on PostgreSQL).
    func purgeHistory(from table: String, events: [String], before time: Date, limit: Int) async throws -> Int {
        guard !events.isEmpty, limit > 0 else { return 0 }
        return try await writeOne(
            Self.historyPurgeStatement(from: table, events: events.count, database.dialect),
            [.time(time), .integer(Int64(limit))] + events.map { .text($0) })
    }

    /// Deletes up to $2 lines older than $1 of the events $3… from `table`: by time through
    /// `history_time`, a bounded batch per statement (no long lock), the batch's ids as
    /// ``SQLDialect/idAmong(_:)`` gives them — on PostgreSQL `id IN (…)` scanned every partition
    /// of `history` for each batch.
    static func historyPurgeStatement(from table: String, events: Int, _ dialect: SQLDialect) -> String {
        let names = (0..<events).map { "$\($0 + 3)" }.joined(separator: ", ")
        let batch = "SELECT id FROM \(table) WHERE occurred_at < $1 AND event IN (\(names)) ORDER BY occurred_at LIMIT $2"
        return "DELETE FROM \(table) WHERE " + dialect.idAmong(batch)
    }
}

extension SQLStore {
    /// Appends a history entry on an open write transaction.
    static func insertHistory(_ entry: HistoryEntry, on connection: any SQLConnection) async throws(StoreError) {
        _ = try await connection.execute(
            """
            INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """,
            [
                .text(entry.personID), .text(entry.clientID), .text(entry.event), .text(entry.outcome),
                .text(entry.detail), .time(entry.occurredAt),
            ])
    }
}
