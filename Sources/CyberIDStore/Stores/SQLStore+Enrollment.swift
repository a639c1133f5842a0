public import CyberIDCore
public import Foundation

extension SQLStore: EnrollmentStore {
    private static let sessionColumns = """
        id, state, version, aa_challenge, guardian_id, blind_index, age_band, document_expiry, sealed_identity,
        sealed_identity_key, otp_hash, otp_expires_at, otp_attempts, otp_sends, person_id, result, created_at, expires_at, purpose
        """

    public func create(_ session: EnrollmentSessionRecord) async throws {
        try await writeOne(
            "INSERT INTO enrollment_sessions (\(Self.sessionColumns)) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)",
            Self.binds(session))
    }

    public func enrollmentSession(id: String) async throws -> EnrollmentSessionRecord? {
        try await database.read { connection in
            try await connection.first(
                "SELECT \(Self.sessionColumns) FROM enrollment_sessions WHERE id = $1", [.text(id)]
            ).map(Self.decodeSession)
        }
    }

    public func update(_ session: EnrollmentSessionRecord) async throws -> Bool {
        let (sql, binds) = Self.updateStatement(session)
        return try await writeOne(sql, binds) == 1
    }

    public func complete(
        _ session: EnrollmentSessionRecord, person: PersonRecord, networkNumber: String,
        certificate: NetworkCertificateRecord
    ) async throws {
        try await database.write { connection in
            try await Self.insertPerson(person, networkNumber: networkNumber, on: connection)
            try await Self.insertCertificate(certificate, on: connection)
            // The history starts with the enrollment itself (issue 14: the portal shows it).
            try await Self.insertHistory(
                HistoryEntry(
                    personID: person.id, event: .enrollment, fields: ["acr": person.assuranceLevel.acr],
                    at: person.createdAt),
                on: connection)
            guard try await Self.update(session, on: connection) else {
                throw StoreError.conflict("the enrollment session changed meanwhile")
            }
        }
    }

    public func completeReplacement(
        _ session: EnrollmentSessionRecord, personID: String, record: (ciphertext: [UInt8], wrappedKey: [UInt8]),
        certificate: NetworkCertificateRecord?, level: AssuranceLevel? = nil, history: HistoryEntry,
        indexes: (blindIndex: [UInt8], personIndex: [UInt8], nationalIndex: [UInt8]?)? = nil
    ) async throws {
        try await database.write { connection in
            // The person must still hold the number (not cancelled meanwhile). A new certificate
            // (a device replacement) is a fresh verification; a phone change is not. A document
            // change moves the number to the new document: its indexes replace the old one's.
            // `updated_at` always moves forward (even with a clock behind): the index backfill's
            // compare-and-set must see the record changed.
            let updated = try await connection.execute(
                """
                UPDATE persons SET record_ciphertext = $1, record_wrapped_key = $2,
                    verified_at = COALESCE($3, verified_at), assurance_level = COALESCE($6, assurance_level),
                    updated_at = CASE WHEN $4 > updated_at THEN $4 ELSE updated_at + 1 END,
                    blind_index = COALESCE($7, blind_index), person_index = COALESCE($8, person_index),
                    national_index = COALESCE($9, national_index)
                WHERE id = $5 AND state <> 'cancelled' AND record_wrapped_key IS NOT NULL
                """,
                [
                    .blob(record.ciphertext), .blob(record.wrappedKey), .time(certificate?.issuedAt),
                    .time(history.occurredAt), .text(personID), .text(level?.rawValue), .blob(indexes?.blindIndex),
                    .blob(indexes?.personIndex), .blob(indexes?.nationalIndex ?? nil),
                ])
            guard updated == 1 else { throw StoreError.notFound("the network number was cancelled") }
            if let certificate {
                try await Self.replaceCertificates(with: certificate, reason: "device replaced", on: connection)
                // The lost device may hold a signed-in browser: every web session ends with it.
                _ = try await connection.execute("DELETE FROM web_sessions WHERE person_id = $1", [.text(personID)])
            }
            try await Self.insertHistory(history, on: connection)
            guard try await Self.update(session, on: connection) else {
                throw StoreError.conflict("the enrollment session changed meanwhile")
            }
        }
    }

    public func purgeExpiredEnrollmentSessions(before time: Date, limit: Int) async throws -> Int {
        // Unfinished sessions go at expiry (with their sealed pending data); completed ones are
        // kept a day so a retried `complete` still gets its answer. At most `limit`, oldest expiry
        // first: a backlog (a node down for a day) goes in short writes instead of one DELETE
        // that holds SQLite's single writer for all of it. Two statements, each reading only
        // rows it deletes: every session past a day along `enrollment_sessions_expiry`, then the
        // unfinished ones along their own partial index (migration 26) — one statement over the
        // expiry index would walk the day's completed sessions on every batch.
        let binds: [[SQLValue]] = [[.time(time.addingTimeInterval(-86_400))], [.time(time)]]
        var deleted = 0
        for (statement, bind) in zip(Self.expiredEnrollmentSessionsStatements(database.dialect), binds) where deleted < limit {
            deleted += try await writeOne(statement, bind + [.integer(Int64(limit - deleted))])
        }
        return deleted
    }

    /// The purge's two batches, each `$1` a time and `$2` the batch's size: every session that
    /// expired a day before, then the unfinished ones that expired by now. Each condition is
    /// checked again outside its batch, so a session changed meanwhile (PostgreSQL re-evaluates
    /// only the outer conditions on the new version) is deleted only if it still qualifies — the
    /// expiry as `expires_at + 0`, a check rather than an index range for the outer scan (see
    /// ``SQLStore/expiredRowsStatement(of:_:)``).
    static func expiredEnrollmentSessionsStatements(_ dialect: SQLDialect) -> [String] {
        ["", "state <> 'completed' AND "].map { state in
            let batch = "SELECT id FROM enrollment_sessions WHERE \(state)expires_at <= $1 ORDER BY expires_at LIMIT $2"
            return "DELETE FROM enrollment_sessions WHERE \(state)expires_at + 0 <= $1 AND " + dialect.idAmong(batch)
        }
    }

    public func deleteEnrollmentSessions(ids: [String]) async throws -> Int {
        guard !ids.isEmpty else { return 0 }
        return try await database.write { connection in
            var deleted = 0
            for id in ids {
                deleted += try await connection.execute("DELETE FROM enrollment_sessions WHERE id = $1", [.text(id)])
            }
            return deleted
        }
    }

    private static func update(_ session: EnrollmentSessionRecord, on connection: any SQLConnection) async throws(StoreError) -> Bool {
        let (sql, binds) = updateStatement(session)
        return try await connection.execute(sql, binds) == 1
    }

    /// The compare-and-set update of a session: version + 1 where the version is unchanged.
    private static func updateStatement(_ session: EnrollmentSessionRecord) -> (String, [SQLValue]) {
        var binds = Self.binds(session)
        binds[2] = .integer(session.version + 1)
        binds.append(.integer(session.version))
        return (
            """
            UPDATE enrollment_sessions SET state = $2, version = $3, aa_challenge = $4, guardian_id = $5, blind_index = $6,
                age_band = $7, document_expiry = $8, sealed_identity = $9, sealed_identity_key = $10, otp_hash = $11,
                otp_expires_at = $12, otp_attempts = $13, otp_sends = $14, person_id = $15, result = $16, created_at = $17,
                expires_at = $18, purpose = $19
            WHERE id = $1 AND version = $20
            """, binds
        )
    }

    private static func binds(_ session: EnrollmentSessionRecord) -> [SQLValue] {
        [
            .text(session.id), .text(session.state.rawValue), .integer(session.version), .blob(session.aaChallenge),
            .text(session.guardianID), .blob(session.blindIndex), .text(session.ageBand), .text(session.documentExpiry),
            .blob(session.sealedIdentity), .blob(session.sealedIdentityKey), .blob(session.otpHash),
            .time(session.otpExpiresAt), .integer(session.otpAttempts), .integer(session.otpSends), .text(session.personID),
            .text(session.result), .time(session.createdAt), .time(session.expiresAt), .text(session.purpose.rawValue),
        ]
    }

    private static func decodeSession(_ row: SQLRow) throws(StoreError) -> EnrollmentSessionRecord {
        var session = EnrollmentSessionRecord(
            id: try row.text("id"), aaChallenge: try row.blob("aa_challenge"), guardianID: try row.optionalText("guardian_id"),
            createdAt: try row.time("created_at"), expiresAt: try row.time("expires_at"))
        guard let state = EnrollmentSessionState(rawValue: try row.text("state")) else {
            throw StoreError.corrupt("enrollment session row has an unknown state")
        }
        session.state = state
        session.version = try row.integer("version")
        session.blindIndex = try row.optionalBlob("blind_index")
        session.ageBand = try row.optionalText("age_band")
        session.documentExpiry = try row.optionalText("document_expiry")
        session.sealedIdentity = try row.optionalBlob("sealed_identity")
        session.sealedIdentityKey = try row.optionalBlob("sealed_identity_key")
        session.otpHash = try row.optionalBlob("otp_hash")
        session.otpExpiresAt = try row.optionalTime("otp_expires_at")
        session.otpAttempts = try row.integer("otp_attempts")
        session.otpSends = try row.integer("otp_sends")
        session.personID = try row.optionalText("person_id")
        session.result = try row.optionalText("result")
        guard let purpose = EnrollmentSessionRecord.Purpose(rawValue: try row.text("purpose")) else {
            throw StoreError.corrupt("enrollment session has an unknown purpose")
        }
        session.purpose = purpose
        return session
    }
}
