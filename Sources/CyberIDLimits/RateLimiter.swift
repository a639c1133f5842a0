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

    public init(name: String, limit: Int64, window: TimeInterval) {
        precondition(limit >= 1 && window >= 1, "a limit allows at least one hit per second-long window")
        (self.name, self.limit, self.window) = (name, limit, window)
    }
}

/// Counts hits against rate limits in the store, so every server process shares the counts
/// (review finding 8). The window slides: the estimate is this fixed window's hits plus the
/// previous window's, weighted by how much of it still overlaps the last `window` seconds (the
/// sliding-window counter of Cloudflare and nginx), so a burst across a window boundary does
/// not get twice the limit. A counter's key is a blind index of the limit and the subject: the
/// table never holds an IP address, a phone number or a document.
///
/// Two reads are saved per request, without loosening a limit: a closed window's count is final,
/// so each process reads it once per key (``Memory``); and a failure limit is checked against
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
        /// Closed windows' counts: "key@start" → hits.
        private let closed = Mutex<[String: Int64]>([:])
        /// Keys this process recorded a failure for, until when.
        private let failing = Mutex<[String: Date]>([:])

        func closedCount(_ slot: String, read: () async throws -> Int64) async throws -> Int64 {
            if let known = closed.withLock({ $0[slot] }) { return known }
            let count = try await read()
            closed.withLock { table in
                if table.count > 50_000 { table.removeAll() }
                table[slot] = count
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
        try await check(limit, key: key, start: start, current: current, now: now)
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
        try await check(limit, key: key, start: start, current: current, now: now)
    }

    /// Writes the hits ``count(_:_:at:)`` holds in memory, in one transaction (once a second).
    public func flush(now: Date = Date()) async throws {
        try await batched.flush(to: store, now: now)
    }

    /// Refuses when `subject` has already reached `limit`, without counting (for limits on
    /// failures, which ``record(_:_:at:)`` counts after the fact).
    /// - Throws: ``RateLimitExceeded``.
    public func check(_ limit: RateLimit, _ subject: String, at now: Date = Date()) async throws {
        let (key, start) = counter(limit, subject, now)
        guard memory.isFailing(key, at: now) else { return }
        let current = try await store.hits(key: key, windowStart: start) + 1
        try await check(limit, key: key, start: start, current: current, now: now)
    }

    /// Counts one hit of `subject` without refusing.
    public func record(_ limit: RateLimit, _ subject: String, at now: Date = Date()) async throws {
        let (key, start) = counter(limit, subject, now)
        _ = try await store.hit(key: key, windowStart: start, expiresAt: start.addingTimeInterval(2 * limit.window))
        memory.markFailing(key, until: start.addingTimeInterval(2 * limit.window))
    }

    private func check(_ limit: RateLimit, key: String, start: Date, current: Int64, now: Date) async throws {
        if current > limit.limit { throw exceeded(limit, start: start, now: now) }
        let previousStart = start.addingTimeInterval(-limit.window)
        let store = self.store
        let previous = try await memory.closedCount("\(key)@\(previousStart.timeIntervalSince1970)") {
            try await store.hits(key: key, windowStart: previousStart)
        }
        let overlap = 1 - now.timeIntervalSince(start) / limit.window
        if Double(current) + Double(previous) * overlap > Double(limit.limit) {
            throw exceeded(limit, start: start, now: now)
        }
    }

    private func counter(_ limit: RateLimit, _ subject: String, _ now: Date) -> (String, Date) {
        let window = limit.window
        let start = Date(timeIntervalSince1970: (now.timeIntervalSince1970 / window).rounded(.down) * window)
        let key = limit.name + ":" + Hex.encode(keys.index([limit.name, subject]).prefix(16))
        return (key, start)
    }

    private func exceeded(_ limit: RateLimit, start: Date, now: Date) -> RateLimitExceeded {
        RateLimitExceeded(
            code: "\(limit.name)-rate-limited",
            reason: "too many requests (\(limit.limit) per \(Self.describe(limit.window))); try again later",
            retryAfter: Int(start.addingTimeInterval(limit.window).timeIntervalSince(now).rounded(.up)))
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
