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

    /// In statements of ``decidedBatch`` ids each, each statement a read of its own (a
    /// connection is not held for all of them): the last batch is padded with its first id, so
    /// that every statement has the same text and is prepared once.
    public func decidedTransactions(among ids: [String]) async throws -> Set<String> {
        var decided = Set<String>()
        for start in stride(from: 0, to: ids.count, by: Self.decidedBatch) {
            let batch = ids[start..<min(start + Self.decidedBatch, ids.count)]
            let binds = (batch + Array(repeating: batch[batch.startIndex], count: Self.decidedBatch - batch.count)).map {
                SQLValue.text($0)
            }
            let rows = try await database.read { connection in
                try await connection.query(Self.decidedStatement, binds).map { try $0.text("id") }
            }
            decided.formUnion(rows)
        }
        return decided
    }

    /// Ids a statement of ``decidedTransactions(among:)`` looks up.
    static let decidedBatch = 100
    static let decidedStatement =
        "SELECT id FROM login_transactions WHERE status <> 'pending' AND id IN ("
        + (1...decidedBatch).map { "$\($0)" }.joined(separator: ", ") + ")"

    public func purgeExpired(before time: Date, limit: Int) async throws -> Int {
        try await purgeExpiredRange(of: "login_transactions", before: time, limit: limit)
    }
}
