public import Foundation

extension SQLStore: RateCounterStore {
    public func hit(key: String, windowStart: Date, expiresAt: Date) async throws -> Int64 {
        // One statement, atomic on its own (no BEGIN/COMMIT round trips): concurrent hits from any
        // process each get their own count.
        try await database.writeStatement(
            """
            INSERT INTO rate_counters (key, window_start, hits, expires_at) VALUES ($1, $2, 1, $3)
            ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + 1
            RETURNING hits
            """, [.text(key), .time(windowStart), .time(expiresAt)]
        ).rows.first?.integer("hits") ?? 1
    }

    public func addHits(_ batch: [RateCounterHits]) async throws -> [Int64] {
        guard !batch.isEmpty else { return [] }
        // Rows locked in one order by every process: two batches cannot deadlock on PostgreSQL.
        let order = batch.indices.sorted { (batch[$0].key, batch[$0].windowStart) < (batch[$1].key, batch[$1].windowStart) }
        return try await database.write { connection in
            var totals = [Int64](repeating: 0, count: batch.count)
            for index in order {
                let hits = batch[index]
                let row = try await connection.first(
                    """
                    INSERT INTO rate_counters (key, window_start, hits, expires_at) VALUES ($1, $2, $3, $4)
                    ON CONFLICT (key, window_start) DO UPDATE SET hits = rate_counters.hits + $3
                    RETURNING hits
                    """, [.text(hits.key), .time(hits.windowStart), .integer(hits.count), .time(hits.expiresAt)])
                totals[index] = try row?.integer("hits") ?? hits.count
            }
            return totals
        }
    }

    public func hits(key: String, windowStart: Date) async throws -> Int64 {
        try await database.read { connection in
            try await connection.first(
                "SELECT hits FROM rate_counters WHERE key = $1 AND window_start = $2", [.text(key), .time(windowStart)]
            )?.integer("hits") ?? 0
        }
    }

    public func purgeRateCounters(before time: Date, limit: Int) async throws -> Int {
        try await purgeExpiredRows(of: "rate_counters", before: time, limit: limit)
    }
}
