import CyberIDCore
import CyberIDStore

/// The login pages a node holds (`GET /authorize/status?…&wait=1`), watched together: one task
/// wakes each page at its deadline (its next code, its login's end; checked every ``tick``, so a
/// wake may come up to a tick late) and, every ``readEvery`` ticks, reads the logins of all the
/// waiting pages from the store — a hundred a statement
/// (``LoginTransactionStore/decidedTransactions(among:)``) — and wakes the pages of those that
/// were decided. Without it, each held page woke and read the store on its own once a second
/// (benchmarks.md, "The thirteenth step"). The read runs beside the ticks (one at a time), so a
/// slow store delays news, never a deadline. A decision written through this node wakes its
/// login's pages at the next tick (``decided(_:)``), without waiting for the read — at a tick
/// rather than at once, so that a node's answers still go out together: waking each page as its
/// decision was written cost ≈ 13 % more server CPU per cross-device login here (benchmarks.md,
/// "The fourteenth step"). The task runs while pages wait and ends when none does.
final class LoginWatch: Sendable {
    /// How a wait ended.
    enum Wake: Sendable {
        /// The login was decided.
        case news
        /// The deadline passed, or the waiting task was cancelled.
        case deadline
        /// Not waited: ``limit`` pages wait already.
        case full
    }

    /// One waiting page.
    private final class Slot: Sendable {
        enum State: Sendable {
            case registered, waiting(CheckedContinuation<Wake, Never>), woken(Wake)
        }

        let transactionID: String
        let deadline: ContinuousClock.Instant
        let state = Locked(State.registered)

        init(transactionID: String, deadline: ContinuousClock.Instant) {
            self.transactionID = transactionID
            self.deadline = deadline
        }

        /// Ends the wait; a later call does nothing (the first reason stands).
        func wake(_ reason: Wake) {
            let continuation = state.withLock { state -> CheckedContinuation<Wake, Never>? in
                switch state {
                case .registered:
                    state = .woken(reason)
                    return nil
                case .waiting(let continuation):
                    state = .woken(reason)
                    return continuation
                case .woken:
                    return nil
                }
            }
            continuation?.resume(returning: reason)
        }

        /// Parks the waiting task, unless it was woken already.
        func park(_ continuation: CheckedContinuation<Wake, Never>) {
            let woken = state.withLock { state -> Wake? in
                if case .woken(let reason) = state { return reason }
                state = .waiting(continuation)
                return nil
            }
            if let woken { continuation.resume(returning: woken) }
        }
    }

    private struct Watched {
        var slots: [UInt64: Slot] = [:]
        /// The keys of the slots waiting on each login (a page, seldom more).
        var byLogin: [String: [UInt64]] = [:]
        var next: UInt64 = 0
        var running = false
        var reading = false
        /// Logins decided through this node since the last tick (``decided(_:)``).
        var news: Set<String> = []

        mutating func add(_ slot: Slot) -> UInt64 {
            next += 1
            slots[next] = slot
            byLogin[slot.transactionID, default: []].append(next)
            return next
        }

        mutating func remove(_ key: UInt64) {
            guard let slot = slots.removeValue(forKey: key) else { return }
            byLogin[slot.transactionID]?.removeAll { $0 == key }
            if byLogin[slot.transactionID]?.isEmpty == true { byLogin[slot.transactionID] = nil }
        }

        func slots(of ids: some Sequence<String>) -> [Slot] {
            ids.flatMap { byLogin[$0] ?? [] }.compactMap { slots[$0] }
        }
    }

    private let store: any LoginTransactionStore
    /// The most pages that wait at once (``ProviderConfiguration/heldPollLimit``).
    let limit: Int
    /// Whether the store is read (off: only ``decided(_:)`` brings news; tests).
    let reads: Bool
    private let watched = Locked(Watched())
    /// How often deadlines are checked; the store is read every ``readEvery`` ticks.
    static let tick = Duration.milliseconds(250)
    static let readEvery = 4

    init(store: any LoginTransactionStore, limit: Int, reads: Bool = true) {
        self.store = store
        self.limit = limit
        self.reads = reads
    }

    /// Waits until `transactionID` is decided (``Wake/news``), `deadline` passes or the task is
    /// cancelled (``Wake/deadline``); returns ``Wake/full`` at once while ``limit`` pages wait.
    func wait(for transactionID: String, until deadline: ContinuousClock.Instant) async -> Wake {
        let slot = Slot(transactionID: transactionID, deadline: deadline)
        let admitted = watched.withLock { watched -> (key: UInt64, start: Bool)? in
            guard watched.slots.count < limit else { return nil }
            defer { watched.running = true }
            return (watched.add(slot), !watched.running)
        }
        guard let admitted else { return .full }
        if admitted.start { Task.detached { await self.run() } }
        defer { watched.withLock { $0.remove(admitted.key) } }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { slot.park($0) }
        } onCancel: {
            slot.wake(.deadline)
        }
    }

    /// Wakes the pages of `transactionID` at the next tick (``Wake/news``): its decision was
    /// written through this node, so they need not wait for the next read. A page that registers
    /// after this call and before that tick (it read its login pending just before the decision
    /// was written) is woken too; one that registers when no page waited learns it at the next
    /// read.
    func decided(_ transactionID: String) {
        watched.withLock { watched in
            if watched.running { watched.news.insert(transactionID) }
        }
    }

    /// Whether a page of `transactionID` waits now.
    func isWaiting(for transactionID: String) -> Bool { watched.withLock { $0.byLogin[transactionID] != nil } }

    /// The pages waiting now, and whether the watch's task runs.
    var state: (waiting: Int, running: Bool) { watched.withLock { ($0.slots.count, $0.running) } }

    /// Wakes what is due each tick, starts a read every ``readEvery`` ticks; ends when nothing waits.
    private func run() async {
        var ticks = 0
        while true {
            try? await Task.sleep(for: Self.tick)
            ticks += 1
            let now = ContinuousClock.now
            let read = reads && ticks % Self.readEvery == 0
            let work = watched.withLock { watched -> (due: [Slot], noticed: [Slot], ids: [String])? in
                guard !watched.slots.isEmpty else {
                    watched.running = false
                    watched.news.removeAll()
                    return nil
                }
                let noticed = watched.slots(of: watched.news)
                watched.news.removeAll(keepingCapacity: true)
                let due = watched.slots.values.filter { $0.deadline <= now }
                guard read, !watched.reading else { return (due, noticed, []) }
                watched.reading = true
                return (due, noticed, Array(watched.byLogin.keys))
            }
            guard let work else { return }
            for slot in work.noticed { slot.wake(.news) }
            for slot in work.due { slot.wake(.deadline) }
            if !work.ids.isEmpty { Task.detached { await self.read(work.ids) } }
        }
    }

    /// Reads which of `ids` are decided and wakes the pages waiting on them then. A read that
    /// fails wakes nobody: each page wakes at its deadline and reads its own login.
    private func read(_ ids: [String]) async {
        let decided = (try? await store.decidedTransactions(among: ids)) ?? []
        let slots = watched.withLock { watched -> [Slot] in
            watched.reading = false
            return watched.slots(of: decided)
        }
        for slot in slots { slot.wake(.news) }
    }
}
