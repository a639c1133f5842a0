public import Foundation

extension SQLStore: LoginTransactionStore {
    public func create(_ transaction: LoginTransactionRecord) async throws {
        try await database.write { connection in
            _ = try await connection.execute(
                """
                INSERT INTO login_transactions (id, client_id, status, person_id, payload, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(transaction.id), .text(transaction.clientID), .text(transaction.status.rawValue),
                    .text(transaction.personID), .text(transaction.payload), .time(transaction.createdAt),
                    .time(transaction.expiresAt),
                ])
        }
    }

    public func transaction(id: String) async throws -> LoginTransactionRecord? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT id, client_id, status, person_id, payload, created_at, expires_at
                    FROM login_transactions WHERE id = $1
                    """, [.text(id)])
            else { return nil }
            guard let status = LoginTransactionRecord.Status(rawValue: try row.text("status")) else {
                throw StoreError.corrupt("login transaction has an unknown status")
            }
            return LoginTransactionRecord(
                id: try row.text("id"), clientID: try row.text("client_id"), status: status,
                personID: try row.optionalText("person_id"), payload: try row.text("payload"),
                createdAt: try row.time("created_at"), expiresAt: try row.time("expires_at"))
        }
    }

    public func transition(
        id: String, from expected: LoginTransactionRecord.Status, to status: LoginTransactionRecord.Status,
        personID: String?, at time: Date
    ) async throws -> Bool {
        try await writeOne(
            """
            UPDATE login_transactions SET status = $1, person_id = COALESCE($2, person_id)
            WHERE id = $3 AND status = $4 AND expires_at > $5
            """,
            [.text(status.rawValue), .text(personID), .text(id), .text(expected.rawValue), .time(time)]) == 1
    }

    public func purgeExpired(before time: Date) async throws -> Int {
        try await database.write { connection in
            try await connection.execute("DELETE FROM login_transactions WHERE expires_at <= $1", [.time(time)])
        }
    }
}
