public import CyberIDCore
public import Logging
import Dispatch
import GRDB
import ServiceLifecycle
import Synchronization

/// The embedded default: one SQLite file in WAL mode.
///
/// SQLite allows many readers beside one writer. This driver keeps one writer connection,
/// whose transactions are serialised by a semaphore (so a transaction never interleaves with
/// another task's statements) and run on a thread of their own (``WriterExecutor``: the
/// commit's fsync never blocks the tasks' threads), and a small pool of reader connections that
/// run beside it, inline on the reading task's thread. Every connection has foreign keys on
/// and a busy timeout, so a second process on the same file waits instead of failing.
/// Connections are GRDB's `DatabaseQueue`s used synchronously (``SQLiteExecutor``): one thread
/// switch per write transaction and none per statement, statements prepared once.
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

    private let writer: DatabaseQueue
    private let writeLock = AsyncSemaphore(permits: 1)
    private let writerThread = WriterExecutor()
    private let readers: [DatabaseQueue]
    private let readerPool: AsyncSemaphore
    private let idleReaders: Mutex<[Int]>
    private let closed = Mutex(false)
    private let logger: Logger

    private init(writer: DatabaseQueue, readers: [DatabaseQueue], logger: Logger) {
        self.logger = logger
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
        do {
            var configuration = Self.configuration("cyberid.sqlite.writer", busyTimeoutMilliseconds)
            // A transaction spans several accesses (BEGIN, the body's statements, COMMIT): this
            // driver, not GRDB, makes sure every one ends (``write``).
            configuration.allowsUnsafeTransactions = true
            if !inMemory {
                // Not GRDB's `.wal` journal mode: it sets synchronous = NORMAL after this.
                configuration.prepareDatabase { database in
                    let mode = try String.fetchOne(database, sql: "PRAGMA journal_mode = WAL")
                    guard mode?.lowercased() == "wal" else {
                        throw StoreError.unavailable("SQLite did not switch to WAL (journal mode \(mode ?? "unknown"))")
                    }
                    try database.execute(sql: "PRAGMA synchronous = \(synchronous.rawValue)")
                }
            }
            let writer = inMemory ? try DatabaseQueue(configuration: configuration) : try DatabaseQueue(path: path, configuration: configuration)
            // An in-memory database is private to its connection: read through the writer.
            var readerConnections = [writer]
            if !inMemory {
                var readerConfiguration = Self.configuration("cyberid.sqlite.reader", busyTimeoutMilliseconds)
                readerConfiguration.prepareDatabase { database in try database.execute(sql: "PRAGMA query_only = ON") }
                readerConnections = try (0..<max(1, readers)).map { _ in
                    try DatabaseQueue(path: path, configuration: readerConfiguration)
                }
            }
            return SQLiteStoreDatabase(writer: writer, readers: readerConnections, logger: logger)
        } catch {
            throw .unavailable("cannot open the SQLite database", underlying: error)
        }
    }

    /// A connection's settings: its label and how long it waits for another process's lock.
    private static func configuration(_ label: String, _ busyTimeoutMilliseconds: Int) -> Configuration {
        var configuration = Configuration()
        configuration.busyMode = .timeout(Double(busyTimeoutMilliseconds) / 1000)
        configuration.label = label
        return configuration
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
        let scope = TransactionScope()
        let control = SQLiteExecutor(connection: writer)
        let statements = SQLiteExecutor(connection: writer, transaction: scope)
        return try await writeLock.withPermit {
            try await withTaskExecutorPreference(writerThread) {
                defer { scope.end() }
                try control.control { try $0.beginTransaction(.immediate) }
                do {
                    let result = try await AmbientTransaction.run(self, statements, body)
                    try control.control { try $0.commit() }
                    return result
                } catch {
                    // SQLite may have rolled back on its own (a full disk, an I/O error): GRDB's
                    // rollback then does nothing. Either way no transaction may stay open: the
                    // writer's next transaction would fail to begin, or commit this one's rest.
                    try? control.control { try $0.rollback() }
                    if (try? control.control { $0.isInsideTransaction }) ?? true {
                        logger.critical("SQLite write transaction still open after a rollback: stopping", metadata: ["error": "\(error)"])
                        preconditionFailure("SQLite write transaction left open after a rollback")
                    }
                    throw error
                }
            }
        }
    }

    public func writeStatement(_ sql: String, _ binds: [SQLValue]) async throws -> (rows: [SQLRow], changed: Int) {
        if let joined = AmbientTransaction.joined(self) { return try await AmbientTransaction.statement(sql, binds, on: joined) }
        let executor = SQLiteExecutor(connection: writer)
        return try await writeLock.withPermit {
            try await withTaskExecutorPreference(writerThread) { try executor.run(sql, binds) }
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
        // Let a write transaction in flight finish first (a later one fails: the queue is closed).
        let acquired = (try? await writeLock.acquire()) != nil
        defer { if acquired { writeLock.release() } }
        for reader in readers where reader !== writer { try? reader.close() }
        try? writer.close()
    }
}

/// The SQLite writer's thread: a serial queue that runs the jobs of write transactions, so that a
/// transaction's statements and its commit (an fsync with `synchronous = FULL`) block this
/// thread rather than one of the few the tasks share. A task that prefers this executor
/// (`withTaskExecutorPreference`) hops here once at the start of a transaction and back once at
/// its end.
final class WriterExecutor: TaskExecutor {
    private let queue = DispatchQueue(label: "cyberid.sqlite.writer-thread")
    /// Marks the writer's queue, so that a test can tell where a statement ran.
    static let marker = DispatchSpecificKey<Bool>()

    init() { queue.setSpecific(key: Self.marker, value: true) }

    /// Whether the caller runs on a writer's thread.
    static var isCurrent: Bool { DispatchQueue.getSpecific(key: marker) == true }

    func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
