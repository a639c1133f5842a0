import Foundation
import GRDB

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

    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        try rows(sql, binds)
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> Int {
        try run(sql, binds).changed
    }

    /// The rows of one statement.
    func rows(_ sql: String, _ binds: [SQLValue]) throws(StoreError) -> [SQLRow] {
        try access { database in
            let statement = try Self.prepared(database, sql, binds)
            let columns = statement.columnNames
            var rows: [SQLRow] = []
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                rows.append(SQLRow(columns: columns, values: row.databaseValues.map(Self.value)))
            }
            return rows
        }
    }

    /// Runs one statement: its rows when it has a RETURNING clause or is a query, and the rows an
    /// INSERT, UPDATE or DELETE changed (SQLite's `sqlite3_changes`).
    func run(_ sql: String, _ binds: [SQLValue]) throws(StoreError) -> (rows: [SQLRow], changed: Int) {
        guard Self.changesRows(sql) else { return ([], try statement(sql, binds)) }
        return try access { database in
            let statement = try Self.prepared(database, sql, binds)
            if statement.columnCount == 0 {
                try statement.execute()
                return ([], database.changesCount)
            }
            let columns = statement.columnNames
            var rows: [SQLRow] = []
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                rows.append(SQLRow(columns: columns, values: row.databaseValues.map(Self.value)))
            }
            return (rows, database.changesCount)
        }
    }

    /// Runs a statement that changes no rows (DDL, a pragma, a transaction's BEGIN or COMMIT).
    private func statement(_ sql: String, _ binds: [SQLValue]) throws(StoreError) -> Int {
        try access { database in
            try Self.prepared(database, sql, binds).execute()
            return 0
        }
    }

    /// One access to the connection, with GRDB's errors translated.
    func access<T>(_ body: (Database) throws -> T) throws(StoreError) -> T {
        do {
            return try connection.inDatabase(body)
        } catch {
            throw Self.storeError(error)
        }
    }

    /// The connection's cached statement for `sql` (several statements: prepared each time),
    /// with its parameters bound.
    private static func prepared(_ database: Database, _ sql: String, _ binds: [SQLValue]) throws -> Statement {
        let statement = try database.cachedStatement(sql: numberedParameters(sql))
        statement.setUncheckedArguments(StatementArguments(binds.map(databaseValue)))
        return statement
    }

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
        case .double(let value): .integer(Int64(value))
        case .string(let value): .text(value)
        case .blob(let data): .blob([UInt8](data))
        }
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_CONSTRAINT {
                return .conflict("a uniqueness or reference rule refused the write", underlying: error)
            }
            return .unavailable("SQLite refused the statement (\(error.resultCode))", underlying: error)
        }
        return .unavailable("SQLite statement failed", underlying: error)
    }
}
