import CyberIDStore
import Foundation
import Testing

@testable import CyberIDProvider

/// ``LoginWatch``: the pages held on a node wait together — one read of the store a second for
/// all of them, each woken at its deadline, by news of its login or by its cancellation; the
/// watch's task ends with the last page and starts again with the next.
@Suite struct LoginWatchTests {
    /// Keeps each read (the logins asked for, those found decided); the logins in `decided` are decided.
    actor Store: LoginTransactionStore {
        var reads: [(ids: [String], found: Set<String>)] = []
        var decided: Set<String> = []
        func decide(_ id: String) { decided.insert(id) }
        func transaction(id: String) async throws -> LoginTransactionRecord? { nil }
        func decidedTransactions(among ids: [String]) async throws -> Set<String> {
            let found = decided.intersection(ids)
            reads.append((ids, found))
            return found
        }
        func purgeExpired(before time: Date, limit: Int) async throws -> Int { 0 }
    }

    @Test func aHundredAndFiftyPagesAreOneReadASecondAndTheDecidedOnesWake() async throws {
        let store = Store()
        let watch = LoginWatch(store: store, limit: 1_000)
        // Far deadlines: a page that wakes before them woke by news or by its cancellation. (No
        // tighter bound: in the whole suite this machine's two threads may be busy for seconds.)
        let start = ContinuousClock.now
        let far = start + .seconds(60)
        try await withThrowingTaskGroup(of: (Int, LoginWatch.Wake, ContinuousClock.Instant).self) { group in
            for index in 0..<150 {
                group.addTask { (index, await watch.wait(for: "t\(index)", until: far), ContinuousClock.now) }
            }
            #expect(try await eventually(30) { watch.state.waiting == 150 })
            // A read under way may have taken its logins before the last pages came; the one
            // after it took them after: wait for that one.
            let before = await store.reads.count
            #expect(try await eventually(30) { await store.reads.count >= before + 2 })
            await store.decide("t149")
            let first = try #require(try await group.next())
            #expect(first.0 == 149 && first.1 == .news && first.2 < far)
            // One read asks for all the pages' logins, each once; never more than a read a second
            // (a busy machine makes fewer, never more: each read is four ticks after the last).
            let reads = await store.reads
            let finding = try #require(reads.firstIndex { $0.found == ["t149"] })
            let all = Set((0..<150).map { "t\($0)" })
            #expect(finding > before && reads[(before + 1)...finding].allSatisfy { $0.ids.count == 150 && Set($0.ids) == all })
            let seconds = Int((ContinuousClock.now - start) / .seconds(1))
            #expect(reads.count <= seconds + 1, "\(reads.count) reads in \(seconds) s")
            group.cancelAll()
            for try await (_, wake, at) in group {
                #expect(wake == .deadline && at < far)
            }
        }
        #expect(try await eventually(30) { watch.state.waiting == 0 && !watch.state.running })
    }

    /// A decision written through this node (``LoginWatch/decided(_:)``) wakes its login's pages
    /// with news though no read finds it (this store never does); other logins' pages wait on.
    @Test func aDecisionWrittenHereWakesItsPagesWithoutARead() async throws {
        let store = Store()
        let watch = LoginWatch(store: store, limit: 1_000)
        let far = ContinuousClock.now + .seconds(60)
        let pages = ["t", "t", "u"].map { id in Task { await watch.wait(for: id, until: far) } }
        #expect(try await eventually(30) { watch.state.waiting == 3 })
        watch.decided("v")
        watch.decided("t")
        #expect(await pages[0].value == .news)
        #expect(await pages[1].value == .news)
        #expect(watch.state.waiting == 1)
        pages[2].cancel()
        #expect(await pages[2].value == .deadline)
        #expect(try await eventually(30) { watch.state.waiting == 0 && !watch.state.running })
    }

    @Test func aPageWakesAtItsDeadlineAndAfterACancellationBeforeItParksAndAFullWatchWaitsNot() async throws {
        let watch = LoginWatch(store: Store(), limit: 1_000)
        // A watch that may hold no page answers at once.
        #expect(await LoginWatch(store: Store(), limit: 0).wait(for: "t", until: ContinuousClock.now + .seconds(30)) == .full)
        let start = ContinuousClock.now
        #expect(await watch.wait(for: "t", until: start + .milliseconds(600)) == .deadline)
        #expect(ContinuousClock.now - start >= .milliseconds(600))
        // Cancelled before it waits: it returns at once.
        let cancelled = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await watch.wait(for: "t", until: ContinuousClock.now + .seconds(30))
        }
        #expect(await cancelled.value == .deadline)
        #expect(try await eventually(30) { watch.state.waiting == 0 && !watch.state.running })
        // The task ended; the next page starts it again, and a decision still wakes it.
        let store = Store()
        let again = LoginWatch(store: store, limit: 1_000)
        await store.decide("u")
        let woken = await again.wait(for: "u", until: ContinuousClock.now + .seconds(30))
        #expect(woken == .news)
        #expect(try await eventually(30) { again.state.waiting == 0 && !again.state.running })
        await store.decide("v")
        #expect(await again.wait(for: "v", until: ContinuousClock.now + .seconds(30)) == .news)
    }
}
