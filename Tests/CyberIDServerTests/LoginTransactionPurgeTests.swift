import CyberIDStore
import Foundation
@testable import CyberIDServer
import Testing

/// The server's purge of expired login transactions: small batches, stopped by a short batch or
/// by the cap per run, never one statement for everything (sitting 6's stall). The SQL of one
/// batch is tested on both backends in CyberIDStoreTests.
@Suite struct LoginTransactionPurgeTests {
    /// Transactions by expiry; records each batch asked for.
    actor Store: LoginTransactionStore {
        var expiries: [Date]
        var limits: [Int] = []
        init(expiries: [Date]) { self.expiries = expiries.sorted() }

        func transaction(id: String) async throws -> LoginTransactionRecord? { nil }
        func decidedTransactions(among ids: [String]) async throws -> Set<String> { [] }
        func purgeExpired(before time: Date, limit: Int) async throws -> Int {
            limits.append(limit)
            let expired = expiries.prefix { $0 <= time }.prefix(limit).count
            expiries.removeFirst(expired)
            return expired
        }
    }

    let now = Date(timeIntervalSince1970: 1_800_000_000)

    func store(expired: Int, live: Int) -> Store {
        Store(
            expiries: (0..<expired).map { now.addingTimeInterval(-Double($0 + 1)) }
                + (0..<live).map { now.addingTimeInterval(Double($0 + 1)) })
    }

    @Test func everythingExpiredGoesInBatchesAndTheLiveStay() async throws {
        let store = store(expired: 1_234, live: 7)
        let purge = LoginTransactionPurge(store: store, batch: 500, batchesPerRun: 20, pause: .zero)
        #expect(try await purge.run(now: now) == 1_234)
        #expect(await store.limits == [500, 500, 500])
        #expect(await store.expiries.count == 7)
        #expect(await store.expiries.allSatisfy { $0 > now })
    }

    @Test func aBatchThatComesBackFullIsFollowedByAnotherThatFindsNothing() async throws {
        let store = store(expired: 1_000, live: 0)
        let purge = LoginTransactionPurge(store: store, batch: 500, batchesPerRun: 20, pause: .zero)
        #expect(try await purge.run(now: now) == 1_000)
        #expect(await store.limits == [500, 500, 500])
    }

    @Test func aBacklogLargerThanOneRunDrainsOverTheNextRuns() async throws {
        let store = store(expired: 2_500, live: 3)
        let purge = LoginTransactionPurge(store: store, batch: 400, batchesPerRun: 3, pause: .zero)
        #expect(try await purge.run(now: now) == 1_200)
        #expect(await store.expiries.count == 1_303)
        #expect(try await purge.run(now: now) == 1_200)
        #expect(try await purge.run(now: now) == 100)
        #expect(await store.expiries.count == 3)
        #expect(await store.limits == [400, 400, 400, 400, 400, 400, 400])
    }

    @Test func theDefaultsPurgeInBatchesOf500AtMost10000ARun() async throws {
        let store = store(expired: 12_000, live: 0)
        #expect(try await LoginTransactionPurge(store: store).run(now: now) == 10_000)
        #expect(await store.limits == Array(repeating: 500, count: 20))
    }
}
