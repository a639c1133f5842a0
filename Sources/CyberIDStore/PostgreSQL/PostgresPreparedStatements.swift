import Foundation
import Logging
import NIOCore
import PostgresNIO
import Synchronization

/// Statements prepared once per connection (issue 16, the leaner login on PostgreSQL).
///
/// A statement sent unnamed is parsed, analysed and planned by PostgreSQL every time: in a
/// profile of PostgreSQL under logins that was ≈ 45 % of its CPU (planning alone 26 %), for
/// lookups by a key whose plan never changes. A named statement is parsed once per connection,
/// and after five executions PostgreSQL keeps a generic plan when it costs no more than the
/// custom ones. postgres-nio prepares a named statement on a connection the first time it is
/// executed there and remembers it for the connection's life; its API names statements by
/// type, so one type here carries the SQL of the statement being run in a task-local value.
///
/// Every distinct SQL text with parameters (and its parameters' kinds: a NULL is sent untyped
/// and lets PostgreSQL infer, so it gets its own name) gets a process-wide name, decided once,
/// up to ``limit`` texts; past that, statements go unnamed as before (a guard against SQL built
/// with unbounded variety, which CyberID does not do: its dynamic SQL varies over a few filters).
enum PreparedStatements {
    /// Distinct statements named per process; past it, unnamed.
    static let limit = 2_000

    /// How one SQL text with one set of parameter kinds runs as a named statement.
    struct Named: Sendable {
        let name: String
        let sql: String
        let rowsWanted: Bool
    }

    private struct Key: Hashable {
        let sql: String
        let kinds: String
    }

    /// Each SQL text's form, decided once: a name, or nil (unnamed).
    private static let known = Mutex<[Key: Named?]>([:])

    /// How `sql` with parameters of `kinds` (one letter per parameter) runs named, or nil when it
    /// runs unnamed (its form has none, or ``limit`` texts are named already).
    static func named(_ sql: String, kinds: String) -> Named? {
        let key = Key(sql: sql, kinds: kinds)
        return known.withLock { known in
            if let decided = known[key] { return decided }
            guard known.count < limit else { return nil }
            let decided = namedForm(sql).map { Named(name: "cyberid_\(known.count)", sql: $0.sql, rowsWanted: $0.rowsWanted) }
            known[key] = decided
            return decided
        }
    }

    /// The form in which `sql` runs as a named statement, and whether its rows are the caller's:
    /// a query, or a change with `RETURNING`, runs as it is; an `INSERT`, `UPDATE` or `DELETE`
    /// without it runs as `WITH changed AS (… RETURNING 1) SELECT count(*) …`, one row holding the
    /// count of rows changed (postgres-nio's command-tag form of `execute` traps on every call,
    /// 1.33.2; and a purge of thousands of rows returns one row, not thousands). Anything else
    /// (`WITH`, utility statements, several statements) is nil: it runs unnamed as before.
    static func namedForm(_ sql: String) -> (sql: String, rowsWanted: Bool)? {
        let body = sql.drop(while: { $0.isWhitespace })
        guard !body.reversed().drop(while: { $0.isWhitespace }).starts(with: ";") else { return nil }
        let head = body.prefix(while: { $0.isLetter }).uppercased()
        switch head {
        case "SELECT", "VALUES": return (sql, true)
        case "INSERT", "UPDATE", "DELETE":
            if sql.contains(/(?i)\bRETURNING\b/) { return (sql, true) }
            return ("WITH changed AS (\(sql)\nRETURNING 1) SELECT count(*) FROM changed", false)
        default: return nil
        }
    }

    /// What a failed named statement leaves to do with its connection.
    enum AfterFailure: Equatable {
        /// Close it: the pool opens another, which prepares the statement anew.
        case close
        /// Keep it, and record the name as prepared there (the failure was the execution's).
        case prepared
        /// Keep it as it is.
        case keep
    }

    /// What to do with the connection after a named statement failed with `error`, given
    /// whether the name had been prepared on that connection before.
    ///
    /// postgres-nio remembers a failed *preparation* for the connection's life (every later use
    /// of the name there fails the same way), and a preparation can fail for reasons that pass: a
    /// lock not granted in time, a deadlock while it waits for one, a transaction already aborted
    /// by an earlier statement. So a name's first use that fails with a server error closes the
    /// connection — except integrity violations (class 23: a duplicate is an answer, not a fault)
    /// and serialization failures (40001), which only an execution raises, so the preparation
    /// succeeded. A name prepared there before fails in its execution, and the connection stays
    /// (a statement timeout, a division by zero) — unless PostgreSQL refuses the prepared
    /// statement itself from then on: its result's columns changed under it (0A000, `cached plan
    /// must not change result type`, after a schema change) or it no longer knows it (26000).
    /// Errors that are not the server's (a closed connection) leave the connection to its fate.
    static func afterFailure(_ error: any Error, preparedBefore: Bool) -> AfterFailure {
        guard let error = error as? PSQLError, error.code == .server, let state = error.serverInfo?[.sqlState] else {
            return .keep
        }
        if preparedBefore { return state == "0A000" || state == "26000" ? .close : .keep }
        return state.hasPrefix("23") || state == "40001" ? .prepared : .close
    }
}

/// The SQL and name of the statement this task is running (``RowsStatement``).
struct StatementText: Sendable {
    var name = ""
    var sql = ""
    @TaskLocal static var current = StatementText()
}

/// A named statement that returns rows.
struct RowsStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow
    static var name: String { StatementText.current.name }
    static var sql: String { StatementText.current.sql }
    let bindings: PostgresBindings
    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// Runs `sql` (in its ``PreparedStatements/namedForm(_:)``) as the named statement `name`:
    /// its rows and their count, or, when only the count is wanted, no rows and the rows changed.
    ///
    /// The statement runs through ``ConnectionStatements``: it ends when the connection closes
    /// under it, and a failure closes the connection only when it may have left the name refused
    /// there (``PreparedStatements/afterFailure(_:preparedBefore:)``).
    func runNamed(_ name: String, _ sql: String, rowsWanted: Bool, _ bindings: PostgresBindings, logger: Logger)
        async throws -> (rows: [PostgresRow], count: Int)
    {
        // A statement written to a closed connection is dropped by postgres-nio without ever
        // completing (PostgresStoreDatabase.write): refuse one that is closed already.
        guard !isClosed else { throw PostgresError.connectionClosed }
        let statements = ConnectionStatements.of(self)
        let wasPrepared = statements.isPrepared(name)
        do {
            let rows = try await statements.run {
                try await StatementText.$current.withValue(StatementText(name: name, sql: sql)) {
                    var rows = [PostgresRow]()
                    for try await row in try await self.execute(RowsStatement(bindings: bindings), logger: logger) {
                        rows.append(row)
                    }
                    return rows
                }
            }
            if !wasPrepared { statements.prepared(name) }
            guard !rowsWanted else { return (rows, rows.count) }
            // The count-only form's one row: count(*) of the rows changed.
            return ([], Int(try rows.first?.decode(Int64.self) ?? 0))
        } catch {
            switch PreparedStatements.afterFailure(error, preparedBefore: wasPrepared) {
            case .close: try? await close().get()
            case .prepared: statements.prepared(name)
            case .keep: break
            }
            throw error
        }
    }
}
