import Foundation
import Logging
import Testing

@testable import CyberIDStore

/// The SQLite driver's transactions (GRDB used synchronously): where they run, and that no
/// statement runs outside the transaction it was written for.
@Suite struct SQLiteTransactionTests {
    /// A file database in a fresh directory with a table `t (a INTEGER PRIMARY KEY, b TEXT NOT NULL UNIQUE)`.
    private func withTable(_ body: (SQLiteStoreDatabase) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-sqltx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("t.sqlite").path)
        try await database.write { try await $0.run("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT NOT NULL UNIQUE)") }
        try await body(database)
        await database.close()
    }

    private func values(_ database: SQLiteStoreDatabase) async throws -> [Int64] {
        try await database.read { try await $0.query("SELECT a FROM t ORDER BY a", []) }.map { try $0.integer("a") }
    }

    @Test func writeTransactionsRunOnTheWritersThreadAndReadsDoNot() async throws {
        try await withTable { database in
            let inWrite = try await database.write { connection in
                _ = try await connection.execute("INSERT INTO t (a, b) VALUES (1, 'x')", [])
                return WriterExecutor.isCurrent
            }
            let single = try await database.writeStatement("INSERT INTO t (a, b) VALUES (2, 'y')", [])
            let inRead = try await database.read { connection in
                _ = try await connection.query("SELECT a FROM t", [])
                return WriterExecutor.isCurrent
            }
            #expect(inWrite)
            #expect(single.changed == 1)
            #expect(!inRead)
            #expect(!WriterExecutor.isCurrent)
        }
    }

    @Test func aTransactionSQLiteEndedRunsNothingMore() async throws {
        try await withTable { database in
            // The body ends the transaction itself, as SQLite does on a full disk or an I/O error:
            // the insert after it must not run in autocommit mode (it would be committed).
            await #expect(throws: StoreError.unavailable) {
                try await database.write { connection in
                    _ = try await connection.execute("INSERT INTO t (a, b) VALUES (1, 'x')", [])
                    try await connection.run("ROLLBACK")
                    _ = try await connection.execute("INSERT INTO t (a, b) VALUES (2, 'y')", [])
                }
            }
            #expect(try await values(database) == [])
            try await database.write { _ = try await $0.execute("INSERT INTO t (a, b) VALUES (3, 'z')", []) }
            #expect(try await values(database) == [3])
        }
    }

    @Test func aConnectionKeptAfterItsTransactionRunsNothing() async throws {
        try await withTable { database in
            let kept = try await database.write { connection in connection }
            await #expect(throws: StoreError.unavailable) {
                _ = try await kept.execute("INSERT INTO t (a, b) VALUES (9, 'kept')", [])
            }
            #expect(try await values(database) == [])
        }
    }

    @Test func uniquenessIsAConflictAndAMissingValueIsAFault() async throws {
        try await withTable { database in
            _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES (1, 'x')", [])
            await #expect(throws: StoreError.conflict) {
                _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES (2, 'x')", [])
            }
            await #expect(throws: StoreError.conflict) {
                _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES (1, 'other')", [])
            }
            await #expect(throws: StoreError.unavailable) {
                _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES ($1, $2)", [.integer(3), .null])
            }
            // The failed statement left the cache: the same text runs again.
            _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES ($1, $2)", [.integer(3), .text("z")])
            #expect(try await values(database) == [1, 3])
        }
    }

    /// Refused as the request's fault (`invalid-text`, a 400), not the store's (a 503 "try again").
    @Test func textWithANulCharacterIsRefusedNotCutShort() async throws {
        try await withTable { database in
            await #expect(throws: StoreError.invalidText) {
                _ = try await database.writeStatement("INSERT INTO t (a, b) VALUES ($1, $2)", [.integer(1), .text("ab\u{0}cd")])
            }
            let stored = try await values(database)
            #expect(stored.isEmpty)
        }
    }

    @Test func floatsAreTruncatedAndOneTooLargeDoesNotStopTheProcess() async throws {
        try await withTable { database in
            let row = try await database.read { try await $0.query("SELECT 2.7 AS a, -2.7 AS b, 1e300 AS c", []) }[0]
            #expect(try row.integer("a") == 2)
            #expect(try row.integer("b") == -2)
            #expect(try row.integer("c") == 0)
        }
    }

    @Test func aReadInsideAWriteSeesItsOwnRows() async throws {
        try await withTable { database in
            let seen = try await database.write { connection in
                _ = try await connection.execute("INSERT INTO t (a, b) VALUES (5, 'x')", [])
                return try await database.read { try await $0.query("SELECT a FROM t", []) }.count
            }
            #expect(seen == 1)
        }
    }

    @Test func writesDoNotInterleave() async throws {
        try await withTable { database in
            // Each transaction reads the count and writes count + 1 after a suspension: interleaved
            // transactions would write the same key twice (a conflict) or skip one.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        try await database.write { connection in
                            let count = try await connection.query("SELECT COUNT(*) AS n FROM t", [])[0].integer("n")
                            await Task.yield()
                            _ = try await connection.execute(
                                "INSERT INTO t (a, b) VALUES ($1, $2)", [.integer(count), .text("v\(count)")])
                        }
                    }
                }
                try await group.waitForAll()
            }
            #expect(try await values(database) == Array(0..<20))
        }
    }

    @Test func backupsCopyAndCheckAndRefuseWhatIsNotADatabase() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-sqlbk-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let live = directory.appendingPathComponent("live.sqlite").path
        let database = try await SQLiteStoreDatabase.open(path: live)
        try await Migrator().migrate(database, logger: Logger(label: "t"))
        let copy = directory.appendingPathComponent("copy.sqlite").path
        let summary = try await SQLiteBackup.backup(from: live, to: copy, logger: Logger(label: "t"))
        await database.close()
        #expect(summary.schemaVersion == Schema.migrations.last?.version)
        #expect(summary.persons == 0)
        // A restore from a file whose newest pages are still in its `-wal` (the live store, open,
        // not checkpointed): SQLite copies them too.
        let reopened = try await SQLiteStoreDatabase.open(path: live)
        try await reopened.write { try await $0.run("CREATE TABLE late (a INTEGER)") }
        let restored = directory.appendingPathComponent("restored.sqlite").path
        let restoredSummary = try await SQLiteBackup.restore(from: live, to: restored, logger: Logger(label: "t"))
        await reopened.close()
        #expect(restoredSummary.schemaVersion == Schema.migrations.last?.version)
        let check = try await SQLiteStoreDatabase.open(path: restored)
        let late = try await check.read { try await $0.query("SELECT name FROM sqlite_master WHERE name = 'late'", []) }
        await check.close()
        #expect(late.count == 1)
        let text = directory.appendingPathComponent("text.sqlite").path
        try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: text))
        await #expect(throws: StoreError.corrupt("")) { try await SQLiteBackup.check(text, logger: Logger(label: "t")) }
        await #expect(throws: StoreError.corrupt("")) {
            try await SQLiteBackup.restore(from: text, to: directory.appendingPathComponent("r2.sqlite").path, logger: Logger(label: "t"))
        }
        let missing = directory.appendingPathComponent("missing.sqlite").path
        await #expect(throws: StoreError.unavailable) {
            try await SQLiteBackup.backup(from: missing, to: directory.appendingPathComponent("c2.sqlite").path, logger: Logger(label: "t"))
        }
        #expect(!FileManager.default.fileExists(atPath: missing))
    }
}
