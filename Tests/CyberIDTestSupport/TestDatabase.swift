public import CyberIDStore
import Foundation
import Logging
import ServiceLifecycle

/// The backends every store test runs against.
public enum Backend: String, CaseIterable, Sendable {
    case sqlite
    case postgres

    /// `CYBERID_TEST_POSTGRES_URL`: an account allowed to create databases, e.g.
    /// `postgres://cyberid:cyberid@127.0.0.1:55432/postgres?sslmode=disable` (scripts/test sets it).
    public static let postgresURL: String? = {
        guard let url = ProcessInfo.processInfo.environment["CYBERID_TEST_POSTGRES_URL"], !url.isEmpty else { return nil }
        return url
    }()

    /// SQLite always; PostgreSQL when a server URL is given.
    public static let available: [Backend] = postgresURL == nil ? [.sqlite] : [.sqlite, .postgres]
}

/// Runs `body` on a fresh, migrated database of the given backend, then disposes of it.
///
/// SQLite: a new file in a temporary directory. PostgreSQL: a new database on the test server,
/// dropped afterwards, so tests running in parallel never see each other's rows.
public func withTestDatabase<T: Sendable>(
    _ backend: Backend, migrate: Bool = true, _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    let logger = Logger(label: "test")
    switch backend {
    case .sqlite:
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("test.sqlite").path)
        return try await running(database, migrate: migrate, logger: logger, body)
    case .postgres:
        guard let url = Backend.postgresURL,
            case .postgres(var location) = try DatabaseURL(url)
        else { throw StoreError.invalidURL }
        let name = "cyberid_test_\(UUID().uuidString.replacingOccurrences(of: "-", with: "").lowercased().prefix(16))"
        let admin = try await DatabaseURL(url).open(logger: logger)
        try await running(admin, migrate: false, logger: logger) { admin in
            _ = try await admin.read { try await $0.execute("CREATE DATABASE \(name)", []) }
        }
        location.database = name
        let testURL = DatabaseURL.postgres(location)
        let database = try await testURL.open(logger: logger)
        let result = try await running(database, migrate: migrate, logger: logger, body)
        let cleanup = try await DatabaseURL(url).open(logger: logger)
        try? await running(cleanup, migrate: false, logger: logger) { admin in
            _ = try await admin.read { try await $0.execute("DROP DATABASE IF EXISTS \(name)", []) }
        }
        return result
    }
}

func running<T: Sendable>(
    _ database: any SQLDatabase, migrate: Bool, logger: Logger, _ body: @Sendable (any SQLDatabase) async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await database.run() }
        defer { group.cancelAll() }
        if migrate { try await Migrator().migrate(database, logger: logger) }
        return try await body(database)
    }
}


/// Runs `body` with a fresh, migrated SQLite store in a temporary directory.
public func withSQLiteStore<T: Sendable>(_ body: @Sendable (SQLStore) async throws -> T) async throws -> T {
    try await withTestDatabase(.sqlite) { database in try await body(SQLStore(database: database)) }
}
