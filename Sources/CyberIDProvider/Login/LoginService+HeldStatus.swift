import CyberIDCore
import CyberIDStore
public import Foundation

extension LoginService {
    /// Where a login stands, answered when it has news for a page that shows the code of step
    /// `shown`: while the login is pending and that code is still the current one, the answer
    /// waits — until the login is decided (within a quarter second when the wallet's decision
    /// reaches this node; through another node, ``LoginWatch`` reads the logins of all the pages
    /// held on this node once a second) or expires, or the next code is due (at most
    /// ``ProviderConfiguration/qrStepSeconds``, ten seconds, by this node's clock, and never much
    /// longer than that by the monotonic clock — a tick of the watch, a quarter of a second —
    /// whatever the wall clock does). A page then makes one
    /// request per code instead of one a second (benchmarks.md, "The thirteenth step").
    ///
    /// A page that shows another code than the current one is answered at once, and so is
    /// every page while ``ProviderConfiguration/heldPollLimit`` polls are held on this node.
    /// Cancelling the task (the node's graceful shutdown) ends the wait with the progress as it
    /// stands.
    /// - Parameters:
    ///   - shown: the step of the code the page shows (`qr_step`).
    ///   - now: the clock (tests).
    /// - Throws: ``ProviderError`` `invalid-login-ticket` for a request token this service did not make.
    public func loginProgress(requestToken: String, holdingWhileShowing shown: Int, now: () -> Date = Date.init)
        async throws -> LoginProgress
    {
        guard let state = sealers.request.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        var decision = try await store.transaction(id: state.transactionID)
        var time = now()
        let deadline = ContinuousClock.now + .seconds(qrPeriod) + .milliseconds(100)
        while isUnchanged(state, decision, shown: shown, now: time), ContinuousClock.now < deadline {
            // Until the next code is due or the login ends, whichever comes first.
            let due = min(TimeInterval(state.startedAt) + TimeInterval(shown + qrPeriod), state.expiresAt) + 0.001
            let wait = Duration.milliseconds(Int64(max(1, ((due - time.timeIntervalSince1970) * 1000).rounded(.up))))
            let woken = await watch.wait(for: state.transactionID, until: min(deadline, ContinuousClock.now + wait))
            time = now()
            // The node is shutting down (the page asks again), or holds as many pages as it may:
            // the login as it stands.
            if Task.isCancelled || woken == .full { break }
            // A new code or the login's end needs no read (the page's next poll reads the login).
            guard woken == .news else { continue }
            do {
                decision = try await store.transaction(id: state.transactionID)
            } catch where Task.isCancelled {
                break
            }
            time = now()
        }
        return progress(state, decision, now: time)
    }

    /// Whether a page showing the code of step `shown` has nothing new to learn: the login is
    /// pending, not expired, and that code is the current one.
    func isUnchanged(_ state: LoginState, _ decision: LoginTransactionRecord?, shown: Int, now: Date) -> Bool {
        guard decision == nil || decision?.status == .pending else { return false }
        guard state.expiresAt > now.timeIntervalSince1970 else { return false }
        return qrStep(of: state.startedAt, now: now) == shown
    }
}
