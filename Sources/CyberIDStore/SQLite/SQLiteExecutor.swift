import Foundation
import GRDB
import Synchronization

/// Runs statements on one SQLite connection (a GRDB `DatabaseQueue`), synchronously on the
/// calling thread: prepared once per connection and SQL text (GRDB's statement cache), `$n`
/// parameters translated to SQLite's `?n`, errors translated to ``StoreError``.
///
/// There is no thread hop per statement: a reader's statements run on the task's own thread
/// for the few microseconds they take, and a write transaction's run on the writer's thread
/// (``SQLiteStoreDatabase``). sqlite-nio, the driver before, sent every statement to a thread
/// pool and back and prepared it anew each time (docs/storage.md, "The SQLite driver").
struct SQLiteExecutor: SQLConnection {
    let connection: DatabaseQueue
    /// For a write transaction's statements: the transaction they belong to. Each statement
    /// first checks that it is still open — in CyberID's books and in SQLite's — so that a
    /// statement never runs in autocommit mode after SQLite rolled the transaction back on its own
    /// (a full disk, an I/O error) or after it ended (a task that kept the connection).
    var transaction: TransactionScope? = nil

    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        try rows(sql, binds)
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> Int {
        try run(sql, binds).changed
    }

    /// Transaction control (BEGIN, COMMIT, ROLLBACK): not checked against ``transaction``.
    func control<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try connection.inDatabase(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The rows of one statement.
    func rows(_ sql: String, _ binds: [SQLValue]) throws(StoreError) -> [SQLRow] {
        try run(sql, binds).rows
    }

    /// Runs one statement: its rows (a query, or a change with RETURNING), and the rows an
    /// INSERT, UPDATE or DELETE changed (SQLite's `sqlite3_changes`; 0 for anything else).
    func run(_ sql: String, _ binds: [SQLValue]) throws(StoreError) -> (rows: [SQLRow], changed: Int) {
        let counted = Self.changesRows(sql)
        return try access { database in
            let statement = try Self.prepared(database, sql, binds)
            if statement.columnCount == 0 {
                try statement.execute()
                return ([], counted ? database.changesCount : 0)
            }
            let columns = statement.columnNames
            var rows: [SQLRow] = []
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                rows.append(SQLRow(columns: columns, values: row.databaseValues.map(Self.value)))
            }
            return (rows, counted ? database.changesCount : 0)
        }
    }

    /// One access to the connection for a statement, with GRDB's errors translated; in a write
    /// transaction, only while it is open.
    func access<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        guard let transaction else { return try control(body) }
        return try control { database in
            guard transaction.isOpen, database.isInsideTransaction else {
                throw StoreError.unavailable(
                    "the write transaction is no longer open (ended, or rolled back by SQLite): the statement did not run")
            }
            return try body(database)
        }
    }

    /// The connection's cached statement for `sql` (one statement: GRDB refuses several), with
    /// its parameters bound.
    ///
    /// The values are bound with SQLite's own calls (`DatabaseValue.bind(to:at:)`, GRDB's public
    /// binding API) after `setUncheckedArguments` with no arguments has reset the statement and
    /// cleared its bindings: GRDB's `StatementArguments` initialisers are generic and are not
    /// specialised across modules, which cost ≈ 2 % of a login (benchmarks.md, "The fifth step").
    /// A parameter without a value stays NULL, as with `setUncheckedArguments`; a value beyond the
    /// statement's parameters is ignored (SQLite answers `SQLITE_RANGE`).
    private static func prepared(_ database: Database, _ sql: String, _ binds: [SQLValue]) throws -> Statement {
        let statement = try database.cachedStatement(sql: numberedParameters(sql))
        statement.setUncheckedArguments(StatementArguments())
        for (offset, value) in binds.enumerated() {
            // GRDB binds text up to its first NUL: such a value would be stored cut short. No
            // text CyberID stores holds one; refuse it, as PostgreSQL does.
            if case .text(let text) = value, text.utf8.contains(0) {
                throw StoreError.invalidText("a text value holds a NUL character")
            }
            let code = databaseValue(value).bind(to: statement.sqliteStatement, at: CInt(offset + 1))
            guard code == 0 || code == sqliteRange else {
                throw StoreError.unavailable("SQLite refused a parameter (code \(code))")
            }
        }
        return statement
    }

    /// `SQLITE_RANGE`: a parameter index beyond the statement's parameters.
    private static let sqliteRange: CInt = 25

    /// Whether the statement is an INSERT, UPDATE or DELETE, whose changed rows are counted.
    static func changesRows(_ sql: String) -> Bool {
        let text = sql.utf8.drop(while: { $0 == 0x20 || $0 == 0x0A || $0 == 0x09 || $0 == 0x0D })
        // ASCII letters upper-cased (bit 5 cleared); the words compared are letters only.
        let word = text.prefix(6).map { $0 & 0xDF }
        guard word.elementsEqual("INSERT".utf8) || word.elementsEqual("UPDATE".utf8) || word.elementsEqual("DELETE".utf8)
        else { return false }
        return text.dropFirst(6).first.map { !isIdentifier($0) } ?? true
    }

    /// Rewrites PostgreSQL's `$n` parameters to SQLite's `?n`, leaving quoted text alone.
    static func numberedParameters(_ sql: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(sql.utf8.count)
        var quote: UInt8? = nil
        var previous: UInt8 = 0
        for byte in sql.utf8 {
            if let open = quote {
                if byte == open { quote = nil }
                out.append(byte)
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") {
                quote = byte
                out.append(byte)
            } else if byte == UInt8(ascii: "$") && !Self.isIdentifier(previous) {
                out.append(UInt8(ascii: "?"))
            } else {
                out.append(byte)
            }
            previous = byte
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func isIdentifier(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: "_")
    }

    private static func databaseValue(_ value: SQLValue) -> DatabaseValue {
        switch value {
        case .null: .null
        case .integer(let value): value.databaseValue
        case .text(let value): value.databaseValue
        case .blob(let bytes): Data(bytes).databaseValue
        }
    }

    private static func value(_ value: DatabaseValue) -> SQLValue {
        switch value.storage {
        case .null: .null
        case .int64(let value): .integer(value)
        // CyberID stores no REAL; a float that fits is truncated as before, one that does not
        // (NaN, infinite, beyond 64 bits) must not trap the process.
        case .double(let value): .integer(Int64(exactly: value.rounded(.towardZero)) ?? 0)
        case .string(let value): .text(value)
        case .blob(let data): .blob([UInt8](data))
        }
    }

    /// The constraint codes that mean a uniqueness or reference rule.
    private static let conflictCodes: [ResultCode] = [
        .SQLITE_CONSTRAINT, .SQLITE_CONSTRAINT_UNIQUE, .SQLITE_CONSTRAINT_PRIMARYKEY, .SQLITE_CONSTRAINT_FOREIGNKEY,
        .SQLITE_CONSTRAINT_ROWID,
    ]

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            // A uniqueness or reference rule is a conflict the caller may resolve (who won a race);
            // any other constraint (NOT NULL) is a fault, as with the driver before.
            // Raw values: GRDB's pattern match lets a primary code match all of its extended ones.
            if conflictCodes.contains(where: { $0.rawValue == error.extendedResultCode.rawValue }) {
                return .conflict("a uniqueness or reference rule refused the write", underlying: error)
            }
            return .unavailable("SQLite refused the statement (\(error.resultCode))", underlying: error)
        }
        return .unavailable("SQLite statement failed", underlying: error)
    }
}

/// Whether a write transaction is still open, for the statements of its body (``SQLiteExecutor``).
final class TransactionScope: Sendable {
    private let open = Atomic(true)

    var isOpen: Bool { open.load(ordering: .acquiring) }

    /// Called once the transaction committed or rolled back.
    func end() { open.store(false, ordering: .releasing) }
}
