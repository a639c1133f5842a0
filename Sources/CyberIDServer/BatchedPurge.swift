import CyberIDStore
import Foundation
import ServiceLifecycle

/// A purge in small batches with a pause between them, a run stopping at a short batch or at
/// `batchesPerRun`. Until 2026-12-05 expired login transactions went once a minute in one DELETE:
/// sitting 6 (docs/benchmarks.md) found that statement (47–185 ms, longer after a backlog) and the
/// autovacuum it set off in the slowest second of 10 of 18 measured minutes. A batch is one short
/// write, so on SQLite the single writer is free again between batches, and on PostgreSQL the
/// work is spread instead of arriving in one burst. A backlog larger than a run (a node down for
/// hours) drains over the following runs.
///
/// With `restPerWork` above zero the pause after a batch is that many times the batch's own time
/// (`pause` at least, a second at most), so the batches take at most 1 / (1 + restPerWork) of the
/// writer's time: a backlog of large rows (enrollment sessions, a few kilobytes each) purged in
/// batches every 20 ms made the disk's write-back hold commits for 120–130 ms (benchmarks.md,
/// "An enrollment backlog's purge"). A service shutting down gracefully stops between batches.
struct BatchedPurge: Sendable {
    var batch = 500
    var batchesPerRun = 20
    var pause: Duration = .milliseconds(20)
    var restPerWork = 0

    /// Calls `deleteBatch` with `batch` until it deletes fewer or `batchesPerRun` have run.
    /// - Returns: how many it deleted.
    func run(_ deleteBatch: (Int) async throws -> Int) async throws -> Int {
        var deleted = 0
        var rest = pause
        let clock = ContinuousClock()
        for index in 0..<batchesPerRun {
            if index > 0 {
                // A service shutting down stops between batches; the rest of a backlog waits for
                // the next start.
                guard !Task.isShuttingDownGracefully else { break }
                try await Task.sleep(for: rest)
            }
            let started = clock.now
            let count = try await deleteBatch(batch)
            rest = Self.rest(after: clock.now - started, pause: pause, restPerWork: restPerWork)
            deleted += count
            if count < batch { break }
        }
        return deleted
    }

    /// The pause after a batch that took `work`: `restPerWork` times it, `pause` at least and a
    /// second at most (a batch that waited seconds for a lock does not idle the run for longer).
    static func rest(after work: Duration, pause: Duration, restPerWork: Int) -> Duration {
        max(pause, min(work * restPerWork, .seconds(1)))
    }
}

/// The purge of expired login transactions, every few seconds in batches (``BatchedPurge``). A
/// batch is one range DELETE (``SQLStore/purgeExpired(before:limit:)``). The table's autovacuum,
/// the other half of sitting 6's minute, has its own settings (migration 22). Sittings 7 and 8 in
/// docs/benchmarks.md measured both.
///
/// The defaults purge up to 10,000 a run, 2,000 a second at one run every 5 s on each node.
struct LoginTransactionPurge: Sendable {
    let store: any LoginTransactionStore
    var batch = 500
    var batchesPerRun = 20
    var pause: Duration = .milliseconds(20)

    /// Deletes what expired by `now`. - Returns: how many it deleted.
    func run(now: Date) async throws -> Int {
        try await BatchedPurge(batch: batch, batchesPerRun: batchesPerRun, pause: pause).run { limit in
            try await store.purgeExpired(before: now, limit: limit)
        }
    }
}

/// The purge of expired enrollment sessions, in the minute's purge: batches of 200, each followed
/// by a rest of three times its own time (20 ms at least, a second at most), at most 250 a run —
/// 50,000 a run on each node (a run every minute after the last one ended; a node's own
/// enrollments are a few a second, and session starts are limited per address). A session row
/// is up to a few kilobytes (a completed one holds the certificate and chain it answered with),
/// and every one of a backlog (a node down for a day, or a store of `dev seed` before
/// 2026-12-06) went in one DELETE before: on SQLite, the single writer held for all of it while
/// logins waited — 11 s for 300,000 (benchmarks.md, "An enrollment backlog's purge").
struct EnrollmentSessionPurge: Sendable {
    let store: any EnrollmentStore
    var batch = 200
    var batchesPerRun = 250
    var pause: Duration = .milliseconds(20)
    var restPerWork = 3

    /// Deletes the sessions the store's rule finds expired at `now`. - Returns: how many.
    func run(now: Date) async throws -> Int {
        let purge = BatchedPurge(batch: batch, batchesPerRun: batchesPerRun, pause: pause, restPerWork: restPerWork)
        return try await purge.run { limit in
            try await store.purgeExpiredEnrollmentSessions(before: now, limit: limit)
        }
    }
}

/// The minute's purge of short-lived rows: enrollment sessions (``EnrollmentSessionPurge``),
/// then remembered client assertions, rate counters, credential grants and in-person codes, each
/// table in batches of `batch` by their row locators in expiry order (a rate limit's counters of
/// one window share one expiry, so a range on it could not be cut), each batch followed by a
/// rest of three times its time (20 ms at least, a second at most), at most `batchesPerRun` a table: 50,000 rows
/// a run on each node with the defaults, where a node's rate counters are a few per client
/// address a minute. Web sessions, few and person-bound, go in one statement.
/// Until 2026-12-06 each table went in one DELETE; for the enrollment sessions a backlog made that
/// 11 s of a held SQLite writer (benchmarks.md, "An enrollment backlog's purge"), and the others'
/// rows are the same kind of short-lived row in larger numbers.
struct ShortLivedRowsPurge: Sendable {
    let store: SQLStore
    var batch = 500
    var batchesPerRun = 100
    var pause: Duration = .milliseconds(20)
    var restPerWork = 3
    /// How long a single-use mark is kept past its expiry (clock skew between nodes).
    static let singleUseMargin: TimeInterval = 300
    var sessions: EnrollmentSessionPurge { EnrollmentSessionPurge(store: store, pause: pause, restPerWork: restPerWork) }

    func run(now: Date) async throws {
        _ = try await sessions.run(now: now)
        let purge = BatchedPurge(batch: batch, batchesPerRun: batchesPerRun, pause: pause, restPerWork: restPerWork)
        // Single-use marks (assertion jtis, pushed requests, wallet requests) are kept five
        // minutes past their expiry: a node whose clock runs behind this one's still finds a
        // replayed one used rather than unknown (a review's finding).
        _ = try await purge.run {
            try await store.purgeClientAssertions(before: now.addingTimeInterval(-Self.singleUseMargin), limit: $0)
        }
        _ = try await purge.run { try await store.purgeRateCounters(before: now, limit: $0) }
        _ = try await store.purgeWebSessions(before: now)
        _ = try await purge.run { try await store.purgeCredentialGrants(before: now, limit: $0) }
        // Kept an hour past their 60 s, so a late try still hears "expired" or "used".
        _ = try await purge.run { try await store.purgeInPersonCodes(before: now.addingTimeInterval(-3600), limit: $0) }
    }
}
