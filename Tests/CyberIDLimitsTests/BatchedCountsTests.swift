import CyberIDCore
import CyberIDKeys
import CyberIDLimits
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Synchronization
import Testing

/// Request counts written in batches (issue 16's leaner login): exact within a process, shared
/// within a batch, nothing lost once flushed.
@Suite struct BatchedCountsTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)  // the start of a minute window
    let limit = RateLimit(name: "authorize", limit: 40, window: 60)  // a batch of 4

    private func stored(_ store: SQLStore) async throws -> Int64 {
        try await store.database.read { connection in
            try await connection.first("SELECT CAST(COALESCE(SUM(hits), 0) AS BIGINT) AS total FROM rate_counters", [])?.integer("total") ?? -1
        }
    }

    @Test func hitsReachTheStoreInBatchesAndAllOfThemOnceFlushed() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            for _ in 0..<3 { try await limiter.count(limit, "198.51.100.1", at: now) }
            #expect(try await stored(store) == 0)  // not a write per request
            try await limiter.count(limit, "198.51.100.1", at: now)
            #expect(try await stored(store) == 4)  // the batch is full: written at once
            try await limiter.count(limit, "198.51.100.1", at: now)
            try await limiter.count(limit, "198.51.100.2", at: now)
            #expect(try await stored(store) == 4)
            try await limiter.flush(now: now)
            #expect(try await stored(store) == 6)  // both counters, one transaction
            try await limiter.flush(now: now)
            #expect(try await stored(store) == 6)  // nothing written twice
        }
    }

    @Test func oneProcessRefusesExactlyAtTheLimit() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            for _ in 0..<40 { try await limiter.count(limit, "client", at: now) }
            await #expect(throws: RateLimitExceeded.self) { try await limiter.count(limit, "client", at: now) }
            try await limiter.flush(now: now)
            #expect(try await stored(store) == 41)  // the refused request counted too
        }
    }

    /// Two processes sharing one store: together they let through at most one batch more than
    /// the limit, and refuse from then on.
    @Test(arguments: Backend.available)
    func severalProcessesOvershootByAtMostABatchEach(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let key = MasterKey.random()
            let processes = [RateLimiter(store: store, masterKey: key), RateLimiter(store: store, masterKey: key)]
            var accepted = 0
            for round in 0..<120 {
                do {
                    try await processes[round % 2].count(limit, "client", at: now)
                    accepted += 1
                } catch is RateLimitExceeded {}
            }
            #expect(accepted >= 40 && accepted <= 40 + 4)
            for process in processes { try await process.flush(now: now) }
            #expect(try await stored(store) == 120)
        }
    }

    @Test func smallLimitsAreCountedExactlyOneWriteEach() async throws {
        try await withSQLiteStore { store in
            let small = RateLimit(name: "session-start", limit: 19, window: 60)
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            try await limiter.count(small, "client", at: now)
            #expect(try await stored(store) == 1)
        }
    }

    /// A store that fails on demand.
    final class FlakyStore: RateCounterStore {
        let base: SQLStore
        let failing = Mutex(false)
        init(_ base: SQLStore) { self.base = base }
        func hit(key: String, windowStart: Date, expiresAt: Date) async throws -> Int64 {
            try await base.hit(key: key, windowStart: windowStart, expiresAt: expiresAt)
        }
        func addHits(_ batch: [RateCounterHits]) async throws -> [Int64] {
            if failing.withLock({ $0 }) { throw StoreError.unavailable("down") }
            return try await base.addHits(batch)
        }
        func hits(key: String, windowStart: Date) async throws -> Int64 { try await base.hits(key: key, windowStart: windowStart) }
        func purgeRateCounters(before time: Date, limit: Int) async throws -> Int {
            try await base.purgeRateCounters(before: time, limit: limit)
        }
    }

    @Test func aFailedFlushKeepsItsHitsForTheNextOne() async throws {
        try await withSQLiteStore { store in
            let flaky = FlakyStore(store)
            let limiter = RateLimiter(store: flaky, masterKey: MasterKey.random())
            for _ in 0..<3 { try await limiter.count(limit, "client", at: now) }
            flaky.failing.withLock { $0 = true }
            await #expect(throws: StoreError.unavailable) { try await limiter.flush(now: now) }
            // While the store is down a full batch cannot be written: that request fails (as a
            // request did when each hit was a write), and its hits stay counted here.
            var failed = 0
            for _ in 0..<37 {
                do { try await limiter.count(limit, "client", at: now) } catch let error as StoreError where error == .unavailable { failed += 1 }
            }
            #expect(failed > 0)
            flaky.failing.withLock { $0 = false }
            try await limiter.flush(now: now)
            #expect(try await stored(store) == 40)  // every hit written once it is back
            await #expect(throws: RateLimitExceeded.self) { try await limiter.count(limit, "client", at: now) }
        }
    }

    /// Counters of ended windows are forgotten at a flush; their hits were written first.
    @Test func endedWindowsAreForgotten() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            try await limiter.count(limit, "client", at: now)
            try await limiter.flush(now: now.addingTimeInterval(500))
            #expect(try await stored(store) == 1)
            try await limiter.flush(now: now.addingTimeInterval(500))
            #expect(try await stored(store) == 1)
        }
    }
}
