public import Logging
import Foundation
import GRDB
#if canImport(Glibc)
import Glibc
#endif

/// Online backups of the SQLite database (`cyberid admin backup` / `restore`).
///
/// A backup is `VACUUM INTO` on a connection of its own: one read transaction over the live
/// file, so the copy is a consistent snapshot of one moment while writers go on (WAL mode lets
/// them), compacted, in rollback-journal mode — what SQLite's documentation offers beside the
/// C backup API. The copy is written beside the target,
/// fsynced, then renamed into place, so a crash never leaves a half backup under its name.
public enum SQLiteBackup {
    /// What a backup or restore checked.
    public struct Summary: Sendable {
        /// The file's size in bytes.
        public var bytes: Int
        /// The newest applied schema migration.
        public var schemaVersion: Int
        /// Rows in `persons`.
        public var persons: Int
    }

    /// Writes a consistent copy of the live database at `source` to `destination`.
    /// - Throws: ``StoreError`` when `destination` exists or the copy fails its integrity check.
    public static func backup(from source: String, to destination: String, logger: Logger) async throws -> Summary {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.conflict("\(destination) exists; choose a new file")
        }
        let partial = destination + ".partial"
        try copy(source, to: partial)
        let summary = try await check(partial, logger: logger)
        try durablyRename(partial, to: destination)
        return summary
    }

    /// Copies a backup into place as the database at `destination` (which must not exist):
    /// copied by SQLite (`VACUUM INTO`, so a `-wal` beside the backup is not left out) beside it,
    /// checked, fsynced, renamed.
    /// - Throws: ``StoreError`` for a file that is not a sound CyberID database.
    public static func restore(from backup: String, to destination: String, logger: Logger) async throws -> Summary {
        guard !FileManager.default.fileExists(atPath: destination) else {
            throw StoreError.conflict("\(destination) exists")
        }
        // A copy made by SQLite (with anything a `-wal` beside the backup holds), not of the
        // file's bytes alone; checked as it will be used.
        let partial = destination + ".partial"
        try copy(backup, to: partial)
        let summary: Summary
        do {
            summary = try await check(partial, logger: logger)
        } catch {
            try? FileManager.default.removeItem(atPath: partial)
            throw error
        }
        try durablyRename(partial, to: destination)
        return summary
    }

    /// Opens a database file and checks it: `PRAGMA integrity_check`, a schema, the persons table.
    /// - Throws: ``StoreError/corrupt`` for a file that is not a sound CyberID database.
    public static func check(_ path: String, logger: Logger) async throws -> Summary {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
            let bytes = (attributes[.size] as? NSNumber)?.intValue
        else { throw StoreError.unavailable("cannot read \(path)", underlying: nil) }
        return try withConnection(path, readOnly: true) { connection in
            let integrity = try connection.rows("PRAGMA integrity_check", []).first?.optionalText("integrity_check")
            guard integrity == "ok" else {
                throw StoreError.corrupt("\(path) fails SQLite's integrity check: \(integrity ?? "no answer")")
            }
            do {
                let version = try connection.rows("SELECT MAX(version) AS v FROM schema_migrations", [])
                let persons = try connection.rows("SELECT COUNT(*) AS n FROM persons", [])
                return Summary(
                    bytes: bytes, schemaVersion: Int(try version.first?.optionalInteger("v") ?? 0),
                    persons: Int(try persons.first?.optionalInteger("n") ?? 0))
            } catch {
                throw StoreError.corrupt("\(path) is not a CyberID database")
            }
        }
    }

    /// Writes a consistent, compacted copy of the database at `source` (which must exist) to
    /// `partial` with `VACUUM INTO`, readable by the owner only.
    private static func copy(_ source: String, to partial: String) throws {
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError.unavailable("\(source) does not exist", underlying: nil)
        }
        try? FileManager.default.removeItem(atPath: partial)
        try withConnection(source) { connection in
            _ = try connection.rows("VACUUM INTO ?1", [.text(partial)])
        }
        // Sealed records, but personal data all the same: readable by the owner only.
        guard chmod(partial, 0o600) == 0 else { throw StoreError.unavailable("cannot restrict \(partial) to mode 0600") }
    }

    /// Runs `body` on a connection of its own to the file at `path` (which must exist), closed after.
    private static func withConnection<T>(_ path: String, readOnly: Bool = false, _ body: (SQLiteExecutor) throws -> T) throws -> T {
        let queue: DatabaseQueue
        do {
            var configuration = Configuration()
            configuration.busyMode = .timeout(5)
            configuration.readonly = readOnly
            queue = try DatabaseQueue(path: path, configuration: configuration)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_NOTADB || error.resultCode == .SQLITE_CORRUPT {
            throw StoreError.corrupt("\(path) is not a SQLite database")
        } catch {
            throw StoreError.unavailable("cannot open \(path)", underlying: error)
        }
        defer { try? queue.close() }
        return try body(SQLiteExecutor(connection: queue))
    }

    /// fsyncs `partial`, renames it to `path`, fsyncs the directory: the file is there whole or not at all.
    private static func durablyRename(_ partial: String, to path: String) throws {
        func sync(_ target: String, flags: Int32) throws {
            let fd = open(target, flags)
            guard fd >= 0 else { throw StoreError.unavailable("cannot open \(target) to sync it", underlying: nil) }
            defer { close(fd) }
            guard fsync(fd) == 0 else { throw StoreError.unavailable("cannot fsync \(target)", underlying: nil) }
        }
        try sync(partial, flags: O_RDONLY)
        guard rename(partial, path) == 0 else { throw StoreError.unavailable("cannot rename \(partial) to \(path)", underlying: nil) }
        try sync(URL(fileURLWithPath: path).deletingLastPathComponent().path, flags: O_RDONLY | O_DIRECTORY)
    }
}
