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

    public func history(personID: String, limit: Int) async throws -> [HistoryEntry] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT id, person_id, client_id, event, outcome, detail, occurred_at FROM history
                WHERE person_id = $1 ORDER BY occurred_at DESC, id DESC LIMIT $2
                """, [.text(personID), .integer(Int64(limit))]
            ).map { row throws(StoreError) in
                HistoryEntry(
                    id: try row.integer("id"), personID: try row.text("person_id"), clientID: try row.optionalText("client_id"),
                    event: try row.text("event"), outcome: try row.text("outcome"), detail: try row.text("detail"),
                    occurredAt: try row.time("occurred_at"))
            }
        }
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
