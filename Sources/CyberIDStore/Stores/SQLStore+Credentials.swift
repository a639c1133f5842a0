public import Foundation
import CyberIDCore

extension SQLStore: CredentialStore {
    public func createCredentialGrant(codeHash: String, holder: CredentialGrantHolder, expiresAt: Date, now: Date) async throws {
        _ = try await writeOne(
            """
            INSERT INTO credential_grants (code_hash, person_id, certificate_serial, state, expires_at, created_at)
            VALUES ($1, $2, $3, 'offered', $4, $5)
            """,
            [.text(codeHash), .text(holder.personID), .text(holder.certificateSerial), .time(expiresAt), .time(now)])
    }

    public func redeemCredentialGrant(codeHash: String, tokenHash: String, tokenExpiresAt: Date, now: Date) async throws -> Bool {
        try await writeOne(
            """
            UPDATE credential_grants SET state = 'redeemed', token_hash = $1, expires_at = $2
            WHERE code_hash = $3 AND state = 'offered' AND expires_at > $4
            """, [.text(tokenHash), .time(tokenExpiresAt), .text(codeHash), .time(now)]) == 1
    }

    public func useCredentialAccessToken(tokenHash: String, now: Date) async throws -> CredentialGrantHolder? {
        let rows = try await database.writeStatement(
            """
            UPDATE credential_grants SET state = 'used'
            WHERE token_hash = $1 AND state = 'redeemed' AND expires_at > $2
            RETURNING person_id, certificate_serial
            """, [.text(tokenHash), .time(now)]
        ).rows
        guard let row = rows.first else { return nil }
        return CredentialGrantHolder(personID: try row.text("person_id"), certificateSerial: try row.text("certificate_serial"))
    }

    public func allocateStatusEntries(
        count: Int, holder: CredentialGrantHolder, listSize: Int, capacity: Int, documentExpiresAt: Date,
        expiresAt: Date, now: Date, random: @Sendable (Int) -> Int
    ) async throws -> [StatusEntry] {
        try await database.write { connection in
            var list = Int(try await connection.first("SELECT MAX(list_id) AS list FROM credential_status")?.optionalInteger("list") ?? 1)
            let used = try await connection.first(
                "SELECT COUNT(*) AS n FROM credential_status WHERE list_id = $1", [.integer(Int64(list))]
            )?.integer("n") ?? 0
            if Int(used) + count > capacity { list += 1 }
            var entries = [StatusEntry]()
            var attempts = 0
            while entries.count < count {
                // A quarter-full list makes a collision rare; a bound keeps a misconfiguration
                // from spinning inside the write transaction.
                attempts += 1
                guard attempts <= 64 * count else { throw StoreError.conflict("no free status list entry found") }
                let index = random(listSize)
                let inserted = try await connection.execute(
                    """
                    INSERT INTO credential_status
                        (list_id, idx, person_id, certificate_serial, document_expires_at, expires_at, issued_at)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (list_id, idx) DO NOTHING
                    """,
                    [
                        .integer(Int64(list)), .integer(Int64(index)), .text(holder.personID), .text(holder.certificateSerial),
                        .time(documentExpiresAt), .time(expiresAt), .time(now),
                    ])
                if inserted == 1 { entries.append(StatusEntry(list: list, index: index)) }
            }
            return entries
        }
    }

    public func statusEntries(list: Int) async throws -> [StatusEntryState] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT c.idx, p.state, n.status, c.document_expires_at, c.expires_at
                FROM credential_status c
                LEFT JOIN persons p ON p.id = c.person_id
                LEFT JOIN network_certificates n ON n.serial = c.certificate_serial
                WHERE c.list_id = $1
                """, [.integer(Int64(list))]
            ).map { row throws(StoreError) in
                StatusEntryState(
                    index: Int(try row.integer("idx")),
                    personState: try row.optionalText("state").flatMap(PersonRecord.State.init(rawValue:)),
                    certificateStatus: try row.optionalText("status").flatMap(NetworkCertificateRecord.Status.init(rawValue:)),
                    documentExpiresAt: try row.time("document_expires_at"), expiresAt: try row.time("expires_at"))
            }
        }
    }

    public func statusListExists(_ list: Int) async throws -> Bool {
        try await database.read { connection in
            try await connection.first("SELECT 1 AS one FROM credential_status WHERE list_id = $1 LIMIT 1", [.integer(Int64(list))])
                != nil
        }
    }

    public func purgeCredentialGrants(before time: Date, limit: Int) async throws -> Int {
        try await purgeExpiredRows(of: "credential_grants", before: time, limit: limit)
    }
}
