import ArgumentParser
import CyberIDServer
import CyberIDServices
import CyberIDStore
import Foundation
import Logging

/// `cyberid admin backup --out FILE`: a consistent online copy of the SQLite database.
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup", abstract: "Write a consistent copy of the SQLite database while the service runs.",
        discussion: """
            The copy is one moment's snapshot (SQLite VACUUM INTO), checked, fsynced, then renamed to FILE. \
            It holds sealed records only: the master key is NOT in it — keep that separately. On \
            PostgreSQL use pg_dump or base backups (docs/operations.md).
            """)
    @OptionGroup var operatorOption: OperatorOption
    @Option(help: "The backup file to create (it must not exist).") var out: String

    func validate() throws { try operatorOption.require() }

    func run() async throws {
        let settings = try await loadSettings()
        let path = try sqliteFile(settings, "admin backup copies a SQLite database; for PostgreSQL use pg_dump or pg_basebackup")
        let out = out
        try await runOrExit {
            let summary = try await SQLiteBackup.backup(from: path, to: out, logger: Logger(label: "cyberid.backup"))
            try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                try await operatorOption.admin(runtime).recordBackup(file: out, persons: summary.persons)
            }
            print("backup written: \(out) (\(summary.bytes) bytes, schema version \(summary.schemaVersion), \(summary.persons) persons)")
            print("the master key is not in the backup: a restore needs the same master key")
        }
    }
}

/// `cyberid admin restore --from FILE`: puts a backup in place as the configured SQLite database.
struct RestoreCommand: AsyncParsableCommand {
    /// A suffix no earlier restore used: the time in milliseconds and a random part.
    static func stamp() -> String {
        "\(Int64(Date().timeIntervalSince1970 * 1000))-\(UInt32.random(in: 0...UInt32.max))"
    }

    static let configuration = CommandConfiguration(
        commandName: "restore", abstract: "Restore a backup as the SQLite database (the service stopped).",
        discussion: """
            The backup is checked (integrity, schema), copied beside the database file, fsynced and renamed \
            into place; then it is opened with the configured master key (migrated if older) and the \
            restore is written to its audit log. An existing database is refused unless --force, which \
            keeps it as <file>.before-restore-<time>.
            """)
    @OptionGroup var operatorOption: OperatorOption
    @Option(help: "The backup file (from cyberid admin backup).") var from: String
    @Flag(help: "Replace an existing database (kept beside it as .before-restore-<time>).") var force = false

    func validate() throws { try operatorOption.require() }

    /// Moves the database that was there before (--force) back into place: never leave none.
    static func putBack(_ keptAside: [(aside: String, original: String)]) {
        for (aside, original) in keptAside { try? FileManager.default.moveItem(atPath: aside, toPath: original) }
        if !keptAside.isEmpty { printError("cyberid: the previous database is back in place") }
    }

    func run() async throws {
        let settings = try await loadSettings()
        let path = try sqliteFile(settings, "admin restore writes a SQLite database; for PostgreSQL use pg_restore")
        let keyFile = URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("master.key").path
        guard settings.masterKey != nil || FileManager.default.fileExists(atPath: keyFile) else {
            printError(
                "cyberid: a restore needs the master key of the service the backup came from: "
                    + "set CYBERID_MASTER_KEY or put it in \(keyFile) (mode 0600)")
            throw Exit.configuration
        }
        let (from, force) = (from, force)
        try await runOrExit {
            try FileManager.default.createDirectory(
                at: URL(fileURLWithPath: path).deletingLastPathComponent(), withIntermediateDirectories: true)
            var keptAside: [(aside: String, original: String)] = []
            if FileManager.default.fileExists(atPath: path) {
                guard force else {
                    printError("cyberid: \(path) exists; stop the service and pass --force to replace it")
                    throw Exit.failure
                }
                let stamp = Self.stamp()
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                    let aside = "\(path).before-restore-\(stamp)\(suffix)"
                    try FileManager.default.moveItem(atPath: path + suffix, toPath: aside)
                    keptAside.append((aside, path + suffix))
                }
            }
            let summary: SQLiteBackup.Summary
            do {
                summary = try await SQLiteBackup.restore(from: from, to: path, logger: Logger(label: "cyberid.restore"))
            } catch {
                // Not a sound backup (or none at that path): the database that was there stays.
                Self.putBack(keptAside)
                throw error
            }
            do {
                try await withRuntime(settings: settings, logger: makeLogger(settings)) { runtime in
                    try await operatorOption.admin(runtime).recordRestore(file: from, persons: summary.persons)
                }
            } catch {
                // Not usable here (another master key, most often): do not leave it as the database.
                let rejected = "\(path).rejected-\(Self.stamp())"
                for suffix in ["", "-wal", "-shm"] where FileManager.default.fileExists(atPath: path + suffix) {
                    if (try? FileManager.default.moveItem(atPath: path + suffix, toPath: rejected + suffix)) == nil {
                        try? FileManager.default.removeItem(atPath: path + suffix)
                    }
                }
                printError("cyberid: the restored database was moved aside to \(rejected)")
                Self.putBack(keptAside)
                throw error
            }
            print("restored \(from) into \(path) (schema version \(summary.schemaVersion), \(summary.persons) persons)")
        }
    }
}

/// The SQLite file of the configured database, or exit 1 with `refusal` (PostgreSQL, in memory).
private func sqliteFile(_ settings: ServerSettings, _ refusal: String) throws -> String {
    guard case .sqlite(let path) = settings.database, path != ":memory:" else {
        printError("cyberid: \(refusal) (docs/operations.md)")
        throw Exit.failure
    }
    return path
}
