import CyberIDCore
public import Logging
import NIOCore
public import PostgresNIO
import ServiceLifecycle

/// PostgreSQL for the scale path: any number of stateless server processes share one database.
///
/// Wraps postgres-nio's `PostgresClient` connection pool — one server's, or, for a multi-host
/// URL, the current primary's (``PostgresPrimary``). The pool only works while ``run()`` runs
/// (as a ServiceLifecycle service, or in a task group for one-shot commands).
public final class PostgresStoreDatabase: SQLDatabase {
    public var dialect: SQLDialect { .postgres }

    private enum Servers: Sendable {
        case single(PostgresClient)
        case failover(PostgresPrimary)
    }

    private let servers: Servers
    private let logger: Logger

    /// Creates the pool for one server; nothing connects until ``run()`` starts.
    /// - Parameters:
    ///   - configuration: where and how to connect.
    ///   - logger: the driver's logger.
    public init(configuration: PostgresClient.Configuration, logger: Logger = Logger(label: "cyberid.store.postgres")) {
        self.servers = .single(PostgresClient(configuration: configuration, backgroundLogger: logger))
        self.logger = logger
    }

    /// Uses whichever of several servers is the primary.
    public init(primary: PostgresPrimary, logger: Logger) {
        self.servers = .failover(primary)
        self.logger = logger
    }

    /// The hosts a multi-host URL listed, in order, which the failover watcher asks; nil for one
    /// server.
    public var failoverHosts: [PostgresLocation.Host]? {
        guard case .failover(let primary) = servers else { return nil }
        return primary.location.hosts
    }

    public func run() async throws {
        switch servers {
        case .single(let client): await client.run()
        case .failover(let primary): await primary.run()
        }
    }

    /// Runs `body` with the pool to use, reporting failures a failover explains.
    private func withClient<T: Sendable>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        switch servers {
        case .single(let client):
            return try await body(client)
        case .failover(let primary):
            let current = try await primary.current()
            do {
                return try await body(current.client)
            } catch {
                if PostgresPrimary.isFailover(error) { primary.suspect(current.generation) }
                throw error
            }
        }
    }

    public func read<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        if let joined = AmbientTransaction.joined(self) { return try await body(joined) }
        do {
            return try await withClient { client in
                try await client.withConnection { connection in
                    try await body(PostgresExecutor(connection: connection, logger: logger))
                }
            }
        } catch let error as StoreError {
            throw error
        } catch let error where !(error is CancellationError) {
            throw PostgresExecutor.storeError(error)
        }
    }

    public func writeStatement(_ sql: String, _ binds: [SQLValue]) async throws -> (rows: [SQLRow], changed: Int) {
        if let joined = AmbientTransaction.joined(self) { return try await AmbientTransaction.statement(sql, binds, on: joined) }
        return try await read { connection in
            guard let executor = connection as? PostgresExecutor else { throw StoreError.unavailable("unexpected connection") }
            let result = try await executor.run(sql, binds)
            return (result.rows, result.count)
        }
    }

    /// A transaction of our own (BEGIN, the body, COMMIT) rather than postgres-nio's
    /// `withTransaction`: that one sends ROLLBACK on a connection that has just died, and
    /// postgres-nio drops a query written to a closed channel without ever completing it — the
    /// request hung forever in the failover test. Here every statement goes through
    /// ``PostgresExecutor/run(_:_:)``, which refuses a closed connection, and ROLLBACK is sent only
    /// on a live one. A failed COMMIT is an unknown outcome, reported as unavailable, never retried.
    public func write<T: Sendable>(_ body: @Sendable (any SQLConnection) async throws -> T) async throws -> T {
        if let joined = AmbientTransaction.joined(self) { return try await body(joined) }
        do {
            return try await withClient { client in
                try await client.withConnection { connection in
                    let executor = PostgresExecutor(connection: connection, logger: logger)
                    _ = try await executor.run("BEGIN", [])
                    let value: T
                    do {
                        value = try await AmbientTransaction.run(self, executor, body)
                    } catch {
                        if !connection.isClosed {
                            do { _ = try await executor.run("ROLLBACK", []) } catch { try? await connection.close() }
                        }
                        throw error
                    }
                    _ = try await executor.run("COMMIT", [])
                    return value
                }
            }
        } catch let error where error is PSQLError || PostgresPrimary.isPoolError(error) {
            // Leasing failed (the body's own errors, StoreError or the caller's, pass unchanged).
            throw PostgresExecutor.storeError(error)
        }
    }
}

/// Runs statements on one PostgreSQL connection.
struct PostgresExecutor: SQLConnection {
    let connection: PostgresConnection
    let logger: Logger

    func query(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> [SQLRow] {
        try await run(sql, binds).rows
    }

    func execute(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> Int {
        try await run(sql, binds).count
    }

    func run(_ sql: String, _ binds: [SQLValue]) async throws(StoreError) -> (rows: [SQLRow], count: Int) {
        var bindings = PostgresBindings(capacity: binds.count)
        var kinds = ""
        for value in binds {
            switch value {
            case .null: bindings.appendNull(); kinds.append("n")
            case .integer(let value): bindings.append(value); kinds.append("i")
            case .text(let value):
                // PostgreSQL refuses a NUL in text (22021) and the error would read as the store's;
                // it is the request's (StoreError.invalidText), as on SQLite.
                guard !value.utf8.contains(0) else { throw StoreError.invalidText("a text value holds a NUL character") }
                bindings.append(value); kinds.append("t")
            case .blob(let bytes): bindings.append(ByteBuffer(bytes: bytes)); kinds.append("b")
            }
        }
        do {
            // With parameters: a statement prepared once per connection (PostgresPreparedStatements).
            if !binds.isEmpty, let named = PreparedStatements.named(sql, kinds: kinds) {
                let result = try await connection.runNamed(
                    named.name, named.sql, rowsWanted: named.rowsWanted, bindings, logger: logger)
                return (try result.rows.map(Self.row), result.count)
            }
            // Checked and written on the connection's event loop: a live channel still has the
            // handler that completes or fails every query; a closed one would drop it (see write).
            let query = PostgresQuery(unsafeSQL: sql, binds: bindings)
            let (connection, logger) = (self.connection, self.logger)
            let result = try await connection.eventLoop.flatSubmit { () -> EventLoopFuture<PostgresQueryResult> in
                guard !connection.isClosed else { return connection.eventLoop.makeFailedFuture(PostgresError.connectionClosed) }
                return connection.query(query, logger: logger)
            }.get()
            let rows = try result.rows.map(Self.row)
            return (rows, result.metadata.rows ?? rows.count)
        } catch {
            throw Self.storeError(error)
        }
    }

    private static func row(_ row: PostgresRow) throws -> SQLRow {
        var columns = [String]()
        var values = [SQLValue]()
        for cell in row {
            columns.append(cell.columnName)
            values.append(try value(cell))
        }
        return SQLRow(columns: columns, values: values)
    }

    private static func value(_ cell: PostgresCell) throws -> SQLValue {
        guard cell.bytes != nil else { return .null }
        switch cell.dataType {
        case .int2, .int4, .int8: return .integer(try cell.decode(Int64.self))
        case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
        case .bytea:
            var buffer = try cell.decode(ByteBuffer.self)
            return .blob(buffer.readBytes(length: buffer.readableBytes) ?? [])
        default: return .text(try cell.decode(String.self))
        }
    }

    static func storeError(_ error: any Error) -> StoreError {
        if let error = error as? StoreError { return error }
        if let error = error as? PSQLError, error.code == .server,
            let state = error.serverInfo?[.sqlState]
        {
            // 23505 unique_violation, 23503 foreign_key_violation.
            if state == "23505" || state == "23503" {
                return .conflict("a uniqueness or reference rule refused the write", underlying: error)
            }
            return .unavailable("PostgreSQL refused the statement (SQLSTATE \(state))", underlying: error)
        }
        return .unavailable("PostgreSQL is unavailable", underlying: error)
    }
}
