import CyberIDCore
import CyberIDStore

/// The login pages a node holds (`GET /authorize/status?…&wait=1`), watched together: one task
/// reads the store once a second for all of their logins in one statement per hundred
/// (``LoginTransactionStore/decidedTransactions(among:)``) and wakes those that were decided;
/// each held page also wakes at its own deadline (its next code, its login's end). Without it,
/// each held page woke and read the store on its own once a second (benchmarks.md, "The
/// thirteenth step"). The task runs while pages wait and ends when none does.
final class LoginWatch: Sendable {
    /// One waiting page.
    private final class Slot: Sendable {
        enum State: Sendable {
            case registered, waiting(CheckedContinuation<Void, Never>), done
        }

        let transactionID: String
        let deadline: ContinuousClock.Instant
        let state = Locked(State.registered)

        init(transactionID: String, deadline: ContinuousClock.Instant) {
            self.transactionID = transactionID
            self.deadline = deadline
        }

        /// Ends the wait (news, the deadline, cancellation); a second call does nothing.
        func wake() {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state = .done }
                if case .waiting(let continuation) = state { return continuation }
                return nil
            }
            continuation?.resume()
        }

        /// Parks the waiting task, unless it was woken already.
        func park(_ continuation: CheckedContinuation<Void, Never>) {
            let resumeNow = state.withLock { state -> Bool in
                guard case .registered = state else { return true }
                state = .waiting(continuation)
                return false
            }
            if resumeNow { continuation.resume() }
        }

        var isDone: Bool { state.withLock { if case .done = $0 { true } else { false } } }
    }

    private struct Watched {
        var slots: [Slot] = []
        var running = false
    }

    private let store: any LoginTransactionStore
    private let watched = Locked(Watched())
    /// How often the deadlines are checked; the store is read every ``readEvery`` ticks.
    static let tick = Duration.milliseconds(250)
    static let readEvery = 4

    init(store: any LoginTransactionStore) {
        self.store = store
    }

    /// Waits until `transactionID` is decided, `deadline` passes or the task is cancelled.
    func wait(for transactionID: String, until deadline: ContinuousClock.Instant) async {
        let slot = Slot(transactionID: transactionID, deadline: deadline)
        let start = watched.withLock { watched -> Bool in
            watched.slots.append(slot)
            defer { watched.running = true }
            return !watched.running
        }
        if start { Task { await self.run() } }
        await withTaskCancellationHandler {
            await withCheckedContinuation { slot.park($0) }
        } onCancel: {
            slot.wake()
        }
    }

    /// The pages waiting now.
    var waiting: Int { watched.withLock { $0.slots.count } }

    /// Wakes what is due, reads the store every ``readEvery`` ticks; ends when nothing waits.
    private func run() async {
        var ticks = 0
        while true {
            try? await Task.sleep(for: Self.tick)
            ticks += 1
            let now = ContinuousClock.now
            let slots = watched.withLock { watched -> [Slot]? in
                watched.slots.removeAll { $0.isDone }
                guard !watched.slots.isEmpty else {
                    watched.running = false
                    return nil
                }
                return watched.slots
            }
            guard let slots else { return }
            for slot in slots where slot.deadline <= now { slot.wake() }
            guard ticks % Self.readEvery == 0 else { continue }
            let open = slots.filter { !$0.isDone }
            // A read that fails wakes nobody: each page wakes at its deadline and reads itself.
            guard let decided = try? await store.decidedTransactions(among: Array(Set(open.map(\.transactionID)))) else {
                continue
            }
            for slot in open where decided.contains(slot.transactionID) { slot.wake() }
        }
    }
}
