import CyberIDCore
public import Foundation

extension SQLStore: LoginTransactionStore {
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

    public func purgeExpired(before time: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        // A range of `login_transactions_expiry` as one plain DELETE, its end the `limit`-th
        // oldest expiry (an index-only look-up): `limit` rows, and any sharing that last expiry.
        // Cheaper per row than deleting by the ids of a subquery (sitting 7: 4 µs against 40–60 µs
        // a row with `FOR UPDATE SKIP LOCKED`). Nodes purging at once walk the index in the same
        // order: one waits for the other's batch, then skips the rows it deleted.
        return try await writeOne(
            """
            DELETE FROM login_transactions WHERE expires_at <= COALESCE(
                (SELECT expires_at FROM login_transactions WHERE expires_at <= $1
                 ORDER BY expires_at LIMIT 1 OFFSET $2), $1)
            """, [.time(time), .integer(Int64(limit - 1))])
    }
}
