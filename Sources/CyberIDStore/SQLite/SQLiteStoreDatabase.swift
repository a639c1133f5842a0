public import CyberIDCore
public import Logging
import NIOCore
import NIOPosix
import SQLiteNIO
import ServiceLifecycle
import Synchronization

/// The embedded default: one SQLite file in WAL mode.
///
/// SQLite allows many readers beside one writer. This driver keeps one writer connection,
/// whose transactions are serialised by a semaphore (so a transaction never interleaves with
/// another task's statements), and a small pool of reader connections that run beside it.
/// Every connection has foreign keys on and a busy timeout, so a second process on the same
/// file waits instead of failing.
public final class SQLiteStoreDatabase: SQLDatabase {
    /// How hard SQLite works to make a commit durable.
    public enum Synchronous: String, Sendable {
        /// WAL + NORMAL: a commit survives a process crash; the last commits may be lost on an
        /// operating-system crash or power loss. This driver's default (tests); the service's
        /// setting `CYBERID_SQLITE_SYNCHRONOUS` defaults to ``full``.
        case normal = "NORMAL"
        /// Every commit is fsynced: durable across power loss, at the cost of latency.
        case full = "FULL"
    }

    public var dialect: SQLDialect { .sqlite }

    private let writer: SQLiteConnection
    private let writeLock = AsyncSemaphore(permits: 1)
    private let readers: [SQLiteConnection]
    private let readerPool: AsyncSemaphore
    private let idleReaders: Mutex<[Int]>
    private let closed = Mutex(false)

    private init(writer: SQLiteConnection, readers: [SQLiteConnection]) {
        self.writer = writer
        self.readers = readers
        self.readerPool = AsyncSemaphore(permits: readers.count)
        self.idleReaders = Mutex(Array(readers.indices))
    }

    /// Opens (creating if needed) the database file.
    /// - Parameters:
    ///   - path: the file path; `":memory:"` opens a private in-memory database (one connection).
    ///   - readers: how many reader connections to keep.
    ///   - synchronous: the durability setting (see ``Synchronous``).
    ///   - busyTimeoutMilliseconds: how long a statement waits for another process's lock.
    ///   - logger: the driver's logger.
    /// - Throws: ``StoreError/unavailable`` when the file cannot be opened or configured.
    public static func open(
        path: String,
        readers: Int = 2,
        synchronous: Synchronous = .normal,
        busyTimeoutMilliseconds: Int = 5_000,
        logger: Logger = Logger(label: "cyberid.store.sqlite")
    ) async throws(StoreError) -> SQLiteStoreDatabase {
        let inMemory = path == ":memory:"
        let storage: SQLiteConnection.Storage = inMemory ? .memory : .file(path: path)
        do {
            let writer = try await SQLiteConnection.open(storage: storage, logger: logger)
            var pragmas = [
                "PRAGMA foreign_keys = ON",
                "PRAGMA busy_timeout = \(busyTimeoutMilliseconds)",
            ]
            if !inMemory {
                pragmas += ["PRAGMA journal_mode = WAL", "PRAGMA synchronous = \(synchronous.rawValue)"]
            }
            for pragma in pragmas { _ = try await writer.query(pragma, []) }
            // An in-memory database is private to its connection: read through the writer.
            var readerConnections = [writer]
            if !inMemory {
                readerConnections = []
                for _ in 0..<max(1, readers) {
                    let reader = try await SQLiteConnection.open(storage: storage, logger: logger)
                    _ = try await reader.query("PRAGMA foreign_keys = ON", [])
                    _ = try await reader.query("PRAGMA busy_timeout = \(busyTimeoutMilliseconds)", [])
                    _ = try await reader.query("PRAGMA query_only = ON", [])
                    readerConnections.append(reader)
                }
            }
            return SQLiteStoreDatabase(writer: writer, readers: readerConnections)
        } catch {
            throw .unavailable("cannot open the SQLite database", underlying: error)
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        if let joined = AmbientTransaction.joined(self) { return try await body(joined) }
        if readers.count == 1 && readers[0] === writer {
            return try await writeLock.withPermit { try await body(SQLiteExecutor(connection: writer)) }
        }
        return try await readerPool.withPermit {
            let index = idleReaders.withLock { $0.removeLast() }
            defer { idleReaders.withLock { $0.append(index) } }
            return try await body(SQLiteExecutor(connection: readers[index]))
        }
    }

    public func write<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        if let joined = AmbientTransaction.joined(self) { return try await body(joined) }
        return try await writeLock.withPermit {
            let executor = SQLiteExecutor(connection: writer)
            try await executor.run("BEGIN IMMEDIATE")
            do {
                let result = try await AmbientTransaction.run(self, executor, body)
                try await executor.run("COMMIT")
                return result
            } catch {
                try? await executor.run("ROLLBACK")
                throw error
            }
        }
    }

    public func writeStatement(_ sql: String, _ binds: [SQLValue]) async throws -> (rows: [SQLRow], changed: Int) {
        if let joined = AmbientTransaction.joined(self) { return try await AmbientTransaction.statement(sql, binds, on: joined) }
        return try await writeLock.withPermit {
            let executor = SQLiteExecutor(connection: writer)
            if SQLiteExecutor.returnsChangedRows(sql) {
                let rows = try await executor.query(sql + " RETURNING 1", binds)
                return ([], rows.count)
            }
            let rows = try await executor.query(sql, binds)
            return (rows, rows.count)
        }
    }

    /// Keeps the database open until the service group shuts down or the task is cancelled,
    /// then closes every connection.
    public func run() async throws {
        try? await gracefulShutdown()
        // Close outside the (now cancelled) task, so the driver does not skip the close.
        await Task { await self.close() }.value
    }

    /// Closes every connection; idempotent.
    public func close() async {
        let wasClosed = closed.withLock { closed in
            defer { closed = true }
            return closed
        }
        guard !wasClosed else { return }
        for reader in readers where reader !== writer { try? await reader.close() }
        try? await writer.close()
    }
}

/// Runs statements on one SQLite connection, translating `$n` parameters and errors.
struct SQLiteExecutor: SQLConnection {
    let connection: SQLiteConnection

    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        let rows: [SQLiteRow]
        do {
            rows = try await connection.query(Self.numberedParameters(sql), binds.map(Self.sqliteData))
        } catch {
            throw Self.storeError(error)
        }
        return rows.map { row in
            SQLRow(columns: row.columns.map(\.name), values: row.columns.map { Self.value($0.data) })
        }
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> Int {
        // sqlite-nio does not expose sqlite3_changes(). For a data-changing statement, ask it to
        // return one row per changed row instead (one round trip rather than a second
        // `SELECT changes()`); anything else runs as is and reports 0.
        if Self.returnsChangedRows(sql) {
            return try await query(sql + " RETURNING 1", binds).count
        }
        _ = try await query(sql, binds)
        return 0
    }

    /// Whether `RETURNING 1` can be appended: an INSERT, UPDATE or DELETE without its own
    /// RETURNING clause.
    static func returnsChangedRows(_ sql: String) -> Bool {
        let head = sql.drop(while: { $0.isWhitespace }).prefix(7).uppercased()
        guard head.hasPrefix("INSERT") || head.hasPrefix("UPDATE") || head.hasPrefix("DELETE") else { return false }
        return !sql.uppercased().contains("RETURNING")
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

    private static func sqliteData(_ value: SQLValue) -> SQLiteData {
        switch value {
        case .null: .null
        case .integer(let value): .integer(Int(value))
        case .text(let value): .text(value)
        case .blob(let bytes): .blob(ByteBuffer(bytes: bytes))
        }
    }

    private static func value(_ data: SQLiteData) -> SQLValue {
        switch data {
        case .null: .null
        case .integer(let value): .integer(Int64(value))
        case .float(let value): .integer(Int64(value))
        case .text(let value): .text(value)
        case .blob(var buffer): .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        }
    }

    private static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? SQLiteError {
            switch error.reason {
            case .constraint, .constraintUniqueFailed, .constraintPrimaryKeyFailed, .constraintForeignKeyFailed:
                return .conflict("a uniqueness or reference rule refused the write", underlying: error)
            default:
                return .unavailable("SQLite refused the statement (\(error.reason))", underlying: error)
            }
        }
        return .unavailable("SQLite statement failed", underlying: error)
    }
}
