import CyberIDCore
import CyberIDStore
import Foundation
import Testing

@testable import CyberIDServer

/// The server's purge of expired enrollment sessions: batches, a cap per run, and a backlog that
/// drains over the runs after it — never one DELETE of all of them. The SQL of one batch (its
/// rule and order) is tested on both backends in CyberIDStoreTests.
@Suite struct EnrollmentSessionPurgeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// `expired` unfinished sessions past their expiry and `live` ones still open.
    func sessions(_ store: SQLStore, expired: Int, live: Int) async throws {
        for index in 0..<(expired + live) {
            let expiry = index < expired ? now.addingTimeInterval(-Double(index + 1)) : now.addingTimeInterval(600)
            try await store.create(
                EnrollmentSessionRecord(
                    id: "s\(index)", aaChallenge: [1], guardianID: nil, createdAt: now.addingTimeInterval(-600),
                    expiresAt: expiry))
        }
    }

    func count(_ store: SQLStore) async throws -> Int64? {
        try await store.database.read { connection in
            try await connection.first("SELECT COUNT(*) AS n FROM enrollment_sessions", [])?.integer("n")
        }
    }

    @Test func aBacklogGoesInBatchesOverSeveralRunsAndTheLiveStay() async throws {
        try await withTestApp { _, runtime async throws in
            try await sessions(runtime.store, expired: 450, live: 5)
            let purge = EnrollmentSessionPurge(store: runtime.store, batch: 100, batchesPerRun: 2, pause: .zero)
            #expect(try await purge.run(now: now) == 200)
            #expect(try await count(runtime.store) == 255)
            #expect(try await purge.run(now: now) == 200)
            #expect(try await purge.run(now: now) == 50)
            #expect(try await purge.run(now: now) == 0)
            #expect(try await count(runtime.store) == 5)
        }
    }

    /// A purge asks for `batch` each time and stops at the first short batch.
    @Test func aRunStopsAtTheFirstShortBatch() async throws {
        var asked: [Int] = []
        var left = 1_050
        let deleted = try await BatchedPurge(batch: 500, batchesPerRun: 20, pause: .zero).run { limit in
            asked.append(limit)
            let count = min(limit, left)
            left -= count
            return count
        }
        #expect(deleted == 1_050 && asked == [500, 500, 500] && left == 0)
    }
}
