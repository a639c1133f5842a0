import CyberIDCore
import Testing

@testable import CyberIDStore

/// The semaphore that serialises SQLite's write transactions (and bounds password hashing).
@Suite struct AsyncSemaphoreTests {
    /// Runs `workers` tasks that each take and give back a place `rounds` times; answers whether
    /// they all finished before `patience` ran out (a waiter never woken waits until then, and
    /// is then cancelled so the test ends), and the most holders seen at once.
    private func contend(permits: Int, workers: Int, rounds: Int, patience: Duration) async throws -> (finished: Bool, most: Int) {
        let semaphore = AsyncSemaphore(permits: permits)
        let holders = Locked((now: 0, most: 0))
        let finished = await withThrowingTaskGroup(of: Bool.self) { group -> Bool in
            for _ in 0..<workers {
                group.addTask {
                    for _ in 0..<rounds {
                        try await semaphore.withPermit {
                            holders.withLock { $0.now += 1; $0.most = max($0.most, $0.now) }
                            // Holds of different lengths, so releases land at every point of
                            // another task's arrival.
                            var spin = UInt64.random(in: 0..<400)
                            while spin > 0 { spin = spin &- 1; _ = spin.nonzeroBitCount }
                            holders.withLock { $0.now -= 1 }
                        }
                    }
                    return true
                }
            }
            group.addTask {
                try await Task.sleep(for: patience)
                return false
            }
            var done = 0
            while let next = try? await group.next() {
                guard next else { break }
                done += 1
                if done == workers { break }
            }
            group.cancelAll()
            return done == workers
        }
        return (finished, holders.withLock { $0.most })
    }

    /// The attack on the old code: a release that came between a waiter's "no place left" and its
    /// enqueueing found nobody waiting and gave the place back to `available`, and the waiter then
    /// waited for a release that had already happened — until some later holder's release, or for
    /// ever when none came: in the server, the person-index backfill's write transaction at start
    /// never ran and the process never finished its graceful shutdown (the smoke test's SIGTERM,
    /// one start in 5 to 30). Here one holder gives its place back at varying moments of a second
    /// task's arrival, with nothing after it, many times; the second task must always get it.
    @Test func aReleaseDuringAnArrivalIsNotLost() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        let rounds = 20_000
        let completed = await withThrowingTaskGroup(of: Int.self) { group -> Int in
            group.addTask {
                for round in 0..<rounds {
                    try await semaphore.acquire()
                    try await withThrowingTaskGroup(of: Void.self) { arrival in
                        arrival.addTask { try await semaphore.withPermit {} }
                        // Releases early and late in the arrival's path (and sometimes before it).
                        var spin = UInt64(round % 64) * 8
                        while spin > 0 { spin = spin &- 1; _ = spin.nonzeroBitCount }
                        semaphore.release()
                        try await arrival.waitForAll()
                    }
                }
                return rounds
            }
            group.addTask {
                try await Task.sleep(for: .seconds(120))
                return -1
            }
            let first = try? await group.next()
            group.cancelAll()
            return first ?? -1
        }
        #expect(completed == rounds, "a task waited for a place that had been given back")
        #expect(semaphore.waiting == 0)
    }

    /// Many short holds from more tasks than threads: all finish, one holder at a time.
    @Test func everyWaiterIsServedUnderContention() async throws {
        let (finished, most) = try await contend(permits: 1, workers: 8, rounds: 20_000, patience: .seconds(120))
        #expect(finished)
        #expect(most == 1)
    }

    @Test func noMoreHoldersThanPlaces() async throws {
        let (finished, most) = try await contend(permits: 3, workers: 8, rounds: 5_000, patience: .seconds(120))
        #expect(finished)
        #expect(most <= 3 && most >= 1)
    }

    /// A waiter cancelled while it waits leaves the queue and takes no place with it.
    @Test func aCancelledWaiterTakesNoPlace() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let waiter = Task { try await semaphore.acquire() }
        while semaphore.waiting < 1 { await Task.yield() }
        waiter.cancel()
        await #expect(throws: CancellationError.self) { try await waiter.value }
        semaphore.release()
        // The one place is free again: two acquisitions in a row would wait for ever otherwise.
        try await semaphore.acquire()
        semaphore.release()
        try await semaphore.acquire()
        semaphore.release()
    }

    /// Waiters get their place in the order they arrived.
    @Test func waitersAreServedInArrivalOrder() async throws {
        let semaphore = AsyncSemaphore(permits: 1)
        try await semaphore.acquire()
        let order = Locked([Int]())
        var tasks = [Task<Void, any Error>]()
        for index in 0..<4 {
            tasks.append(Task {
                try await semaphore.withPermit { order.withLock { $0.append(index) } }
            })
            // Each one queued before the next starts.
            while semaphore.waiting < index + 1 { await Task.yield() }
        }
        semaphore.release()
        for task in tasks { try await task.value }
        #expect(order.withLock { $0 } == [0, 1, 2, 3])
    }
}
