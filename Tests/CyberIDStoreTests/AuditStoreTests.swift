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

    /// Case folded as both backends' `lower()` fold at least (ASCII letters): the queries above
    /// type other letters in their stored case ("Émile"), which every backend finds.
    static func asciiLowercased(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { ("A"..."Z").contains($0) ? Unicode.Scalar($0.value + 32)! : $0 }))
    }

    /// The console's audit page asks the database (it used to read the whole log and filter in
    /// Swift): every combination of the filters, compared with that Swift filter over the same
    /// entries, on both backends; LIKE's own wildcards in the actor query match only themselves.
    @Test(arguments: Backend.available)
    func filteredEntriesAreTheNewestMatchesAndTheirCount(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let actors = ["Wang Fang", "wang li", "Zhao 50%_x\\", "Ann", "王芳 (server)", "Émile"]
            let actions = ["person.suspend", "person.resume", "record.read", "client.register"]
            for index in 1...60 {
                _ = try await store.appendAudit { last in
                    AuditEntryRecord(
                        seq: (last?.seq ?? 0) + 1, occurredAt: t0.addingTimeInterval(Double(index) * 3_600),
                        actor: actors[index % actors.count], action: actions[index % actions.count],
                        target: "t\(index)", reason: "r", previousHash: last?.hash ?? [0], entryHash: [UInt8(index)])
                }
            }
            let all = try await store.auditEntries()
            #expect(all.map(\.seq) == Array(1...60))
            let windows: [(Date?, Date?)] = [
                (nil, nil), (t0.addingTimeInterval(10 * 3_600), nil), (nil, t0.addingTimeInterval(30 * 3_600)),
                (t0.addingTimeInterval(20 * 3_600), t0.addingTimeInterval(21 * 3_600)),
            ]
            var combination = 0
            for actor in ["", "wang", "WANG", "fang", "50%", "%", "_", "\\", "王芳", "Émile", "MILE", "nobody"] {
                for action in ["", "person.", "person.s", "record", "x"] {
                    for (from, until) in windows {
                        let query = AuditQuery(actorContains: actor, actionPrefix: action, from: from, until: until)
                        let expected = all.filter { (entry: AuditEntryRecord) -> Bool in
                            (actor.isEmpty || Self.asciiLowercased(entry.actor).contains(Self.asciiLowercased(actor)))
                                && (action.isEmpty || entry.action.hasPrefix(action))
                                && (from.map { entry.occurredAt >= $0 } ?? true) && (until.map { entry.occurredAt < $0 } ?? true)
                        }
                        // The limits in turn (every one meets every field across the combinations).
                        combination += 1
                        let limit = [1, 7, 200][combination % 3]
                        let (entries, total) = try await store.auditEntries(matching: query, limit: limit)
                        #expect(total == expected.count, "\(query)")
                        #expect(entries == Array(expected.suffix(limit).reversed()), "\(query) limit \(limit)")
                    }
                }
            }
            // Pages in sequence order.
            #expect(try await store.auditEntries(after: 0, limit: 7).map(\.seq) == Array(1...7))
            #expect(try await store.auditEntries(after: 55, limit: 7).map(\.seq) == Array(56...60))
            #expect(try await store.auditEntries(after: 60, limit: 7).isEmpty)
        }
    }
}
