/// Something that runs SQL: a pooled connection, or a connection inside a transaction.
///
/// Statements use PostgreSQL-style positional parameters (`$1`, `$2`, …); the SQLite driver
/// rewrites them to SQLite's numbered form (`?1`, `?2`, …), so one statement text serves both
/// dialects.
public protocol SQLConnection: Sendable {
    /// Runs a statement and returns all rows it produced.
    /// - Parameters:
    ///   - sql: the statement, with `$n` parameters.
    ///   - binds: the values for `$1…$n`.
    /// - Throws: ``StoreError`` (`conflict` for a uniqueness or foreign-key violation,
    ///   `unavailable` for anything else the database refused).
    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow]

    /// Runs a statement and returns how many rows it changed.
    func execute(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> Int
}

extension SQLConnection {
    /// Runs a statement and returns its first row, if any.
    public func first(_ sql: String, _ binds: [SQLValue] = []) async throws(StoreError) -> SQLRow? {
        try await query(sql, binds).first
    }

    /// Runs a statement with no parameters and ignores its result.
    public func run(_ sql: String) async throws(StoreError) {
        _ = try await execute(sql, [])
    }
}
