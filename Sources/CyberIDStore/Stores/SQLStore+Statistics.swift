public import Foundation

extension SQLStore: StatisticsStore {
    private static let dayMilliseconds: Int64 = 86_400_000

    /// Lines of no client, or of a client not starting with the excluded prefix (`$n`).
    private static func notExcluded(_ n: Int) -> String { "(client_id IS NULL OR client_id NOT LIKE $\(n))" }

    /// `prefix` as a LIKE pattern; the excluded prefix holds no wildcard (`cyberid-`).
    private static func pattern(_ prefix: String) -> SQLValue {
        precondition(!prefix.contains("%") && !prefix.contains("_"), "an excluded client prefix holds no LIKE wildcard")
        return .text(prefix + "%")
    }

    public func dailyHistoryCounts(event: String, outcomes: [String], since: Date, offset: Int, excluding: String)
        async throws -> [DailyCount]
    {
        guard !outcomes.isEmpty else { return [] }
        let placeholders = outcomes.indices.map { "$\($0 + 5)" }.joined(separator: ", ")
        let sql = """
            SELECT day, COUNT(*) AS n FROM (
                SELECT (occurred_at + $1) / \(Self.dayMilliseconds) AS day FROM history
                WHERE occurred_at >= $2 AND event = $3 AND \(Self.notExcluded(4)) AND outcome IN (\(placeholders))
            ) lines GROUP BY day ORDER BY day
            """
        return try await daily(
            sql, [.integer(Int64(offset) * 1000), .time(since), .text(event), Self.pattern(excluding)] + outcomes.map { .text($0) })
    }

    public func dailyDistinctPersons(event: String, outcome: String, since: Date, offset: Int, excluding: String)
        async throws -> [DailyCount]
    {
        let sql = """
            SELECT day, COUNT(DISTINCT person_id) AS n FROM (
                SELECT (occurred_at + $1) / \(Self.dayMilliseconds) AS day, person_id FROM history
                WHERE occurred_at >= $2 AND event = $3 AND outcome = $4 AND \(Self.notExcluded(5))
            ) lines GROUP BY day ORDER BY day
            """
        return try await daily(
            sql, [.integer(Int64(offset) * 1000), .time(since), .text(event), .text(outcome), Self.pattern(excluding)])
    }

    private func daily(_ sql: String, _ binds: [SQLValue]) async throws -> [DailyCount] {
        try await database.read { connection in
            try await connection.query(sql, binds).map { row throws(StoreError) in
                DailyCount(day: try row.integer("day"), count: Int(try row.integer("n")))
            }
        }
    }

    public func historyCountsByClient(event: String, outcome: String, since: Date, excluding: String) async throws
        -> [NamedCount]
    {
        try await named(
            """
            SELECT client_id AS name, COUNT(*) AS n FROM history
            WHERE occurred_at >= $1 AND event = $2 AND outcome = $3 AND client_id IS NOT NULL AND \(Self.notExcluded(4))
            GROUP BY client_id ORDER BY n DESC, client_id
            """, [.time(since), .text(event), .text(outcome), Self.pattern(excluding)])
    }

    public func loginRefusalsByReason(since: Date, excluding: String) async throws -> [NamedCount] {
        // The reason is in the line's JSON detail; a person's own "no" is `denied` without a code.
        let reason =
            database.dialect == .postgres
            ? "COALESCE(CAST(detail AS jsonb) ->> 'reason', '')" : "COALESCE(json_extract(detail, '$.reason'), '')"
        let rows = try await named(
            """
            SELECT name, COUNT(*) AS n FROM (
                SELECT CASE WHEN outcome = 'denied' THEN 'declined' ELSE \(reason) END AS name FROM history
                WHERE occurred_at >= $1 AND event = 'login' AND outcome IN ('failure', 'denied') AND \(Self.notExcluded(2))
            ) lines GROUP BY name ORDER BY n DESC, name
            """, [.time(since), Self.pattern(excluding)])
        return rows.map { NamedCount(name: $0.name.isEmpty ? "other" : $0.name, count: $0.count) }
    }

    public func personsByState() async throws -> [NamedCount] {
        try await named("SELECT state AS name, COUNT(*) AS n FROM persons GROUP BY state ORDER BY state", [])
    }

    private func named(_ sql: String, _ binds: [SQLValue]) async throws -> [NamedCount] {
        try await database.read { connection in
            try await connection.query(sql, binds).map { row throws(StoreError) in
                NamedCount(name: try row.optionalText("name") ?? "", count: Int(try row.integer("n")))
            }
        }
    }

    public func securityEventDelivery() async throws -> [DeliveryStatusRecord] {
        try await database.read { connection in
            var out = [DeliveryStatusRecord]()
            for row in try await connection.query(
                """
                SELECT client_id,
                    SUM(CASE WHEN delivered_at IS NOT NULL AND last_error IS NULL THEN 1 ELSE 0 END) AS delivered,
                    SUM(CASE WHEN delivered_at IS NOT NULL AND last_error IS NOT NULL THEN 1 ELSE 0 END) AS dropped,
                    SUM(CASE WHEN delivered_at IS NULL AND next_attempt_at < $1 THEN 1 ELSE 0 END) AS waiting,
                    SUM(CASE WHEN delivered_at IS NULL AND next_attempt_at >= $1 THEN 1 ELSE 0 END) AS abandoned,
                    MAX(CASE WHEN last_error IS NULL THEN delivered_at END) AS last_delivered
                FROM security_events GROUP BY client_id ORDER BY client_id
                """, [.time(Self.abandonedEventsAt)])
            {
                let clientID = try row.text("client_id")
                let error = try await connection.query(
                    """
                    SELECT last_error FROM security_events WHERE client_id = $1 AND delivered_at IS NULL
                    AND last_error IS NOT NULL ORDER BY occurred_at DESC, id DESC LIMIT 1
                    """, [.text(clientID)]
                ).first.flatMap { row throws(StoreError) in try row.optionalText("last_error") }
                out.append(
                    DeliveryStatusRecord(
                        clientID: clientID, delivered: Int(try row.integer("delivered")),
                        waiting: Int(try row.integer("waiting")), abandoned: Int(try row.integer("abandoned")),
                        dropped: Int(try row.integer("dropped")), lastDeliveredAt: try row.optionalTime("last_delivered"),
                        lastError: error))
            }
            return out
        }
    }
}
