public import CyberIDCore
public import Foundation

extension SQLStore: LifecycleStore {
    public func lifecycleState(personID: String) async throws -> (state: PersonRecord.State, suspendedBy: String?)? {
        try await database.read { connection in
            guard let row = try await connection.first("SELECT state, suspended_by FROM persons WHERE id = $1", [.text(personID)])
            else { return nil }
            guard let state = PersonRecord.State(rawValue: try row.text("state")) else {
                throw StoreError.corrupt("person row has an unknown state")
            }
            return (state, try row.optionalText("suspended_by"))
        }
    }

    public func recordTransition(
        _ event: LifecycleEventRecord, effects: TransitionEffects, history: HistoryEntry, securityEvent: SecurityEventType?
    ) async throws -> Bool {
        try await database.write { connection in
            let changed = try await connection.execute(
                effects.contains(.shredRecord)
                    ? """
                    UPDATE persons SET state = $1, suspended_by = $2, record_wrapped_key = NULL, updated_at = $3
                    WHERE id = $4 AND state = $5
                    """
                    : "UPDATE persons SET state = $1, suspended_by = $2, updated_at = $3 WHERE id = $4 AND state = $5",
                [
                    .text(event.to.rawValue), .text(effects.suspendedBy), .time(event.occurredAt), .text(event.personID),
                    .text(event.from.rawValue),
                ])
            guard changed == 1 else { return false }
            if effects.contains(.retireNumber) {
                _ = try await connection.execute(
                    "UPDATE network_numbers SET status = 'retired' WHERE person_id = $1", [.text(event.personID)])
            }
            if effects.contains(.revokeCertificates) {
                try await Self.revokeValidCertificates(personID: event.personID, at: event.occurredAt, on: connection)
            }
            _ = try await connection.execute(
                """
                INSERT INTO lifecycle_events (person_id, event, from_state, to_state, actor, reason, occurred_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7)
                """,
                [
                    .text(event.personID), .text(event.event), .text(event.from.rawValue), .text(event.to.rawValue),
                    .text(event.actor), .text(event.reason), .time(event.occurredAt),
                ])
            try await Self.insertHistory(history, on: connection)
            if let securityEvent {
                // Platforms learn who acted, never the free-text reason (it may say more than they
                // need to know); the person sees the reason in their history.
                try await Self.enqueueSecurityEvents(
                    personID: event.personID, clientID: nil, event: securityEvent.rawValue, reason: "by \(event.actor)",
                    at: event.occurredAt, on: connection)
            }
            return true
        }
    }

    public func lifecycleEvents(personID: String) async throws -> [LifecycleEventRecord] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT person_id, event, from_state, to_state, actor, reason, occurred_at FROM lifecycle_events
                WHERE person_id = $1 ORDER BY occurred_at, id
                """, [.text(personID)]
            ).map { row throws(StoreError) in
                guard let from = PersonRecord.State(rawValue: try row.text("from_state")),
                    let to = PersonRecord.State(rawValue: try row.text("to_state"))
                else { throw StoreError.corrupt("lifecycle event with an unknown state") }
                return LifecycleEventRecord(
                    personID: try row.text("person_id"), event: try row.text("event"), from: from, to: to,
                    actor: try row.text("actor"), reason: try row.text("reason"), occurredAt: try row.time("occurred_at"))
            }
        }
    }
}

extension SQLStore: CertificateRevocationStore {
    /// The Security Event's reason for a certificate an administrator revoked.
    public static let certificateRevokedReason = "certificate revoked by an administrator"

    public func revokeCertificate(serial: String, at time: Date, history: HistoryEntry?) async throws -> Bool {
        try await database.write { connection in
            let changed = try await connection.execute(
                "UPDATE network_certificates SET status = 'revoked', revoked_at = $1 WHERE serial = $2 AND status = 'valid'",
                [.time(time), .text(serial)])
            guard changed == 1 else { return false }
            // A revoked certificate's device may hold a signed-in portal or console browser.
            _ = try await connection.execute(
                "DELETE FROM web_sessions WHERE person_id = (SELECT person_id FROM network_certificates WHERE serial = $1)",
                [.text(serial)])
            if let history {
                try await Self.insertHistory(history, on: connection)
                // A fixed text, not the serial: one serial sent to every platform of the person
                // would let platforms link their pairwise subjects (a review's finding).
                try await Self.enqueueSecurityEvents(
                    personID: history.personID, clientID: nil, event: SecurityEventType.certificateRevoked.rawValue,
                    reason: Self.certificateRevokedReason, at: time, on: connection)
            }
            return true
        }
    }

    public func revokedCertificates(at now: Date) async throws -> [(serial: String, revokedAt: Date)] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT serial, revoked_at, issued_at FROM network_certificates
                WHERE status = 'revoked' AND not_after >= $1 ORDER BY serial
                """, [.integer(now.millisecondsSince1970)]
            ).map { row throws(StoreError) in
                let issued = try row.integer("issued_at")
                let revoked = try row.optionalInteger("revoked_at") ?? issued
                return (try row.text("serial"), Date(milliseconds: revoked))
            }
        }
    }

    public func revocationFingerprint(at now: Date) async throws -> RevocationFingerprint {
        try await database.read { connection in
            let rows = try await connection.query(
                """
                SELECT COUNT(*) AS n, MAX(revoked_at) AS latest FROM network_certificates
                WHERE status = 'revoked' AND not_after >= $1
                """, [.integer(now.millisecondsSince1970)])
            guard let row = rows.first else { return RevocationFingerprint(count: 0, latest: nil) }
            return RevocationFingerprint(count: try row.integer("n"), latest: try row.optionalInteger("latest"))
        }
    }
}

extension SQLStore {
    /// Replaces a person's certificates with `certificate`: inserts it and revokes every other
    /// valid one, with a history entry and security events, in one transaction.
    public func replaceCertificates(
        with certificate: NetworkCertificateRecord, history: HistoryEntry, presentedSerial: String? = nil
    ) async throws {
        try await database.write { connection in
            // The certificate that authenticated the request must still be valid now, inside this
            // transaction: a renewal racing a device replacement must not revoke the new device.
            if let presentedSerial {
                let still = try await connection.execute(
                    """
                    UPDATE network_certificates SET status = 'revoked', revoked_at = $1
                    WHERE serial = $2 AND person_id = $3 AND status = 'valid'
                    """, [.time(certificate.issuedAt), .text(presentedSerial), .text(certificate.personID)])
                guard still == 1 else { throw StoreError.conflict("the presented certificate was revoked meanwhile") }
            }
            try await Self.replaceCertificates(with: certificate, reason: "renewed", on: connection)
            try await Self.insertHistory(history, on: connection)
        }
    }

    /// Revokes every valid certificate of a person.
    static func revokeValidCertificates(personID: String, at time: Date, on connection: any SQLConnection)
        async throws(StoreError)
    {
        _ = try await connection.execute(
            "UPDATE network_certificates SET status = 'revoked', revoked_at = $1 WHERE person_id = $2 AND status = 'valid'",
            [.time(time), .text(personID)])
    }

    /// Stores an issued certificate.
    static func insertCertificate(_ certificate: NetworkCertificateRecord, on connection: any SQLConnection)
        async throws(StoreError)
    {
        _ = try await connection.execute(
            """
            INSERT INTO network_certificates (serial, person_id, network_number, der, status, not_after, issued_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            """,
            [
                .text(certificate.serial), .text(certificate.personID), .text(certificate.networkNumber),
                .blob(certificate.der), .text(certificate.status.rawValue), .time(certificate.notAfter),
                .time(certificate.issuedAt),
            ])
    }

    /// Revokes the person's valid certificates, stores the new one and tells the platforms.
    static func replaceCertificates(
        with certificate: NetworkCertificateRecord, reason: String, on connection: any SQLConnection
    ) async throws(StoreError) {
        try await revokeValidCertificates(personID: certificate.personID, at: certificate.issuedAt, on: connection)
        try await insertCertificate(certificate, on: connection)
        try await enqueueSecurityEvents(
            personID: certificate.personID, clientID: nil, event: SecurityEventType.certificateRevoked.rawValue, reason: reason,
            at: certificate.issuedAt, on: connection)
    }
}
