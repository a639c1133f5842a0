import CyberIDCore
import Synchronization

/// A counting semaphore for async code: at most `permits` holders at once, others wait in
/// arrival order.
///
/// SQLite allows one writer at a time, and a transaction spans several awaits, so an actor is
/// not enough (actors are re-entrant across `await`). This is the smallest primitive that
/// serialises such units of work without blocking a thread.
package final class AsyncSemaphore: Sendable {
    private struct State {
        var available: Int
        var waiters: [(id: UInt64, continuation: CheckedContinuation<Void, any Error>)] = []
        var nextID: UInt64 = 0
    }

    private let state: Mutex<State>

    /// Creates a semaphore with `permits` free places.
    package init(permits: Int) {
        precondition(permits > 0)
        state = Mutex(State(available: permits))
    }

    /// Waits for a place.
    /// - Throws: `CancellationError` if the task is cancelled while waiting.
    package func acquire() async throws {
        let id: UInt64? = state.withLock { state in
            if state.available > 0 {
                state.available -= 1
                return nil
            }
            state.nextID += 1
            return state.nextID
        }
        guard let id else { return }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                // Looked at again under the lock that enqueues: a release between the first look
                // and here found no waiter and gave its place back to `available`, so waiting now
                // would wait for a release that already happened (the lost wake-up that left a
                // write transaction waiting for ever, AsyncSemaphoreTests).
                let outcome = state.withLock { state -> Result<Void, CancellationError>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if state.available > 0 {
                        state.available -= 1
                        return .success(())
                    }
                    state.waiters.append((id, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, any Error>? in
                guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return state.waiters.remove(at: index).continuation
            }
            continuation?.resume(throwing: CancellationError())
        }
    }

    /// How many tasks wait for a place now.
    package var waiting: Int { state.withLock { $0.waiters.count } }

    /// Gives a place back, waking the longest waiter.
    package func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, any Error>? in
            if state.waiters.isEmpty {
                state.available += 1
                return nil
            }
            return state.waiters.removeFirst().continuation
        }
        next?.resume()
    }

    /// Runs `body` while holding a place.
    package func withPermit<T>(_ body: () async throws -> T) async throws -> T {
        try await acquire()
        defer { release() }
        return try await body()
    }
}
