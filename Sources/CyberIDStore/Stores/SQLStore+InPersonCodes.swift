public import Foundation

extension SQLStore: InPersonCodeStore {
    public func createInPersonCode(_ record: InPersonCodeRecord) async throws -> Bool {
        try await writeOne(
            """
            INSERT INTO inperson_codes (code_hash, person_id, certificate_serial, disclose, expires_at, created_at)
            VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (code_hash) DO NOTHING
            """,
            [
                .text(record.codeHash), .text(record.personID), .text(record.certificateSerial),
                .text(record.disclose.joined(separator: " ")), .time(record.expiresAt), .time(record.createdAt),
            ]) == 1
    }

    public func useInPersonCode(codeHash: String, verifier: String, now: Date) async throws -> InPersonCodeUse {
        let used = try await database.writeStatement(
            """
            UPDATE inperson_codes SET used_at = $1, used_by = $2
            WHERE code_hash = $3 AND used_at IS NULL AND expires_at > $1
            RETURNING code_hash, person_id, certificate_serial, disclose, expires_at, used_at, used_by, created_at
            """, [.time(now), .text(verifier), .text(codeHash)]
        ).rows
        if let row = used.first { return .used(try Self.inPersonCode(row)) }
        // Why not: read the row as it is now.
        let existing = try await database.read { connection in
            try await connection.first(
                "SELECT used_at, expires_at FROM inperson_codes WHERE code_hash = $1", [.text(codeHash)])
        }
        guard let existing else { return .unknown }
        if try existing.optionalTime("used_at") != nil { return .alreadyUsed }
        return .expired
    }

    public func purgeInPersonCodes(before time: Date, limit: Int) async throws -> Int {
        try await purgeExpiredRows(of: "inperson_codes", before: time, limit: limit)
    }

    static func inPersonCode(_ row: SQLRow) throws(StoreError) -> InPersonCodeRecord {
        InPersonCodeRecord(
            codeHash: try row.text("code_hash"), personID: try row.text("person_id"),
            certificateSerial: try row.text("certificate_serial"),
            disclose: try row.text("disclose").split(separator: " ").map(String.init), expiresAt: try row.time("expires_at"),
            usedAt: try row.optionalTime("used_at"), usedBy: try row.optionalText("used_by"),
            createdAt: try row.time("created_at"))
    }
}
