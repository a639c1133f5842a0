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

    @Test func countsChangedRowsWithReturningOnlyForDataChanges() {
        #expect(SQLiteExecutor.returnsChangedRows("UPDATE t SET a = 1"))
        #expect(SQLiteExecutor.returnsChangedRows("\n  insert into t values (1)"))
        #expect(SQLiteExecutor.returnsChangedRows("DELETE FROM t"))
        #expect(!SQLiteExecutor.returnsChangedRows("INSERT INTO t VALUES (1) RETURNING id"))
        #expect(!SQLiteExecutor.returnsChangedRows("CREATE TABLE t (a INTEGER)"))
        #expect(!SQLiteExecutor.returnsChangedRows("SELECT 1"))
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
