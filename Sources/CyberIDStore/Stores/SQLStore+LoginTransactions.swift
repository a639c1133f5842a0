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
        try await purgeExpiredRange(of: "login_transactions", before: time, limit: limit)
    }
}
