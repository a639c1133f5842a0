public import Foundation

extension SQLStore: AuthorizationCodeStore {
    public func insert(_ code: AuthorizationCodeRecord) async throws {
        try await database.write { connection in
            _ = try await connection.execute(
                """
                INSERT INTO authorization_codes (code_hash, client_id, person_id, payload, created_at, expires_at, consumed_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .blob(code.codeHash), .text(code.clientID), .text(code.personID), .text(code.payload),
                    .time(code.createdAt), .time(code.expiresAt), .time(code.consumedAt),
                ])
        }
    }

    public func redeem(codeHash: [UInt8], at time: Date) async throws -> CodeRedemption {
        try await database.write { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT code_hash, client_id, person_id, payload, created_at, expires_at, consumed_at
                    FROM authorization_codes WHERE code_hash = $1
                    """, [.blob(codeHash)])
            else { return .unknown }
            var record = AuthorizationCodeRecord(
                codeHash: try row.blob("code_hash"), clientID: try row.text("client_id"),
                personID: try row.text("person_id"), payload: try row.text("payload"),
                createdAt: try row.time("created_at"), expiresAt: try row.time("expires_at"),
                consumedAt: try row.optionalTime("consumed_at"))
            if record.consumedAt != nil { return .replayed(record) }
            if record.expiresAt <= time { return .expired }
            // The conditional update is the single-use guarantee, also across processes.
            let changed = try await connection.execute(
                "UPDATE authorization_codes SET consumed_at = $1 WHERE code_hash = $2 AND consumed_at IS NULL",
                [.time(time), .blob(codeHash)])
            guard changed == 1 else { return .replayed(record) }
            record.consumedAt = time
            return .redeemed(record)
        }
    }
}
