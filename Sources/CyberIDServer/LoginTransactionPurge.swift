import CyberIDStore
import Foundation

/// The purge of expired login transactions, every few seconds in small batches with a pause
/// between them. Until 2026-12-05 they went once a minute in one DELETE: sitting 6
/// (docs/benchmarks.md) found that statement (47–185 ms, longer after a backlog) and the
/// autovacuum it set off in the slowest second of 10 of 18 measured minutes. A batch is one
/// short range DELETE (``SQLStore/purgeExpired(before:limit:)``), so on SQLite the single writer
/// is free again between batches, and on PostgreSQL the work is spread instead of arriving in
/// one burst. The table's autovacuum, the other half of that minute, has its own settings
/// (migration 22). Sittings 7 and 8 in docs/benchmarks.md measured both.
///
/// The defaults purge up to 10,000 a run, 2,000 a second at one run every 5 s on each node;
/// a backlog larger than that (a node down for hours) drains over the following runs.
struct LoginTransactionPurge: Sendable {
    let store: any LoginTransactionStore
    var batch = 500
    var batchesPerRun = 20
    var pause: Duration = .milliseconds(20)

    /// Deletes what expired by `now`, a batch at a time, until a batch comes back short or
    /// `batchesPerRun` have run. - Returns: how many it deleted.
    func run(now: Date) async throws -> Int {
        var deleted = 0
        for index in 0..<batchesPerRun {
            if index > 0 { try await Task.sleep(for: pause) }
            let count = try await store.purgeExpired(before: now, limit: batch)
            deleted += count
            if count < batch { break }
        }
        return deleted
    }
}
