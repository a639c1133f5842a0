public import CyberIDCore
import Foundation
public import Logging

/// Where the store lives, as given by `CYBERID_DATABASE_URL`.
///
/// - `sqlite:PATH` (relative paths are resolved against the working directory), `sqlite::memory:`
/// - `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`
/// - `postgres://USER:PASSWORD@HOST1:PORT1,HOST2:PORT2/DATABASE?…&target_session_attrs=read-write`:
///   several servers of which one is the primary (a Patroni cluster); statements go to the
///   primary and move to the new one after a failover (``PostgresPrimary``).
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(PostgresLocation)

    /// PostgreSQL transport security, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
    }

    /// One PostgreSQL server (the common case).
    public static func postgres(
        host: String, port: Int, user: String, password: String?, database: String, tls: TLSMode
    ) -> DatabaseURL {
        .postgres(PostgresLocation(hosts: [.init(host, port: port)], user: user, password: password, database: database, tls: tls))
    }

    /// Parses a database URL.
    /// - Throws: ``StoreError/invalidURL`` with a reason that names the part that is wrong.
    public init(_ text: String) throws(StoreError) {
        if text.hasPrefix("sqlite:") {
            let path = String(text.dropFirst("sqlite:".count))
            guard !path.isEmpty else { throw .invalidURL("sqlite: needs a file path, e.g. sqlite:./data/cyberid.sqlite") }
            self = .sqlite(path: path)
            return
        }
        guard text.hasPrefix("postgres://") || text.hasPrefix("postgresql://") else {
            throw .invalidURL("database URL must start with sqlite: or postgres://")
        }
        self = .postgres(try PostgresLocation(parsing: text))
    }

    /// A form safe to print: the password is masked.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let location): location.redacted
        }
    }

    /// Opens the database this URL names.
    /// - Parameters:
    ///   - logger: the driver's logger.
    ///   - sqliteSynchronous: SQLite's durability (`CYBERID_SQLITE_SYNCHRONOUS`); PostgreSQL
    ///     commits durably by its own settings.
    /// - Returns: a database whose ``SQLDatabase/run()`` the caller must keep running.
    /// - Throws: ``StoreError`` when the SQLite file cannot be opened or TLS cannot be set up.
    public func open(logger: Logger, sqliteSynchronous: SQLiteStoreDatabase.Synchronous = .full) async throws(StoreError)
        -> any SQLDatabase
    {
        switch self {
        case .sqlite(let path):
            if path != ":memory:" {
                let directory = URL(fileURLWithPath: path).deletingLastPathComponent()
                try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            }
            return try await SQLiteStoreDatabase.open(path: path, synchronous: sqliteSynchronous, logger: logger)
        case .postgres(let location):
            if location.hosts.count == 1 {
                return PostgresStoreDatabase(configuration: location.clientConfiguration(host: 0), logger: logger)
            }
            return PostgresStoreDatabase(primary: PostgresPrimary(location: location, logger: logger), logger: logger)
        }
    }
}
