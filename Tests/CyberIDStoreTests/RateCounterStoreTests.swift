import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The rate limits' counters (review finding 8): one atomic upsert per hit, so concurrent hits —
/// from one process or several on PostgreSQL — each get their own count.
@Suite struct RateCounterStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func concurrentHitsEachGetTheirOwnCount(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let counts = try await withThrowingTaskGroup(of: Int64.self) { group in
                for _ in 0..<40 {
                    group.addTask { try await store.hit(key: "k", windowStart: t0, expiresAt: t0.addingTimeInterval(120)) }
                }
                return try await group.reduce(into: [Int64]()) { $0.append($1) }
            }
            #expect(counts.sorted() == Array(1...40))
            #expect(try await store.hits(key: "k", windowStart: t0) == 40)
            // Another window and another key start from zero.
            #expect(try await store.hits(key: "k", windowStart: t0.addingTimeInterval(60)) == 0)
            #expect(try await store.hit(key: "other", windowStart: t0, expiresAt: t0.addingTimeInterval(120)) == 1)
            // Purged once expired.
            #expect(try await store.purgeRateCounters(before: t0.addingTimeInterval(121), limit: 100) == 2)
            #expect(try await store.hits(key: "k", windowStart: t0) == 0)
        }
    }
}
