import CyberIDCore
import CyberIDKeys
import CyberIDLimits
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

@Suite struct RateLimiterTests {
    let limit = RateLimit(name: "try", limit: 3, window: 60)

    @Test func aLimitRefusesWithWhenToTryAgainAndKeepsNoSubjectInTheStore() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            let start = Date(timeIntervalSince1970: 1_800_000_040)  // 40 s into a minute window
            for second in 0..<3 { try await limiter.hit(limit, "203.0.113.7", at: start.addingTimeInterval(Double(second))) }
            let refused = await #expect(throws: RateLimitExceeded.self) {
                try await limiter.hit(limit, "203.0.113.7", at: start.addingTimeInterval(5))
            }
            // Four hits counted (the refused one too): the window's end (15 s) would still refuse
            // (1 + 4 of the previous window); 30 s into the next, 1 + 4·0.5 = 3 fits.
            #expect(refused?.code == "try-rate-limited" && refused?.retryAfter == 45)
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

    /// `Retry-After` is when the sliding estimate lets the next attempt through — a second
    /// earlier it is still refused — in the window, past its end, and with the previous window's
    /// weight; the end of the window, as before 2026-12-06, was a second too early or far too late.
    @Test func retryAfterIsWhenTheEstimateAllowsTheNextAttempt() async throws {
        try await withSQLiteStore { store in
            let limiter = RateLimiter(store: store, masterKey: MasterKey.random())
            let window = Date(timeIntervalSince1970: 1_800_000_000)  // a minute window's start
            // (recorded at seconds of the window, then asked at a second)
            let cases: [(name: String, recorded: [Double], asked: Double)] = [
                ("full window", [10, 10, 10], 20),  // next window, 1 + 3·(1 − e/60) ≤ 3: e = 20 → 60 s
                ("previous window's weight", [-50, -50, -50, 5], 30),  // 2 + 3·(1 − e/60) ≤ 3: e = 40 → 10 s
                ("two windows on", [1, 2, 3, 4, 5, 6], 7),  // 1 + 6·(1 − e/60) ≤ 3: e = 40 → 93 s
            ]
            for (index, item) in cases.enumerated() {
                let subject = "client-\(index)"
                for second in item.recorded {
                    try await limiter.record(limit, subject, at: window.addingTimeInterval(second))
                }
                let asked = window.addingTimeInterval(item.asked)
                let refused = await #expect(throws: RateLimitExceeded.self, "\(item.name)") {
                    try await limiter.check(limit, subject, at: asked, everywhere: true)
                }
                let wait = try #require(refused?.retryAfter)
                #expect([60, 10, 93][index] == wait, "\(item.name)")
                await #expect(throws: RateLimitExceeded.self, "\(item.name): a second early") {
                    try await limiter.check(limit, subject, at: asked.addingTimeInterval(Double(wait) - 1), everywhere: true)
                }
                try await limiter.check(limit, subject, at: asked.addingTimeInterval(Double(wait)), everywhere: true)
            }
        }
    }

    /// `check(everywhere:)` reads the shared count on a process that has not seen the subject
    /// fail; the default lets that process's first attempt through.
    @Test func aCheckEverywhereSeesAnotherProcesssFailures() async throws {
        try await withSQLiteStore { store in
            let key = MasterKey.random()
            let (first, second) = (RateLimiter(store: store, masterKey: key), RateLimiter(store: store, masterKey: key))
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            for _ in 0..<3 { try await first.record(limit, "person", at: now) }
            try await second.check(limit, "person", at: now)  // not seen failing here: let through
            await #expect(throws: RateLimitExceeded.self) { try await second.check(limit, "person", at: now, everywhere: true) }
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
