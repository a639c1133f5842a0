public import CyberIDCore
public import Foundation

extension SQLStore: SecurityEventStore {
    /// Queues `event` for every platform that knows the person (or only `clientID`), on an open
    /// write transaction: the event is stored if and only if the change it reports is.
    static func enqueueSecurityEvents(
        personID: String, clientID: String?, event: String, reason: String, at time: Date, on connection: any SQLConnection
    ) async throws(StoreError) {
        var sql = """
            INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at)
            SELECT client_id, subject, $2, $3, $4, 0, $4 FROM pairwise_subjects WHERE person_id = $1
            """
        var binds: [SQLValue] = [.text(personID), .text(event), .text(reason), .time(time)]
        if let clientID {
            sql += " AND client_id = $5"
            binds.append(.text(clientID))
        }
        _ = try await connection.execute(sql, binds)
    }

    /// The events due at $1, at most $2, in delivery order: from `security_events_pending`
    /// (migration 24), which holds the undelivered ones only.
    static let dueSecurityEventsStatement = """
        SELECT id, client_id, subject, event, reason, occurred_at, attempts FROM security_events
        WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY next_attempt_at, id LIMIT $2
        """

    public func dueSecurityEvents(at time: Date, limit: Int) async throws -> [SecurityEventRecord] {
        try await database.read { connection in
            try await connection.query(
                Self.dueSecurityEventsStatement, [.time(time), .integer(Int64(limit))]
            ).map { row throws(StoreError) in
                SecurityEventRecord(
                    id: try row.integer("id"), clientID: try row.text("client_id"), subject: try row.text("subject"),
                    event: try row.text("event"), reason: try row.text("reason"), occurredAt: try row.time("occurred_at"),
                    attempts: Int(try row.integer("attempts")))
            }
        }
    }

    public func claimSecurityEvent(id: Int64, at time: Date, leaseUntil: Date) async throws -> Bool {
        try await writeOne(
            "UPDATE security_events SET next_attempt_at = $1 WHERE id = $2 AND delivered_at IS NULL AND next_attempt_at <= $3",
            [.time(leaseUntil), .integer(id), .time(time)]) == 1
    }

    public func securityEventDelivered(id: Int64, at time: Date, note: String?) async throws {
        _ = try await writeOne(
            "UPDATE security_events SET delivered_at = $1, last_error = $2 WHERE id = $3", [.time(time), .text(note), .integer(id)])
    }

    public func securityEventFailed(id: Int64, attempts: Int, nextAttempt: Date?, error: String) async throws {
        // Giving up parks the event far in the future, kept for inspection.
        let next = nextAttempt ?? Self.abandonedEventsAt
        _ = try await writeOne(
            "UPDATE security_events SET attempts = $1, next_attempt_at = $2, last_error = $3 WHERE id = $4",
            [.integer(Int64(attempts)), .time(next), .text(String(error.prefix(200))), .integer(id)])
    }

    /// The events past the retention at $1, at most $2: delivered or dropped before it (through
    /// `security_events_delivered`, migration 25), then given up on and occurred before it
    /// (through `security_events_abandoned`, whose condition holds `abandonedEventsAt` as a
    /// literal — a bound value would not match a partial index's WHERE). SQLite, without
    /// statistics, would rather take `security_events_pending`'s equality on the parked time and
    /// sort every event given up on: on SQLite the statement names its index (`INDEXED BY`).
    /// The batch's ids as ``SQLDialect/idAmong(_:)`` gives them (no table scan on PostgreSQL).
    static func expiredSecurityEventsStatements(_ dialect: SQLDialect) -> [String] {
        let abandonedIndex = dialect == .sqlite ? " INDEXED BY security_events_abandoned" : ""
        return [
            """
            SELECT id FROM security_events WHERE delivered_at IS NOT NULL AND delivered_at < $1 ORDER BY delivered_at LIMIT $2
            """,
            """
            SELECT id FROM security_events\(abandonedIndex) WHERE delivered_at IS NULL
            AND next_attempt_at = \(abandonedEventsMilliseconds) AND occurred_at < $1 ORDER BY occurred_at LIMIT $2
            """,
        ].map { "DELETE FROM security_events WHERE " + dialect.idAmong($0) }
    }

    public func purgeSecurityEvents(before time: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        var deleted = 0
        for statement in Self.expiredSecurityEventsStatements(database.dialect) where deleted < limit {
            deleted += try await writeOne(statement, [.time(time), .integer(Int64(limit - deleted))])
        }
        return deleted
    }
}

extension SQLStore {
    /// Where an abandoned event's next attempt is parked (year 3000): never due.
    static let abandonedEventsAt = Date(timeIntervalSince1970: 32_503_680_000)
    /// The same in the column's milliseconds, as migration 25's `security_events_abandoned` holds it.
    static let abandonedEventsMilliseconds = Int64(abandonedEventsAt.timeIntervalSince1970 * 1000)
}
