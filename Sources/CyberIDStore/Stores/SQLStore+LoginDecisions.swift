public import Foundation
public import CyberIDCore

extension SQLStore: LoginDecisionStore, ConsentStore, RestrictionStore, ClientAssertionStore, ReverificationPolicyStore {
    /// A login's read of its holder ($1 the certificate's serial, $2 the client). The person's
    /// subject at the platform is found through `pairwise_subjects_person_client` (migration 23),
    /// not by walking the platform's subjects.
    static let loginHolderStatement = """
        SELECT c.status AS certificate_status, c.not_after, c.person_id, c.network_number,
            p.state, p.assurance_level, k.claims, r.reason AS restriction,
            COALESCE(p.verified_at, p.created_at) AS verified_at,
            COALESCE(pc.interval_seconds, pg.interval_seconds) AS reverification_interval,
            (SELECT MIN(s.subject) FROM pairwise_subjects s
             WHERE s.person_id = c.person_id AND s.client_id = $2) AS known_subject
        FROM network_certificates c
        JOIN persons p ON p.id = c.person_id
        LEFT JOIN consents k ON k.person_id = c.person_id AND k.client_id = $2
        LEFT JOIN restrictions r ON r.person_id = c.person_id AND r.client_id = $2
        LEFT JOIN reverification_policies pc ON pc.scope = $2
        LEFT JOIN reverification_policies pg ON pg.scope = '*'
        WHERE c.serial = $1
        """

    public func loginHolder(certificateSerial: String, clientID: String) async throws -> LoginHolder? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    Self.loginHolderStatement, [.text(certificateSerial), .text(clientID)])
            else { return nil }
            guard let status = NetworkCertificateRecord.Status(rawValue: try row.text("certificate_status")),
                let state = PersonRecord.State(rawValue: try row.text("state")),
                let level = AssuranceLevel(rawValue: try row.text("assurance_level"))
            else { throw StoreError.corrupt("login holder row has an unknown status, state or level") }
            var holder = LoginHolder(
                certificateStatus: status, certificateNotAfter: try row.time("not_after"),
                personID: try row.text("person_id"), personState: state, assuranceLevel: level,
                networkNumber: try row.text("network_number"),
                consentedClaims: Self.claims(try row.optionalText("claims")),
                restrictionReason: try row.optionalText("restriction"), verifiedAt: try row.time("verified_at"),
                reverificationInterval: try row.optionalInteger("reverification_interval").map(TimeInterval.init))
            holder.certificateSerial = certificateSerial
            holder.knownSubject = try row.optionalText("known_subject")
            return holder
        }
    }

    public func certificateHolder(serial: String) async throws -> CertificateHolderState? {
        try await database.read { connection in
            guard
                let row = try await connection.first(
                    """
                    SELECT c.status AS certificate_status, c.person_id, p.state
                    FROM network_certificates c JOIN persons p ON p.id = c.person_id WHERE c.serial = $1
                    """, [.text(serial)])
            else { return nil }
            guard let status = NetworkCertificateRecord.Status(rawValue: try row.text("certificate_status")),
                let state = PersonRecord.State(rawValue: try row.text("state"))
            else { throw StoreError.corrupt("certificate holder row has an unknown status or state") }
            return CertificateHolderState(certificateStatus: status, personID: try row.text("person_id"), personState: state)
        }
    }

    public func recordDecision(
        _ decision: LoginTransactionRecord, history: HistoryEntry, consent: ConsentRecord?,
        subject: String? = nil, reverification: ReverificationEffects? = nil
    ) async throws -> Bool {
        try await database.write { connection in
            let inserted = try await connection.execute(
                """
                INSERT INTO login_transactions (id, client_id, status, person_id, payload, created_at, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING
                """,
                [
                    .text(decision.id), .text(decision.clientID), .text(decision.status.rawValue),
                    .text(decision.personID), .text(decision.payload), .time(decision.createdAt),
                    .time(decision.expiresAt),
                ])
            guard inserted == 1 else { return false }
            try await Self.insertHistory(history, on: connection)
            if let subject, let person = decision.personID {
                _ = try await connection.execute(
                    "INSERT INTO pairwise_subjects (client_id, subject, person_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                    [.text(decision.clientID), .text(subject), .text(person)])
            }
            if let reverification, let person = decision.personID {
                try await Self.apply(reverification, person: person, decision: decision, on: connection)
            }
            if let consent {
                _ = try await connection.execute(
                    """
                    INSERT INTO consents (person_id, client_id, claims, granted_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (person_id, client_id) DO UPDATE SET claims = excluded.claims, granted_at = excluded.granted_at
                    """,
                    [.text(consent.personID), .text(consent.clientID), .text(Self.text(consent.claims)), .time(consent.grantedAt)])
            }
            return true
        }
    }

    public func completeLogin(id: String, clientID: String) async throws -> LoginTransactionRecord? {
        let rows = try await database.writeStatement(
            """
            UPDATE login_transactions SET status = 'completed'
            WHERE id = $1 AND client_id = $2 AND status = 'approved'
            RETURNING id, client_id, person_id, payload, created_at, expires_at
            """, [.text(id), .text(clientID)]
        ).rows
        guard let row = rows.first else { return nil }
        return LoginTransactionRecord(
            id: try row.text("id"), clientID: try row.text("client_id"), status: .approved,
            personID: try row.optionalText("person_id"), payload: try row.text("payload"),
            createdAt: try row.time("created_at"), expiresAt: try row.time("expires_at"))
    }

    @discardableResult
    public func revokeLogin(id: String) async throws -> Bool {
        try await writeOne(
            "UPDATE login_transactions SET status = 'revoked' WHERE id = $1 AND status IN ('approved', 'completed')",
            [.text(id)]) == 1
    }

    public func consents(personID: String) async throws -> [ConsentRecord] {
        try await database.read { connection in
            try await connection.query(
                "SELECT person_id, client_id, claims, granted_at FROM consents WHERE person_id = $1 ORDER BY client_id",
                [.text(personID)]
            ).map { row throws(StoreError) in
                ConsentRecord(
                    personID: try row.text("person_id"), clientID: try row.text("client_id"),
                    claims: Self.claims(try row.text("claims")), grantedAt: try row.time("granted_at"))
            }
        }
    }

    public func withdrawConsent(personID: String, clientID: String) async throws -> Bool {
        try await writeOne(
            "DELETE FROM consents WHERE person_id = $1 AND client_id = $2", [.text(personID), .text(clientID)]) == 1
    }

    public func restrict(
        clientID: String, subject: String, reason: String, history: @Sendable (String) -> HistoryEntry, at time: Date
    ) async throws -> String? {
        try await database.write { connection in
            guard
                let person = try await connection.first(
                    "SELECT person_id FROM pairwise_subjects WHERE client_id = $1 AND subject = $2",
                    [.text(clientID), .text(subject)]
                )?.text("person_id")
            else { return nil }
            _ = try await connection.execute(
                """
                INSERT INTO restrictions (person_id, client_id, reason, created_at) VALUES ($1, $2, $3, $4)
                ON CONFLICT (person_id, client_id) DO UPDATE SET reason = excluded.reason, created_at = excluded.created_at
                """, [.text(person), .text(clientID), .text(reason), .time(time)])
            try await Self.insertHistory(history(person), on: connection)
            return person
        }
    }

    public func setReverificationInterval(scope: String, seconds: Int64?, at time: Date) async throws {
        if let seconds {
            _ = try await writeOne(
                """
                INSERT INTO reverification_policies (scope, interval_seconds, set_at) VALUES ($1, $2, $3)
                ON CONFLICT (scope) DO UPDATE SET interval_seconds = excluded.interval_seconds, set_at = excluded.set_at
                """, [.text(scope), .integer(seconds), .time(time)])
        } else {
            _ = try await writeOne("DELETE FROM reverification_policies WHERE scope = $1", [.text(scope)])
        }
    }

    public func reverificationIntervals() async throws -> [(scope: String, seconds: Int64, setAt: Date)] {
        try await database.read { connection in
            try await connection.query(
                "SELECT scope, interval_seconds, set_at FROM reverification_policies ORDER BY scope", []
            ).map { row throws(StoreError) in
                (try row.text("scope"), try row.integer("interval_seconds"), try row.time("set_at"))
            }
        }
    }

    public func useClientAssertion(clientID: String, jti: String, expiresAt: Date) async throws -> Bool {
        try await writeOne(
            "INSERT INTO client_assertions (client_id, jti, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
            [.text(clientID), .text(jti), .time(expiresAt)]) == 1
    }

    public func purgeClientAssertions(before time: Date, limit: Int) async throws -> Int {
        try await purgeExpiredRows(of: "client_assertions", before: time, limit: limit)
    }

    private static func claims(_ text: String?) -> Set<String> {
        Set((text ?? "").split(separator: " ").map(String.init))
    }

    private static func text(_ claims: Set<String>) -> String { claims.sorted().joined(separator: " ") }

    /// Carries out a re-verification's effects on an open transaction.
    static func apply(
        _ effects: ReverificationEffects, person: String, decision: LoginTransactionRecord, on connection: any SQLConnection
    ) async throws(StoreError) {
        if effects.renewVerification {
            _ = try await connection.execute(
                "UPDATE persons SET verified_at = $1 WHERE id = $2", [.time(decision.createdAt), .text(person)])
        }
        guard effects.liftRestriction else { return }
        let lifted = try await connection.execute(
            "DELETE FROM restrictions WHERE person_id = $1 AND client_id = $2", [.text(person), .text(decision.clientID)])
        if lifted > 0, let event = effects.announceLift {
            try await Self.enqueueSecurityEvents(
                personID: person, clientID: decision.clientID, event: event.rawValue, reason: "re-verified in the wallet",
                at: decision.createdAt, on: connection)
        }
    }
}
