public import Foundation

extension SQLStore: PasswordStore {
    public func password(personID: String) async throws -> PasswordRecord? {
        try await database.read { connection in
            try await connection.first(
                "SELECT person_id, hash, failures, locked_at, updated_at FROM person_passwords WHERE person_id = $1",
                [.text(personID)]
            ).map(Self.passwordRecord)
        }
    }

    public func addPassword(personID: String, hash: String, history: HistoryEntry, now: Date) async throws -> Bool {
        try await database.write { connection in
            let added = try await connection.execute(
                """
                INSERT INTO person_passwords (person_id, hash, failures, locked_at, updated_at) VALUES ($1, $2, 0, NULL, $3)
                ON CONFLICT (person_id) DO NOTHING
                """, [.text(personID), .text(hash), .time(now)])
            guard added == 1 else { return false }
            try await Self.insertHistory(history, on: connection)
            return true
        }
    }

    public func setPassword(personID: String, hash: String, history: HistoryEntry, now: Date) async throws {
        try await database.write { connection in
            _ = try await connection.execute(
                """
                INSERT INTO person_passwords (person_id, hash, failures, locked_at, updated_at) VALUES ($1, $2, 0, NULL, $3)
                ON CONFLICT (person_id) DO UPDATE SET hash = excluded.hash, failures = 0, locked_at = NULL,
                    updated_at = excluded.updated_at
                """, [.text(personID), .text(hash), .time(now)])
            try await Self.insertHistory(history, on: connection)
        }
    }

    public func reservePasswordAttempt(personID: String, limit: Int, now: Date) async throws -> PasswordRecord? {
        let rows = try await database.writeStatement(
            """
            UPDATE person_passwords SET failures = failures + 1
            WHERE person_id = $1 AND failures < $2 AND locked_at IS NULL
            RETURNING person_id, hash, failures, locked_at, updated_at
            """, [.text(personID), .integer(Int64(limit))]
        ).rows
        return try rows.first.map(Self.passwordRecord)
    }

    public func passwordAccepted(personID: String, hash: String) async throws {
        _ = try await writeOne(
            "UPDATE person_passwords SET failures = 0 WHERE person_id = $1 AND hash = $2 AND locked_at IS NULL",
            [.text(personID), .text(hash)])
    }

    public func passwordRefused(personID: String, hash: String, locked: Bool, history: HistoryEntry, now: Date) async throws {
        try await database.write { connection in
            if locked {
                _ = try await connection.execute(
                    "UPDATE person_passwords SET locked_at = $1 WHERE person_id = $2 AND hash = $3 AND locked_at IS NULL",
                    [.time(now), .text(personID), .text(hash)])
            }
            try await Self.insertHistory(history, on: connection)
        }
    }

    static func passwordRecord(_ row: SQLRow) throws(StoreError) -> PasswordRecord {
        PasswordRecord(
            personID: try row.text("person_id"), hash: try row.text("hash"), failures: Int(try row.integer("failures")),
            lockedAt: try row.optionalTime("locked_at"), updatedAt: try row.time("updated_at"))
    }
}
