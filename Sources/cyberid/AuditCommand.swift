import ArgumentParser
import CyberIDKeys
import CyberIDServer
import CyberIDStore
import CyberIDServices
import CyberIDLifecycle
import Foundation

/// `cyberid admin audit`: list and verify the hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List or verify the tamper-evident audit log of administrative actions.",
        subcommands: [Verify.self, List.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every signed checkpoint; names the first bad entry (exit 1).")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                switch try await runtime.admin.verifyAudit() {
                case .intact(let entries, let checkpoints):
                    print("audit log intact: \(entries) entries, \(checkpoints) signed checkpoints")
                case .broken(let seq, let reason):
                    printError("cyberid: audit log broken at entry \(seq): \(reason)")
                    throw Exit.failure
                }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the audit log as JSON lines.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let formatter = ISO8601DateFormatter()
                for entry in try await runtime.admin.auditEntries() {
                    printJSON([
                        "seq": entry.seq, "occurred_at": formatter.string(from: entry.occurredAt), "actor": entry.actor,
                        "action": entry.action, "target": entry.target, "reason": entry.reason,
                        "hash": entry.entryHash.map { String(format: "%02x", $0) }.joined(),
                    ])
                }
            }
        }
    }
}
