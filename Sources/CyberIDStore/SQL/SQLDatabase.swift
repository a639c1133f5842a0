public import CyberIDCore
public import ServiceLifecycle

/// A database the stores run on: the SQLite file of the embedded default, or PostgreSQL.
///
/// The two entry points say what a unit of work needs: ``read(_:)`` may run beside other
/// reads, ``write(_:)`` runs in one transaction that is committed when the body returns and
/// rolled back when it throws. The database is a ServiceLifecycle `Service`: `run()` keeps its
/// connections (PostgreSQL's pool) alive until the service group shuts down.
public protocol SQLDatabase: Service, Sendable {
    /// The dialect, for the few statements that differ.
    var dialect: SQLDialect { get }

    /// Runs `body` on a connection for reading.
    func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T

    /// Runs `body` in a transaction on a connection for writing.
    func write<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T

    /// Runs ONE data-changing statement on a connection for writing, without an explicit
    /// transaction: a single statement is atomic on its own, and skipping `BEGIN`/`COMMIT` saves
    /// two round trips (on SQLite, two thread-pool hops). Use ``write(_:)`` for anything more.
    func writeStatement(_ sql: String, _ binds: [SQLValue]) async throws -> (rows: [SQLRow], changed: Int)

    /// Checks that the database answers (for `/ready`).
    func ping() async throws(StoreError)
}

extension SQLDatabase {
    public func ping() async throws(StoreError) {
        do {
            _ = try await read { connection in try await connection.query("SELECT 1 AS one", []) }
        } catch let error as StoreError {
            throw error
        } catch {
            throw .unavailable("database did not answer", underlying: error)
        }
    }
}

/// The write transaction the current task is inside. Store calls on the same database made from
/// within it — reads, writes, single statements — join it instead of opening their own, so a
/// use case can make several store calls atomic (an administrative change and its audit entry,
/// review finding 11) without the stores knowing about each other.
struct AmbientTransaction: Sendable {
    let database: ObjectIdentifier
    let connection: any SQLConnection

    @TaskLocal static var current: AmbientTransaction?

    /// The connection of the transaction the task is inside, if it is on `database`.
    static func joined(_ database: AnyObject) -> (any SQLConnection)? {
        guard let current, current.database == ObjectIdentifier(database) else { return nil }
        return current.connection
    }

    /// Runs `body` with `connection` as the task's transaction.
    static func run<T: Sendable>(
        _ database: AnyObject, _ connection: any SQLConnection, _ body: @Sendable (any SQLConnection) async throws -> T
    ) async throws -> T {
        try await $current.withValue(AmbientTransaction(database: ObjectIdentifier(database), connection: connection)) {
            try await body(connection)
        }
    }

    /// A single statement on a joined connection, answered as ``SQLDatabase/writeStatement(_:_:)``.
    static func statement(_ sql: String, _ binds: [SQLValue], on connection: any SQLConnection) async throws
        -> (rows: [SQLRow], changed: Int)
    {
        if sql.uppercased().contains("RETURNING") {
            let rows = try await connection.query(sql, binds)
            return (rows, rows.count)
        }
        return ([], try await connection.execute(sql, binds))
    }
}
