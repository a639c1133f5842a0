public import CyberIDCore
public import Foundation

/// The one implementation of every store protocol, written once in portable SQL and run on
/// SQLite or PostgreSQL through ``SQLDatabase``.
///
/// Keeping a single implementation means the shared test suite exercises the same statements
/// on both backends; the dialects differ only in the driver and in migration type tokens.
public struct SQLStore: Sendable {
    /// The database the statements run on.
    public let database: any SQLDatabase

    /// Creates a store over `database` (already migrated).
    public init(database: any SQLDatabase) {
        self.database = database
    }
}

extension SQLStore {
    /// Runs one data-changing statement without an explicit transaction (see
    /// ``SQLDatabase/writeStatement(_:_:)``); returns how many rows it changed.
    @discardableResult
    func writeOne(_ sql: String, _ binds: [SQLValue]) async throws -> Int {
        try await database.writeStatement(sql, binds).changed
    }

    /// Deletes the `limit` oldest rows of `table` whose `expires_at` is at or before `time`
    /// (more only when others share the last one's expiry, to the millisecond): a range of the
    /// table's expiry index as one plain DELETE, its end the `limit`-th oldest expiry (an
    /// index-only look-up). Cheaper per row than deleting by the ids of a subquery (sitting 7: 4 µs
    /// against 40–60 µs a row with `FOR UPDATE SKIP LOCKED`). Nodes purging at once walk the index
    /// in the same order: one waits for the other's batch, then skips the rows it deleted. Only
    /// for a table whose expiries rarely tie (login transactions: each its own millisecond); where
    /// many rows share one expiry, ``purgeExpiredRows(of:before:limit:)``.
    /// `table` is one of the store's own names, never input.
    func purgeExpiredRange(of table: String, before time: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await writeOne(
            """
            DELETE FROM \(table) WHERE expires_at <= COALESCE(
                (SELECT expires_at FROM \(table) WHERE expires_at <= $1
                 ORDER BY expires_at LIMIT 1 OFFSET $2), $1)
            """, [.time(time), .integer(Int64(limit - 1))])
    }

    /// Deletes at most `limit` of the rows of `table` whose `expires_at` is at or before `time`,
    /// the oldest first, by their row locators (``SQLDialect/rowAmong(_:)``): the batch stays
    /// `limit` however many rows share an expiry — a rate limit's counters of one window all
    /// expire in the same millisecond, which made the range form one DELETE of all of them.
    /// `table` is one of the store's own names, never input.
    func purgeExpiredRows(of table: String, before time: Date, limit: Int) async throws -> Int {
        guard limit > 0 else { return 0 }
        return try await writeOne(Self.expiredRowsStatement(of: table, database.dialect), [.time(time), .integer(Int64(limit))])
    }

    /// One batch of ``purgeExpiredRows(of:before:limit:)``: `$1` the time, `$2` the batch's size.
    /// The expiry is checked again outside the batch: PostgreSQL re-evaluates only the outer
    /// conditions on a row another transaction changed meanwhile, and a TID scan's own
    /// condition holds for the new version without its expiry being looked at. It is written
    /// `expires_at + 0` so that it is only a check, never the outer scan's index range: as a plain
    /// `expires_at <= $1` PostgreSQL's planner took the expiry index for the DELETE itself,
    /// which reads every expired row for each batch (PurgePlanTests).
    static func expiredRowsStatement(of table: String, _ dialect: SQLDialect) -> String {
        let batch = "SELECT \(dialect.rowLocator) FROM \(table) WHERE expires_at <= $1 ORDER BY expires_at LIMIT $2"
        return "DELETE FROM \(table) WHERE expires_at + 0 <= $1 AND " + dialect.rowAmong(batch)
    }
}

extension Date {
    /// Unix milliseconds, the stored form of every time.
    public var millisecondsSince1970: Int64 { Int64((timeIntervalSince1970 * 1000).rounded()) }

    init(milliseconds: Int64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}

extension SQLValue {
    static func time(_ date: Date) -> SQLValue { .integer(date.millisecondsSince1970) }
    static func time(_ date: Date?) -> SQLValue { .integer(date?.millisecondsSince1970) }
}

extension SQLRow {
    func time(_ column: String) throws(StoreError) -> Date { Date(milliseconds: try integer(column)) }
    func optionalTime(_ column: String) throws(StoreError) -> Date? { try optionalInteger(column).map(Date.init(milliseconds:)) }
}

extension SQLStore: TransactionalStore {
    public func inTransaction<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await database.write { _ in try await body() }
    }
}
