import CyberIDStore
public import Foundation

extension LoginService {
    /// Where a login stands, answered when it has news for a page that shows the code of step
    /// `shown`: while the login is pending and that code is still the current one, the answer
    /// waits — until the login is decided or expires (the store is read once a second: the
    /// wallet's decision may reach any node) or the next code is due (at most
    /// ``ProviderConfiguration/qrStepSeconds``, ten seconds). A page then makes one request per
    /// code instead of one a second (benchmarks.md, "The thirteenth step").
    ///
    /// A page that shows another step (an older code, or none) is answered at once. Cancelling
    /// the task (the node's graceful shutdown) ends the wait with the progress as it stands.
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
        while isUnchanged(state, decision, shown: shown, now: time) {
            // Wake a second from now, or when the next code is due if that comes first.
            let due = TimeInterval(state.startedAt) + TimeInterval(shown + qrPeriod) + 0.001
            let wait = min(1, max(0.001, due - time.timeIntervalSince1970))
            do {
                try await Task.sleep(for: .milliseconds(Int((wait * 1000).rounded(.up))))
                decision = try await store.transaction(id: state.transactionID)
            } catch where Task.isCancelled {
                break  // the node is shutting down: the login as it stands, the page asks again
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
