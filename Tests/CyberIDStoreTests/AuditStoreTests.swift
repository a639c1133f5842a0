import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The audit log's newest entry and checkpoint, read without reading the whole log, on SQLite and
/// PostgreSQL (a checkpoint is signed after every administrative change, and `GET
/// /audit/checkpoint` is public: neither may cost a read of every row).
@Suite struct AuditStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func theNewestEntryAndCheckpointAreTheLastOfTheWholeLog(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            #expect(try await store.lastAuditEntry() == nil)
            #expect(try await store.latestAuditCheckpoint() == nil)
            for index in 1...5 {
                _ = try await store.appendAudit { last in
                    AuditEntryRecord(
                        seq: (last?.seq ?? 0) + 1, occurredAt: t0.addingTimeInterval(Double(index)), actor: "a",
                        action: "act\(index)", target: "t", reason: "r", previousHash: last?.hash ?? [0],
                        entryHash: [UInt8(index)])
                }
            }
            // Checkpoints written out of order: the newest is the highest sequence number.
            for seq in [2, 4, 3] as [Int64] {
                try await store.addAuditCheckpoint(
                    AuditCheckpointRecord(seq: seq, entryHash: [UInt8(seq)], kid: "k", signature: [1], signedAt: t0))
            }
            let entries = try await store.auditEntries()
            let newest = try await store.lastAuditEntry()
            #expect(newest == entries.last)
            #expect(newest?.seq == 5 && newest?.action == "act5")
            #expect(try await store.latestAuditCheckpoint() == (try await store.auditCheckpoints()).last)
            #expect(try await store.latestAuditCheckpoint()?.seq == 4)
        }
    }
}
