public import CyberIDStore
public import Foundation
import Synchronization

/// Request counts that reach the shared store in batches (issue 16's leaner login).
///
/// Counting every `/authorize` in the store was one write per login — on SQLite a second
/// serialized, fsynced commit beside the login's own. Here a process counts a hit in memory and
/// judges it by the last total the store reported for that counter plus its own hits since. Its
/// hits reach the store when they reach the counter's *batch* — a tenth of the limit — and, for
/// everything else, once a second in one transaction (``flush()``, run by the server's periodic
/// service). A client is refused by a process once that process's view reaches the limit, so
/// with N processes a client can get past the limit by at most (N − 1) × batch hits in a window:
/// 20 % over with three nodes. Limits under 20 per window are counted exactly, one write per hit,
/// as before. A crash loses at most a second's unflushed hits: counters, never identity data.
final class BatchedCounts: Sendable {
    struct Slot: Hashable, Sendable {
        let key: String
        let windowStart: Date
    }

    struct Entry: Sendable {
        /// The store's total when this process last wrote or read it.
        var shared: Int64 = 0
        /// This process's hits in a write not yet answered.
        var inFlight: Int64 = 0
        /// This process's hits not yet written.
        var pending: Int64 = 0
        var expiresAt: Date
        var batch: Int64

        var estimate: Int64 { shared + inFlight + pending }
    }

    private let entries = Mutex<[Slot: Entry]>([:])

    /// The smallest limit counted in batches; smaller ones are exact.
    static let smallestBatchedLimit: Int64 = 20

    /// Counts one hit in memory.
    /// - Returns: this process's estimate of the window's hits, and whether the counter's batch
    ///   is full (the caller writes it now with ``write(_:to:)``).
    func add(_ slot: Slot, limit: Int64, expiresAt: Date) -> (estimate: Int64, full: Bool) {
        entries.withLock { table in
            var entry = table[slot] ?? Entry(expiresAt: expiresAt, batch: max(1, limit / 10))
            entry.pending += 1
            table[slot] = entry
            return (entry.estimate, entry.pending >= entry.batch)
        }
    }

    /// Writes one counter's pending hits now.
    /// - Returns: the estimate after the write.
    func write(_ slot: Slot, to store: any RateCounterStore) async throws -> Int64 {
        try await write([slot], to: store).first ?? 0
    }

    /// Writes every counter's pending hits in one transaction and forgets windows that ended.
    /// On failure the hits stay pending for the next flush.
    func flush(to store: any RateCounterStore, now: Date = Date()) async throws {
        let slots = entries.withLock { table in
            table = table.filter { $0.value.expiresAt > now || $0.value.pending > 0 || $0.value.inFlight > 0 }
            return table.filter { $0.value.pending > 0 }.map(\.key)
        }
        _ = try await write(slots, to: store)
    }

    private func write(_ slots: [Slot], to store: any RateCounterStore) async throws -> [Int64] {
        let batch = entries.withLock { table in
            slots.compactMap { slot -> RateCounterHits? in
                guard var entry = table[slot], entry.pending > 0 else { return nil }
                let count = entry.pending
                (entry.inFlight, entry.pending) = (entry.inFlight + count, 0)
                table[slot] = entry
                return RateCounterHits(key: slot.key, windowStart: slot.windowStart, expiresAt: entry.expiresAt, count: count)
            }
        }
        guard !batch.isEmpty else { return slots.map { estimate($0) } }
        do {
            let totals = try await store.addHits(batch)
            entries.withLock { table in
                for (hits, total) in zip(batch, totals) {
                    let slot = Slot(key: hits.key, windowStart: hits.windowStart)
                    guard var entry = table[slot] else { continue }
                    entry.inFlight -= hits.count
                    entry.shared = max(entry.shared, total)
                    table[slot] = entry
                }
            }
        } catch {
            entries.withLock { table in
                for hits in batch {
                    let slot = Slot(key: hits.key, windowStart: hits.windowStart)
                    table[slot]?.inFlight -= hits.count
                    table[slot]?.pending += hits.count
                }
            }
            throw error
        }
        return slots.map { estimate($0) }
    }

    private func estimate(_ slot: Slot) -> Int64 { entries.withLock { $0[slot]?.estimate ?? 0 } }

    /// Counters held in memory (for tests).
    var count: Int { entries.withLock { $0.count } }
}
