public import Foundation

extension AdminService {
    /// Audits a backup of the database (its file name, how many persons it holds).
    public func recordBackup(file: String, persons: Int) async throws {
        try await audited("database.backup", target: URL(fileURLWithPath: file).lastPathComponent, reason: "\(persons) persons") {}
    }

    /// Audits a restore, in the restored database's own log.
    public func recordRestore(file: String, persons: Int) async throws {
        try await audited("database.restore", target: URL(fileURLWithPath: file).lastPathComponent, reason: "\(persons) persons") {}
    }
}
