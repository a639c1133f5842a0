public import Foundation

/// What one run of ``HistoryStore/maintainHistory(events:before:now:)`` did.
public struct HistoryMaintenance: Sendable, Equatable {
    /// Month partitions created (PostgreSQL), e.g. `history_v_202612`.
    public var created: [String] = []
    /// Month partitions dropped whole because all their lines passed the retention.
    public var dropped: [String] = []
    /// Lines deleted one by one (SQLite; on PostgreSQL those of the default partition).
    public var deleted = 0

    /// Creates a report.
    public init(created: [String] = [], dropped: [String] = [], deleted: Int = 0) {
        self.created = created
        self.dropped = dropped
        self.deleted = deleted
    }
}

/// A calendar month (UTC) of verification lines: one partition of `history_verifications`.
struct HistoryMonth: Sendable, Hashable, Comparable {
    let year: Int
    let month: Int

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    init(year: Int, month: Int) {
        self.year = year
        self.month = month
    }

    /// The month `date` falls in.
    init(containing date: Date) {
        let parts = Self.calendar.dateComponents([.year, .month], from: date)
        self.init(year: parts.year!, month: parts.month!)
    }

    /// The month of a partition's table name, `history_v_YYYYMM`; nil for any other name.
    init?(table: String) {
        guard let match = table.wholeMatch(of: /history_v_(\d{4})(\d{2})/),
            let year = Int(match.1), let month = Int(match.2), (1...12).contains(month)
        else { return nil }
        self.init(year: year, month: month)
    }

    var table: String { "history_v_\(year)\(month < 10 ? "0" : "")\(month)" }
    var next: HistoryMonth { month == 12 ? HistoryMonth(year: year + 1, month: 1) : HistoryMonth(year: year, month: month + 1) }
    /// The first instant of the month.
    var start: Date { Self.calendar.date(from: DateComponents(year: year, month: month, day: 1))! }
    /// The first instant of the next month (the partition's exclusive upper bound).
    var end: Date { next.start }

    static func < (lhs: HistoryMonth, rhs: HistoryMonth) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }
}

extension SQLStore {
    /// Transaction-scoped advisory lock serialising partition changes between nodes.
    private static let partitionLock = "SELECT pg_advisory_xact_lock(7324918)"
    /// Dropping a month takes ACCESS EXCLUSIVE on `history_verifications`, and every login's
    /// insert queues behind a DDL waiting for it; attaching one takes ACCESS EXCLUSIVE on the
    /// default partition, which reads of `history` also need. So the DDL waits at most 200 ms
    /// for its locks — a long reader makes it give up, not stall logins — and, refused, is tried
    /// again at the next minute's upkeep.
    static let lockTimeout = "SET LOCAL lock_timeout = '200ms'"
    /// Months ahead of the current one that always have their partition.
    static let monthsAhead = 2
    /// Below this retention the months alone would keep lines too long (a month's partition
    /// goes only once its last line is past the retention: up to a month more), so lines past
    /// the retention are also deleted by rows inside the month partitions.
    static let exactRetentionBelow: TimeInterval = 90 * 86_400

    public func maintainHistory(events: [String], before cutoff: Date?, now: Date) async throws -> HistoryMaintenance {
        var report = HistoryMaintenance()
        // Each step stands alone: one refused (a lock not granted in time) leaves the others to
        // run; the first error is thrown at the end, for the caller's log.
        var firstError: (any Error)?
        func attempt<T>(_ step: () async throws -> T) async -> T? {
            do { return try await step() } catch {
                firstError = firstError ?? error
                return nil
            }
        }
        if database.dialect == .postgres {
            var month = HistoryMonth(containing: now)
            for _ in 0...Self.monthsAhead {
                let current = month
                if await attempt({ try await createPartition(current) }) == true { report.created.append(current.table) }
                month = month.next
            }
            if let cutoff, let months = await attempt({ try await monthPartitions() }) {
                for month in months where month.end <= cutoff {
                    if await attempt({ try await dropPartition(month) }) == true { report.dropped.append(month.table) }
                }
            }
        }
        if let cutoff, !events.isEmpty {
            // What no month partition holds (everything on SQLite) is deleted by rows, ten batches
            // of 10,000 at most per run; with a short retention, inside the months too.
            let table =
                switch database.dialect {
                case .sqlite: "history"
                case .postgres:
                    now.timeIntervalSince(cutoff) < Self.exactRetentionBelow ? "history_verifications" : "history_verifications_default"
                }
            for _ in 0..<10 {
                guard let deleted = await attempt({ try await purgeHistory(from: table, events: events, before: cutoff, limit: 10_000) })
                else { break }
                report.deleted += deleted
                guard deleted == 10_000 else { break }
            }
        }
        if let firstError { throw firstError }
        return report
    }

    /// The month partitions that exist (PostgreSQL).
    func monthPartitions() async throws -> [HistoryMonth] {
        try await database.read { connection in
            try await connection.query(
                """
                SELECT c.relname::text AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                WHERE i.inhparent = 'history_verifications'::regclass
                """, []
            ).compactMap { row throws(StoreError) in HistoryMonth(table: try row.text("name")) }.sorted()
        }
    }

    /// Creates `month`'s partition unless it exists; lines of that month already in the default
    /// partition move into it. - Returns: whether this call created it.
    private func createPartition(_ month: HistoryMonth) async throws -> Bool {
        guard try await !partitionExists(month) else { return false }
        let table = month.table
        let (from, to) = (month.start.millisecondsSince1970, month.end.millisecondsSince1970)
        return try await database.write { connection in
            _ = try await connection.query(Self.partitionLock, [])
            guard try await connection.first(Self.tableExists, [.text(table)]) == nil else { return false }
            try await connection.run(Self.lockTimeout)
            // The ATTACH below needs this lock anyway; taken first, no line of the month can
            // reach the default partition between the move and the ATTACH (which would refuse).
            try await connection.run("LOCK TABLE history_verifications_default IN ACCESS EXCLUSIVE MODE")
            try await connection.run("CREATE TABLE \(table) (LIKE history_verifications)")
            let columns = "id, person_id, client_id, event, outcome, detail, occurred_at"
            try await connection.run(
                """
                WITH moved AS (
                    DELETE FROM history_verifications_default WHERE occurred_at >= \(from) AND occurred_at < \(to)
                    RETURNING \(columns))
                INSERT INTO \(table) (\(columns)) SELECT \(columns) FROM moved
                """)
            try await connection.run(
                "ALTER TABLE history_verifications ATTACH PARTITION \(table) FOR VALUES FROM (\(from)) TO (\(to))")
            return true
        }
    }

    /// Drops `month`'s partition with its lines. - Returns: whether this call dropped it.
    private func dropPartition(_ month: HistoryMonth) async throws -> Bool {
        let table = month.table
        return try await database.write { connection in
            _ = try await connection.query(Self.partitionLock, [])
            guard try await connection.first(Self.tableExists, [.text(table)]) != nil else { return false }
            try await connection.run(Self.lockTimeout)
            try await connection.run("DROP TABLE \(table)")
            return true
        }
    }

    private func partitionExists(_ month: HistoryMonth) async throws -> Bool {
        try await database.read { try await $0.first(Self.tableExists, [.text(month.table)]) != nil }
    }

    private static let tableExists = """
        SELECT 1 AS present FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE c.relname = $1 AND n.nspname = current_schema()
        """
}
