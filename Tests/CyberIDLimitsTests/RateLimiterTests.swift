import CyberIDCore
import CyberIDKeys
import CyberIDLimits
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

@Suite struct RateLimiterTests {
    let limit = RateLimit(name: "try", limit: 3, window: 60)

    @Test func aLimitRefusesWithTheTimeLeftInItsWindowAndKeepsNoSubjectInTheStore() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            let start = Date(timeIntervalSince1970: 1_800_000_040)  // 40 s into a minute window
            for second in 0..<3 { try await limiter.hit(limit, "203.0.113.7", at: start.addingTimeInterval(Double(second))) }
            let refused = await #expect(throws: RateLimitExceeded.self) {
                try await limiter.hit(limit, "203.0.113.7", at: start.addingTimeInterval(5))
            }
            #expect(refused?.code == "try-rate-limited" && refused?.retryAfter == 15)
            // Another subject has its own count.
            try await limiter.hit(limit, "203.0.113.8", at: start.addingTimeInterval(5))
            // The table holds blind indexes, never the address.
            let keys = try await store.database.read { connection in
                try await connection.query("SELECT key FROM rate_counters", []).map { row throws(StoreError) in
                    try row.text("key")
                }
            }
            #expect(keys.count == 2 && keys.allSatisfy { $0.hasPrefix("try:") && !$0.contains("203.0.113") })
        }
    }

    /// The window slides: a burst at the end of one window still counts early in the next.
    @Test func aBurstAcrossAWindowBoundaryDoesNotGetTwiceTheLimit() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            let late = Date(timeIntervalSince1970: 1_800_000_058)  // 2 s before a window ends
            for _ in 0..<3 { try await limiter.hit(limit, "client", at: late) }
            // 3 s later, in the next window, the previous one still weighs 57/60.
            await #expect(throws: RateLimitExceeded.self) { try await limiter.hit(limit, "client", at: late.addingTimeInterval(3)) }
            // A full window later it is free again.
            try await limiter.hit(limit, "client", at: late.addingTimeInterval(63))
        }
    }

    /// Limits on failures: `check` refuses once `record` has counted the limit, without counting.
    @Test func failureLimitsCountAfterTheFactAndRefuseBefore() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for _ in 0..<5 { try await limiter.check(limit, "client", at: now) }  // checks alone never count
            for _ in 0..<3 { try await limiter.record(limit, "client", at: now) }
            await #expect(throws: RateLimitExceeded.self) { try await limiter.check(limit, "client", at: now) }
        }
    }
}
