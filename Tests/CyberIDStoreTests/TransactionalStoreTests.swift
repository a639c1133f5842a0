import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// `inTransaction`: store calls made inside join one transaction (review finding 11 builds an
/// administrative change and its audit entry on it).
@Suite struct TransactionalStoreTests {
    struct Undo: Error {}
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func storeCallsInsideATransactionCommitOrRollBackTogether(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let t0 = self.t0
            await #expect(throws: Undo.self) {
                try await store.inTransaction {
                    _ = try await store.hit(key: "a", windowStart: t0, expiresAt: t0.addingTimeInterval(60))
                    // A read inside sees the transaction's own write.
                    #expect(try await store.hits(key: "a", windowStart: t0) == 1)
                    _ = try await store.purgeRateCounters(before: t0, limit: 100)  // a single statement joins too
                    _ = try await store.hit(key: "b", windowStart: t0, expiresAt: t0.addingTimeInterval(60))
                    throw Undo()
                }
            }
            #expect(try await store.hits(key: "a", windowStart: t0) == 0)
            #expect(try await store.hits(key: "b", windowStart: t0) == 0)
            try await store.inTransaction {
                _ = try await store.hit(key: "a", windowStart: t0, expiresAt: t0.addingTimeInterval(60))
                _ = try await store.hit(key: "b", windowStart: t0, expiresAt: t0.addingTimeInterval(60))
            }
            #expect(try await store.hits(key: "a", windowStart: t0) == 1)
            #expect(try await store.hits(key: "b", windowStart: t0) == 1)
        }
    }
}
