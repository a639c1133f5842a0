import Foundation
import Logging
import ServiceLifecycle
import CyberIDTestSupport
import Testing

@testable import CyberIDStore

@Suite struct SQLiteDriverTests {
    @Test func rewritesPositionalParametersOutsideQuotes() {
        #expect(SQLiteExecutor.numberedParameters("SELECT $1, $2 WHERE a = $10") == "SELECT ?1, ?2 WHERE a = ?10")
        #expect(SQLiteExecutor.numberedParameters("SELECT '$1', \"$2\" , $3") == "SELECT '$1', \"$2\" , ?3")
        #expect(SQLiteExecutor.numberedParameters("SELECT a$1 FROM t") == "SELECT a$1 FROM t")
    }

    @Test func countsChangedRowsOnlyForDataChanges() {
        #expect(SQLiteExecutor.changesRows("UPDATE t SET a = 1"))
        #expect(SQLiteExecutor.changesRows("\n  insert into t values (1)"))
        #expect(SQLiteExecutor.changesRows("DELETE FROM t"))
        #expect(SQLiteExecutor.changesRows("INSERT INTO t VALUES (1) RETURNING id"))
        #expect(!SQLiteExecutor.changesRows("CREATE TABLE t (a INTEGER)"))
        #expect(!SQLiteExecutor.changesRows("SELECT 1"))
        #expect(!SQLiteExecutor.changesRows("INSERTED"))
        #expect(!SQLiteExecutor.changesRows("UPD"))
    }

    @Test func aFailedTransactionRollsBackAndTheWriterGoesOn() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-tx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("t.sqlite").path)
        try await database.write { try await $0.run("CREATE TABLE t (a INTEGER PRIMARY KEY)") }
        // The second insert breaks the key: the first must not survive, and the writer must not
        // be left inside the transaction (the next write would fail with "cannot start a
        // transaction within a transaction").
        await #expect(throws: StoreError.self) {
            try await database.write { connection in
                _ = try await connection.execute("INSERT INTO t (a) VALUES (1)", [])
                _ = try await connection.execute("INSERT INTO t (a) VALUES (1)", [])
            }
        }
        let changed = try await database.writeStatement("INSERT INTO t (a) VALUES ($1)", [.integer(2)])
        let returned = try await database.writeStatement("UPDATE t SET a = 3 WHERE a = $1 RETURNING a", [.integer(2)])
        let rows = try await database.read { try await $0.query("SELECT a FROM t ORDER BY a", []) }
        #expect(changed.changed == 1)
        #expect(returned.changed == 1)
        #expect(try returned.rows.first?.integer("a") == 3)
        #expect(try rows.map { try $0.integer("a") } == [3])
        await database.close()
    }

    @Test func theDurabilitySettingReachesTheWriter() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-sync-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        for (setting, level) in [(SQLiteStoreDatabase.Synchronous.full, 2), (.normal, 1)] {
            let database = try await SQLiteStoreDatabase.open(
                path: directory.appendingPathComponent("s\(level).sqlite").path, synchronous: setting)
            let value = try await database.write { try await $0.first("PRAGMA synchronous")?.integer("synchronous") }
            #expect(value == Int64(level))
            await database.close()
        }
    }

    @Test(arguments: Backend.available)
    func executeReportsTheNumberOfChangedRows(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let counts = try await database.write { connection in
                [
                    try await connection.execute(
                        "INSERT INTO clients (client_id, name, metadata, disabled, created_at) VALUES ('a','n','{}',0,0), ('b','n','{}',0,0)", []),
                    try await connection.execute("UPDATE clients SET disabled = 1", []),
                    try await connection.execute("UPDATE clients SET disabled = 1 WHERE client_id = 'zz'", []),
                    try await connection.execute("DELETE FROM clients WHERE client_id = 'a'", []),
                ]
            }
            #expect(counts == [2, 2, 0, 1])
        }
    }

    @Test func fileDatabasesUseWALAndForeignKeys() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-wal-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("w.sqlite").path)
        let mode = try await database.write { try await $0.first("PRAGMA journal_mode")?.text("journal_mode") }
        let keys = try await database.read { try await $0.first("PRAGMA foreign_keys")?.integer("foreign_keys") }
        let timeout = try await database.read { try await $0.first("PRAGMA busy_timeout")?.integer("timeout") }
        #expect(mode == "wal")
        #expect(keys == 1)
        #expect(timeout == 5_000)
        await database.close()
    }

    @Test func readersCannotWrite() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-ro-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("r.sqlite").path)
        await #expect(throws: StoreError.unavailable) {
            try await database.read { try await $0.run("CREATE TABLE x (a INTEGER)") }
        }
        await database.close()
    }

    @Test func inMemoryDatabasesWork() async throws {
        let database = try await SQLiteStoreDatabase.open(path: ":memory:")
        try await Migrator().migrate(database, logger: .init(label: "t"))
        #expect(try await Migrator().currentVersion(database) == Schema.migrations.last?.version)
        await database.close()
    }

    @Test func databaseURLsParseAndRedact() throws {
        #expect(try DatabaseURL("sqlite:./data/x.sqlite") == .sqlite(path: "./data/x.sqlite"))
        let pg = try DatabaseURL("postgres://u:p%40ss@db.local:6543/cyber?sslmode=disable")
        #expect(pg == .postgres(host: "db.local", port: 6543, user: "u", password: "p@ss", database: "cyber", tls: .disable))
        #expect(!pg.redacted.contains("p@ss"))
        #expect(try DatabaseURL("postgresql://u@h/d") == .postgres(host: "h", port: 5432, user: "u", password: nil, database: "d", tls: .prefer))
        for bad in [
            "mysql://u@h/d", "sqlite:", "postgres://h/d", "postgres://u@h/", "postgres://u@h/d?sslmode=maybe", "nonsense",
            "postgres://u@h1,/d", "postgres://u@h1,h2:0/d", "postgres://u@h1:x/d", "postgres://u@[::1/d",
            "postgres://u@h1,h2/d?target_session_attrs=any", "postgres://u@/d",
        ] {
            #expect(throws: StoreError.invalidURL, "\(bad)") { try DatabaseURL(bad) }
        }
    }
}
