import CyberIDCore
import CyberIDStore
import Foundation
import CyberIDTestSupport
import Testing

/// Several nodes purge expired login transactions at once on one database.
extension LoginDecisionStoreTests {
    @Test(arguments: Backend.available)
    func twoNodesPurgingAtOnceDeleteEachExpiredTransactionOnce(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            for index in 0..<42 {
                var record = decision("t\(index)")
                record.expiresAt = t0.addingTimeInterval(index < 40 ? Double(index) : 600)
                #expect(try await store.recordDecision(record, history: entry("success"), consent: nil))
            }
            let cutoff = t0.addingTimeInterval(60)
            @Sendable func drain() async throws -> Int {
                var deleted = 0
                while true {
                    let count = try await store.purgeExpired(before: cutoff, limit: 3)
                    if count == 0 { return deleted }
                    deleted += count
                }
            }
            async let first = drain()
            async let second = drain()
            #expect(try await first + second == 40)
            #expect(try await store.transaction(id: "t39") == nil)
            #expect(try await store.transaction(id: "t40") != nil)
            #expect(try await store.transaction(id: "t41") != nil)
        }
    }

    /// Migration 22: the table's own upkeep on PostgreSQL (sitting 7: autovacuum every minute).
    @Test(arguments: Backend.available.filter { $0 == .postgres })
    func loginTransactionsAreVacuumedAndAnalyzedLessOften(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let rows = try await database.read { connection in
                try await connection.query(
                    "SELECT unnest(reloptions) AS option FROM pg_class WHERE relname = 'login_transactions'", [])
            }
            let options = Set(try rows.map { row throws(StoreError) in try row.text("option") })
            #expect(
                options == [
                    "autovacuum_vacuum_scale_factor=1.0",
                    "autovacuum_vacuum_insert_scale_factor=1.0", "autovacuum_analyze_scale_factor=2.0",
                ])
        }
    }
}
