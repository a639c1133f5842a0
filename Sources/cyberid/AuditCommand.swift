import ArgumentParser
import CyberIDCore
import CyberIDKeys
import CyberIDLifecycle
import CyberIDServer
import CyberIDServices
import CyberIDStore
import Foundation

/// `cyberid admin audit`: list and verify the hash-chained audit log.
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit", abstract: "List or verify the tamper-evident audit log of administrative actions.",
        subcommands: [Verify.self, List.self, Checkpoint.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the hash chain and check every signed checkpoint; names the first bad entry (exit 1).",
            discussion: """
                --against FILE also checks a checkpoint saved earlier (GET /audit/checkpoint, or `cyberid admin audit \
                checkpoint`): a log truncated or rewritten together with its checkpoints is found only this way.
                """)
        @Option(help: "A checkpoint saved earlier (JSON from GET /audit/checkpoint).") var against: String?

        func run() async throws {
            let saved = try against.map { path -> AuditCheckpointRecord in
                guard let data = FileManager.default.contents(atPath: path),
                    let record = AuditCheckpointDocument.parse(data)?.record
                else { throw ValidationError("\(path) is not a saved audit checkpoint (JSON from GET /audit/checkpoint)") }
                return record
            }
            try await withPreparedRuntime { runtime in
                switch try await runtime.admin.verifyAudit(against: saved) {
                case .intact(let entries, let checkpoints):
                    print("audit log intact: \(entries) entries, \(checkpoints) signed checkpoints")
                case .broken(let seq, let reason):
                    printError("cyberid: audit log broken at entry \(seq): \(reason)")
                    throw Exit.failure
                }
            }
        }
    }

    struct Checkpoint: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the newest signed checkpoint as JSON (what GET /audit/checkpoint answers), to keep.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                guard let latest = try await runtime.audit.latestCheckpoint() else {
                    printError("cyberid: the audit log has no checkpoint yet")
                    throw Exit.failure
                }
                print(String(decoding: try AuditCheckpointDocument(latest).json(), as: UTF8.self))
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Print the audit log as JSON lines.")

        func run() async throws {
            try await withPreparedRuntime { runtime in
                let formatter = ISO8601DateFormatter()
                // Page by page: the log is never held whole.
                var after: Int64 = 0
                while true {
                    let page = try await runtime.admin.auditEntries(after: after, limit: 5_000)
                    for entry in page {
                        printJSON([
                            "seq": entry.seq, "occurred_at": formatter.string(from: entry.occurredAt), "actor": entry.actor,
                            "action": entry.action, "target": entry.target, "reason": entry.reason,
                            "hash": Hex.encode(entry.entryHash),
                        ])
                    }
                    guard let last = page.last, page.count == 5_000 else { break }
                    after = last.seq
                }
            }
        }
    }
}
