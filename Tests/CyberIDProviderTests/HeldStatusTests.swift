import CyberIDCore
import CyberIDWallet
import Foundation
import Testing

@testable import CyberIDProvider

/// The page's held poll (`loginProgress(requestToken:holdingWhileShowing:)`): the answer waits
/// until there is news for the code the page shows — the next code, a decision made through any
/// node, the login's end, or the waiting task's cancellation (the node's shutdown).
@Suite struct HeldStatusTests {
    @Test(arguments: [1, 2])
    func aHeldPollAnswersWithTheNextCode(period: Int) async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = period }) { h in
            let (client, _) = try await h.client()
            let startedAt = Date().timeIntervalSince1970.rounded(.down)
            let login = try await h.start(ProviderHarness.request(client: client.id), now: Date(timeIntervalSince1970: startedAt))
            let shown = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            let held = try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
            // Answered when the next code was due, not before, and with that code.
            #expect(Date().timeIntervalSince1970 >= startedAt + Double(shown + period))
            // (The next code, or a later one on a machine that stalled past its step.)
            let step = try #require(held.qrStep)
            #expect(held.status == .pending && step >= shown + period && step % period == 0, "\(held)")
            let due = Date(timeIntervalSince1970: startedAt + Double(step))
            #expect(try held.qr == h.provider.login.currentQR(requestToken: login.requestToken, now: due))
        }
    }

    /// A page that shows another code than the current one (an older one, or one of a node whose
    /// clock runs ahead) is answered at once.
    @Test func aPollForAnotherCodeIsAnsweredAtOnce() async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10 }) { h in
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let current = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            for shown in [current + 10, current + 1, 9_999_999] {
                let start = ContinuousClock.now
                let answer = try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
                #expect(answer.status == .pending && answer.qrStep != shown)
                #expect(ContinuousClock.now - start < .seconds(8), "held though the page shows another code")
            }
        }
    }

    /// The wallet's decision ends the hold with the decision, not at the next code: written
    /// through this node, by the node's own notice (its reads of the store are off here, so
    /// nothing else could: without the notice the page waits for its next code and answers
    /// `pending`; a notice before a wrong number's commit would mostly go unseen — the commit wins
    /// the race); through another node, at this node's next read of its held logins.
    @Test(arguments: [Decision.approve, .deny, .wrongNumber], [false, true])
    func aDecisionEndsTheHold(_ decision: Decision, throughAnotherNode: Bool) async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10; $0.heldPollsReadTheStore = throughAnotherNode }) { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let shown = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            async let held = h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
            try #require(try await eventually(30) { h.provider.login.watch.isWaiting(for: login.transactionID) })
            let node = throughAnotherNode ? h.node { $0.qrStepSeconds = 10 } : h
            if decision == .wrongNumber {
                await #expect(throws: ProviderError.wrongMatchNumber()) {
                    _ = try await node.approve(login, with: wallet, pick: login.matchNumber == 10 ? 11 : 10)
                }
            } else {
                _ = try await node.approve(login, with: wallet, approve: decision == .approve)
            }
            let answer = try await held
            #expect(answer.status == (decision == .approve ? .approved : .denied), "\(answer)")
            #expect(decision != .wrongNumber || answer.reason == "wrong-match-number", "\(answer)")
        }
    }

    enum Decision: Sendable { case approve, deny, wrongNumber }

    /// A hundred and fifty pages held on one node (more than one statement's hundred ids): the
    /// two decided through another node are answered long before their next code; the watch's
    /// task ends with the last page.
    @Test func manyHeldPagesAreWatchedTogether() async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10 }) { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            var pages: [(LoginStart, Int)] = []
            for _ in 0..<150 {
                let login = try await h.start(ProviderHarness.request(client: client.id))
                pages.append((login, try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)))
            }
            let decided = [130, 149]  // the last made: far from their next code
            try await withThrowingTaskGroup(of: (Int, LoginProgress).self) { group in
                for (index, (login, shown)) in pages.enumerated() {
                    group.addTask {
                        let answer = try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
                        return (index, answer)
                    }
                }
                // The decided pages are held before their logins are decided (else the first read
                // would answer them at once, and nothing here would be watched).
                for index in decided {
                    try #require(try await eventually(30) { h.provider.login.watch.isWaiting(for: pages[index].0.transactionID) })
                }
                let other = h.node { $0.qrStepSeconds = 10 }
                for index in decided { _ = try await other.approve(pages[index].0, with: wallet) }
                var answered: [Int: LoginProgress] = [:]
                while let result = try await group.next() {
                    answered[result.0] = result.1
                    if decided.allSatisfy({ answered[$0] != nil }) { break }
                }
                // Approved: woken by the decision (a page woken by its next code answers without a
                // read, `pending`), so no bound on the time is needed.
                for index in decided { #expect(answered[index]?.status == .approved, "page \(index)") }
                // The others wait on (or were answered with their next code: a slow machine).
                #expect(answered.values.allSatisfy { $0.status == .approved || $0.status == .pending })
                group.cancelAll()
            }
            #expect(try await eventually(30) { h.provider.login.watch.state.waiting == 0 && !h.provider.login.watch.state.running })
        }
    }

    /// A login that ends while its page waits is answered `expired` then, not at the next code.
    @Test func theLoginsEndEndsTheHold() async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10; $0.loginLifetime = 3 }) { h in
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let shown = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            let start = ContinuousClock.now
            let answer = try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
            #expect(answer.status == .expired)
            #expect(ContinuousClock.now - start < .seconds(7))
        }
    }

    /// Cancelling the waiting task (what a node's graceful shutdown does to a held request) ends
    /// the hold at once, with the login as it stands.
    @Test func cancellingEndsTheHoldWithTheLoginAsItStands() async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10 }) { h in
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let shown = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            let start = ContinuousClock.now
            let held = Task { try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown) }
            try await Task.sleep(for: .milliseconds(300))
            held.cancel()
            let answer = try await held.value
            #expect(answer.status == .pending && answer.qrStep == shown)
            #expect(ContinuousClock.now - start < .seconds(8), "the hold outlasted its cancellation")
        }
    }

    /// Beyond ``ProviderConfiguration/heldPollLimit`` polls held on a node, a poll is answered at
    /// once; a limit of 0 holds none.
    @Test func pollsBeyondTheLimitAreAnsweredAtOnce() async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = 10; $0.heldPollLimit = 1 }) { h in
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let shown = try #require(try await h.provider.login.loginProgress(requestToken: login.requestToken).qrStep)
            let first = Task { try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown) }
            try #require(try await eventually(30) { h.provider.login.watch.state.waiting == 1 })
            let start = ContinuousClock.now
            let second = try await h.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
            #expect(second.status == .pending && second.qrStep == shown)
            #expect(ContinuousClock.now - start < .seconds(8), "held beyond the limit")
            first.cancel()
            _ = try await first.value
            #expect(h.provider.login.watch.state.waiting == 0)
            let none = h.node { $0.qrStepSeconds = 10; $0.heldPollLimit = 0 }
            let again = ContinuousClock.now
            _ = try await none.provider.login.loginProgress(requestToken: login.requestToken, holdingWhileShowing: shown)
            #expect(ContinuousClock.now - again < .seconds(8), "held with a limit of 0")
        }
    }

    /// A request token this service did not make is refused before any wait.
    @Test func aForeignRequestTokenIsRefused() async throws {
        try await ProviderHarness.with { h in
            await #expect(throws: ProviderError.invalidLoginTicket()) {
                _ = try await h.provider.login.loginProgress(requestToken: "bm90LW91cnM", holdingWhileShowing: 0)
            }
        }
    }
}
