import CyberIDCore
import Foundation
public import Logging

/// Applies the schema migrations a database lacks, at start and by `cyberid admin migrate`.
///
/// Safe to run from several processes at once: on PostgreSQL each migration's transaction
/// first takes a transaction-scoped advisory lock; on SQLite `BEGIN IMMEDIATE` already
/// serialises writers. Either way, a migration that another process applied meanwhile is
/// skipped.
public struct Migrator: Sendable {
    /// The migrations this build knows, in order.
    public let migrations: [Migration]

    /// Creates a migrator for `migrations` (defaults to CyberID's schema).
    public init(migrations: [Migration] = Schema.migrations) {
        self.migrations = migrations
    }

    /// Applies every missing migration.
    /// - Parameters:
    ///   - database: the database to migrate.
    ///   - logger: where to report each applied version.
    /// - Returns: the versions applied by this call (empty when the schema was current).
    /// - Throws: ``StoreError/migration`` when a statement fails or the database's schema is newer
    ///   than this build.
    @discardableResult
    public func migrate(_ database: any SQLDatabase, logger: Logger) async throws -> [Int] {
        let dialect = database.dialect
        try await database.write { connection in
            // PostgreSQL's IF NOT EXISTS is not safe when processes start together on an empty
            // database (issue 16: a duplicate pg_type row): the same lock as the migrations.
            if dialect == .postgres { _ = try await connection.query("SELECT pg_advisory_xact_lock(7324917)", []) }
            try await connection.run(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version INTEGER PRIMARY KEY,
                    name TEXT NOT NULL,
                    applied_at \(dialect.ddl("%BIGINT%")) NOT NULL
                )
                """)
        }
        let known = latestVersion
        let newest = try await currentVersion(database)
        if newest > known {
            throw StoreError.migration("the database schema (version \(newest)) is newer than this build (\(known))")
        }
        var applied = [Int]()
        for migration in migrations.sorted(by: { $0.version < $1.version }) {
            let didApply = try await database.write { connection -> Bool in
                if dialect == .postgres {
                    _ = try await connection.query("SELECT pg_advisory_xact_lock(7324917)", [])
                }
                let existing = try await connection.first(
                    "SELECT version FROM schema_migrations WHERE version = $1", [.integer(Int64(migration.version))])
                guard existing == nil else { return false }
                for statement in migration.statements(for: dialect) {
                    do {
                        try await connection.run(dialect.ddl(statement))
                    } catch {
                        throw StoreError.migration(
                            "migration \(migration.version) (\(migration.name)) failed: \((error as? StoreError)?.reason ?? "\(type(of: error))")",
                            underlying: error)
                    }
                }
                _ = try await connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.integer(Int64(migration.version)), .text(migration.name), .integer(Int64(Date().timeIntervalSince1970 * 1000))])
                return true
            }
            if didApply {
                logger.info("applied migration", metadata: ["version": "\(migration.version)", "name": "\(migration.name)"])
                applied.append(migration.version)
            }
        }
        return applied
    }

    /// The newest version this build knows.
    public var latestVersion: Int { migrations.map(\.version).max() ?? 0 }

    /// The highest applied version, 0 for an empty database.
    public func currentVersion(_ database: any SQLDatabase) async throws -> Int {
        try await database.read { connection in
            let row = try await connection.first("SELECT MAX(version) AS v FROM schema_migrations")
            return Int(try row?.optionalInteger("v") ?? 0)
        }
    }
}
