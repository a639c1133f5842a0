public import CyberIDCore
import Foundation
public import Logging
import NIOSSL
import PostgresNIO

/// Where the store lives, as given by `CYBERID_DATABASE_URL`.
///
/// - `sqlite:PATH` (relative paths are resolved against the working directory), `sqlite::memory:`
/// - `postgres://USER:PASSWORD@HOST:PORT/DATABASE?sslmode=disable|prefer|require`
public enum DatabaseURL: Sendable, Equatable {
    case sqlite(path: String)
    case postgres(host: String, port: Int, user: String, password: String?, database: String, tls: TLSMode)

    /// PostgreSQL transport security, as libpq's `sslmode` names it.
    public enum TLSMode: String, Sendable {
        case disable, prefer, require
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
        guard let components = URLComponents(string: text),
            let scheme = components.scheme, scheme == "postgres" || scheme == "postgresql"
        else {
            throw .invalidURL("database URL must start with sqlite: or postgres://")
        }
        guard let host = components.host, !host.isEmpty else { throw .invalidURL("postgres URL has no host") }
        guard let user = components.user, !user.isEmpty else { throw .invalidURL("postgres URL has no user name") }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty else { throw .invalidURL("postgres URL has no database name") }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] where item.name == "sslmode" {
            guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                throw .invalidURL("sslmode must be disable, prefer or require")
            }
            tls = mode
        }
        self = .postgres(
            host: host, port: components.port ?? 5432, user: user, password: components.password,
            database: database, tls: tls)
    }

    /// A form safe to print: the password is masked.
    public var redacted: String {
        switch self {
        case .sqlite(let path): "sqlite:\(path)"
        case .postgres(let host, let port, let user, _, let database, let tls):
            "postgres://\(user):***@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)"
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
        case .postgres(let host, let port, let user, let password, let database, let tls):
            let mode: PostgresClient.Configuration.TLS
            switch tls {
            case .disable: mode = .disable
            case .prefer: mode = .prefer(.makeClientConfiguration())
            case .require: mode = .require(.makeClientConfiguration())
            }
            let configuration = PostgresClient.Configuration(
                host: host, port: port, username: user, password: password, database: database, tls: mode)
            return PostgresStoreDatabase(configuration: configuration, logger: logger)
        }
    }
}
