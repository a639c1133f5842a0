public import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
public import Foundation
import Synchronization

/// A rate limit: at most ``limit`` hits per ``window`` for one key (an IP address, a phone, a
/// document, or everyone).
public struct RateLimit: Sendable, Equatable {
    /// The limit's name: part of the counter key and the error's code (`<name>-rate-limited`).
    public var name: String
    public var limit: Int64
    public var window: TimeInterval
    /// What is counted, in the refusal's words ("requests", "wrong numbers").
    public var counted: String

    public init(name: String, limit: Int64, window: TimeInterval, counted: String = "requests") {
        precondition(limit >= 1 && window >= 1, "a limit allows at least one hit per second-long window")
        (self.name, self.limit, self.window, self.counted) = (name, limit, window, counted)
    }
}

/// Counts hits against rate limits in the store, so every server process shares the counts
/// (review finding 8). The window slides: the estimate is this fixed window's hits plus the
/// previous window's, weighted by how much of it still overlaps the last `window` seconds (the
/// sliding-window counter of Cloudflare and nginx), so a burst across a window boundary does
/// not get twice the limit. A counter's key is a blind index of the limit and the subject: the
/// table never holds an IP address, a phone number or a document.
///
/// Two reads are saved per request, without loosening a limit: a closed window's count is final
/// once settled, so each process reads it once per key after that (``Memory``; at most once a
/// second before), and a request already over the limit in its own window reads nothing more;
/// and a failure limit is checked against
/// the store only for a client this process has seen fail in the window — a client failing only
/// on other processes gets at most one more request through here before its next failure
/// counts (documented in configuration.md).
public struct RateLimiter: Sendable {
    let store: any RateCounterStore
    let keys: BlindIndex
    let memory = Memory()
    let batched = BatchedCounts()

    public init(store: any RateCounterStore, masterKey: MasterKey) {
        self.store = store
        keys = BlindIndex(masterKey: masterKey, purpose: "rate-limit v1")
    }

    /// What this process remembers between requests.
    final class Memory: Sendable {
        /// Closed windows' counts: "key@start" → hits, whether final, when read.
        private let closed = Mutex<[String: (count: Int64, final: Bool, at: Date)]>([:])
        /// Keys this process recorded a failure for, until when.
        private let failing = Mutex<[String: Date]>([:])

        /// A closed window's count: final once it has settled — hits may still arrive for a few
        /// seconds after a window closes (batched counts flushed once a second, other nodes'
        /// clocks, a decision recorded at its start time) — and until then read again at most
        /// once a second.
        func closedCount(_ slot: String, settled: Bool, now: Date, read: () async throws -> Int64) async throws -> Int64 {
            if let known = closed.withLock({ $0[slot] }), known.final || abs(now.timeIntervalSince(known.at)) < 1 {
                return known.count
            }
            let count = try await read()
            closed.withLock { table in
                if table.count > 50_000 { table.removeAll() }
                table[slot] = (count, settled, now)
            }
            return count
        }

        func markFailing(_ key: String, until: Date) {
            failing.withLock { table in
                if table.count > 50_000 { table = table.filter { $0.value > until.addingTimeInterval(-86_400) } }
                table[key] = until
            }
        }

        func isFailing(_ key: String, at now: Date) -> Bool { failing.withLock { ($0[key] ?? .distantPast) > now } }
    }

    /// Counts one hit of `subject` against `limit`.
    /// - Throws: ``RateLimitExceeded`` (the hit is counted) when the limit is reached.
    public func hit(_ limit: RateLimit, _ subject: String, at now: Date = Date()) async throws {
        let (key, start) = counter(limit, subject, now)
        let current = try await store.hit(key: key, windowStart: start, expiresAt: start.addingTimeInterval(2 * limit.window))
        try await check(limit, key: key, start: start, attempt: current, counted: current, now: now)
    }

    /// Counts one hit of `subject` against `limit` like ``hit(_:_:at:)``, but in batches: see
    /// ``BatchedCounts`` for how far several processes together may let a client past the limit.
    /// Limits under ``BatchedCounts/smallestBatchedLimit`` are counted exactly.
    /// - Throws: ``RateLimitExceeded`` (the hit is counted) when the limit is reached.
    public func count(_ limit: RateLimit, _ subject: String, at now: Date = Date()) async throws {
        guard limit.limit >= BatchedCounts.smallestBatchedLimit else { return try await hit(limit, subject, at: now) }
        let (key, start) = counter(limit, subject, now)
        let slot = BatchedCounts.Slot(key: key, windowStart: start)
        var (current, full) = batched.add(slot, limit: limit.limit, expiresAt: start.addingTimeInterval(2 * limit.window))
        if full { current = try await batched.write(slot, to: store) }
        try await check(limit, key: key, start: start, attempt: current, counted: current, now: now)
    }

    /// Writes the hits ``count(_:_:at:)`` holds in memory, in one transaction (once a second).
    public func flush(now: Date = Date()) async throws {
        try await batched.flush(to: store, now: now)
    }

    /// Refuses when `subject` has already reached `limit`, without counting (for limits on
    /// failures, which ``record(_:_:at:)`` counts after the fact).
    /// - Parameter everywhere: read the shared count even when this process has not seen the
    ///   subject fail (a read or two more): exact across processes, where the default lets one more
    ///   attempt through on each process that has not yet seen the subject fail (a limit on
    ///   guesses of a secret, where that one more may be the right one, needs this).
    /// - Throws: ``RateLimitExceeded``.
    public func check(_ limit: RateLimit, _ subject: String, at now: Date = Date(), everywhere: Bool = false) async throws {
        let (key, start) = counter(limit, subject, now)
        guard everywhere || memory.isFailing(key, at: now) else { return }
        let counted = try await store.hits(key: key, windowStart: start)
        try await check(limit, key: key, start: start, attempt: counted + 1, counted: counted, now: now)
    }

    /// Counts one hit of `subject` without refusing.
    public func record(_ limit: RateLimit, _ subject: String, at now: Date = Date()) async throws {
        let (key, start) = counter(limit, subject, now)
        _ = try await store.hit(key: key, windowStart: start, expiresAt: start.addingTimeInterval(2 * limit.window))
        memory.markFailing(key, until: start.addingTimeInterval(2 * limit.window))
    }

    /// Refuses `attempt` (this window's hits with the attempt judged) when it or the sliding
    /// estimate is over the limit; `counted` is this window's hits already stored.
    private func check(_ limit: RateLimit, key: String, start: Date, attempt: Int64, counted: Int64, now: Date) async throws {
        // Over the limit in this window alone: refused without reading the previous window (its
        // weight does not change when the next attempt fits, ``wait``).
        if attempt > limit.limit {
            throw exceeded(limit, retryAfter: Self.wait(limit: limit, counted: counted, previous: 0, start: start, now: now))
        }
        let previousStart = start.addingTimeInterval(-limit.window)
        let store = self.store
        let settled = now.timeIntervalSince(start) > Self.settling
        let previous = try await memory.closedCount(
            "\(key)@\(previousStart.timeIntervalSince1970)", settled: settled, now: now
        ) {
            try await store.hits(key: key, windowStart: previousStart)
        }
        let overlap = 1 - now.timeIntervalSince(start) / limit.window
        // (A millionth of a hit of slack: at the moment ``wait`` names, the estimate is the limit
        // exactly, which floating point may put a hair above.)
        if Double(attempt) + Double(previous) * overlap > Double(limit.limit) + 1e-6 {
            let wait = Self.wait(limit: limit, counted: counted, previous: previous, start: start, now: now)
            throw exceeded(limit, retryAfter: wait)
        }
    }

    /// Seconds after a window closes before its count is taken as final (``Memory/closedCount``).
    static let settling: TimeInterval = 10

    /// Whole seconds until an attempt fits under `limit` if nothing else is counted meanwhile:
    /// with `counted` hits in the window begun at `start` and `previous` in the one before, an
    /// attempt at `e` seconds into this window makes `counted + 1 + previous·(1 − e/window)`;
    /// once the window is full, one at `e` seconds into the next makes `1 + counted·(1 − e/window)`.
    /// (The `Retry-After` of a refusal; until 2026-12-06 it was the end of the window, when the
    /// estimate could still refuse.)
    static func wait(limit: RateLimit, counted: Int64, previous: Int64, start: Date, now: Date) -> Int {
        let (window, cap) = (limit.window, Double(limit.limit))
        let offset: TimeInterval
        if Double(counted) + 1 <= cap {
            let room = cap - Double(counted) - 1
            offset = previous > 0 ? window * max(0, 1 - room / Double(previous)) : 0
        } else {
            offset = window + (counted > 0 ? window * max(0, 1 - (cap - 1) / Double(counted)) : 0)
        }
        return max(1, Int(start.addingTimeInterval(offset).timeIntervalSince(now).rounded(.up)))
    }

    private func counter(_ limit: RateLimit, _ subject: String, _ now: Date) -> (String, Date) {
        let window = limit.window
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        let key = limit.name + ":" + Hex.encode(keys.index([limit.name, subject]).prefix(16))
        return (key, start)
    }

    private func exceeded(_ limit: RateLimit, retryAfter: Int) -> RateLimitExceeded {
        RateLimitExceeded(
            code: "\(limit.name)-rate-limited",
            reason: "too many \(limit.counted) (\(limit.limit) per \(Self.describe(limit.window))); try again later",
            retryAfter: retryAfter)
    }

    static func describe(_ window: TimeInterval) -> String {
        switch window {
        case 86_400: "day"
        case 3_600: "hour"
        case 60: "minute"
        default: "\(Int(window)) s"
        }
    }
}
