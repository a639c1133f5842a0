import CyberIDRelyingParty
import Foundation
import Synchronization

/// The demo platform's sessions: in memory, at most ``capacity``, each ending after
/// ``idleLifetime`` without a visit. The cookie `__Host-demo_session` holds the token.
///
/// A session keeps the logins being made (state, nonce and PKCE verifier, by state: a second
/// tab does not break the first) and, after the callback, what the platform learned.
final class DemoSessions: Sendable {
    /// A login started at `/login` and not yet back at `/callback`.
    struct Pending: Sendable {
        var request: RelyingParty.AuthorizationRequest
        var scope: DemoScope
        var startedAt: Date
    }

    /// What a finished login gave the platform.
    struct Learned: Sendable {
        var scope: DemoScope
        var report: ClaimsReport
        /// The ID token's payload, pretty-printed.
        var payloadJSON: String
    }

    struct Session: Sendable {
        var pending: [String: Pending] = [:]
        var learned: Learned?
        var lastSeen: Date
    }

    /// The most sessions kept; the least recently seen goes first.
    let capacity: Int
    /// How long a session lives without a visit.
    let idleLifetime: TimeInterval
    /// How long a login may take between `/login` and `/callback`.
    let pendingLifetime: TimeInterval = 600
    /// The most logins one session may have under way.
    let pendingPerSession = 4
    private let sessions = Mutex<[String: Session]>([:])

    init(capacity: Int = 1_000, idleLifetime: TimeInterval = 30 * 60) {
        self.capacity = capacity
        self.idleLifetime = idleLifetime
    }

    /// The number of live sessions (for tests).
    var count: Int { sessions.withLock { $0.count } }

    /// Starts an empty session.
    /// - Returns: its token, for the cookie.
    func start(now: Date = Date()) -> String {
        let token = Self.newToken()
        sessions.withLock { sessions in
            if sessions.count >= capacity {
                let cutoff = now.addingTimeInterval(-idleLifetime)
                sessions = sessions.filter { $0.value.lastSeen > cutoff }
            }
            while sessions.count >= capacity, let oldest = sessions.min(by: { $0.value.lastSeen < $1.value.lastSeen }) {
                sessions[oldest.key] = nil
            }
            sessions[token] = Session(lastSeen: now)
        }
        return token
    }

    /// Whether `token` names a live session; a visit keeps it alive.
    func isLive(_ token: String?, now: Date = Date()) -> Bool {
        update(token, now: now) { _ in true } ?? false
    }

    /// Runs `body` on a live session (and counts it as a visit).
    /// - Returns: what `body` returns; `nil` when there is no such live session (an expired one
    ///   is removed).
    func update<T: Sendable>(_ token: String?, now: Date = Date(), _ body: (inout Session) -> T) -> T? {
        guard let token else { return nil }
        return sessions.withLock { sessions -> T? in
            guard var session = sessions[token] else { return nil }
            guard now.timeIntervalSince(session.lastSeen) <= idleLifetime else {
                sessions[token] = nil
                return nil
            }
            session.lastSeen = now
            let result = body(&session)
            sessions[token] = session
            return result
        }
    }

    /// Keeps a login under way (dropping expired ones and, past the limit, the oldest).
    /// - Returns: `false` when the session is gone.
    func addPending(_ pending: Pending, to token: String, now: Date = Date()) -> Bool {
        let lifetime = pendingLifetime
        let limit = pendingPerSession
        return update(token, now: now) { session in
            session.pending = session.pending.filter { now.timeIntervalSince($0.value.startedAt) <= lifetime }
            while session.pending.count >= limit,
                let oldest = session.pending.min(by: { $0.value.startedAt < $1.value.startedAt })
            {
                session.pending[oldest.key] = nil
            }
            session.pending[pending.request.state] = pending
            return true
        } ?? false
    }

    /// Takes the login under way with this `state` out of the session: each is used once.
    /// - Returns: `nil` when there is none (or it is older than ``pendingLifetime``).
    func takePending(state: String, from token: String?, now: Date = Date()) -> Pending? {
        let lifetime = pendingLifetime
        return update(token, now: now) { session -> Pending? in
            guard let pending = session.pending.removeValue(forKey: state),
                now.timeIntervalSince(pending.startedAt) <= lifetime
            else { return nil }
            return pending
        } ?? nil
    }

    /// Records what a finished login gave the platform.
    func setLearned(_ learned: Learned, for token: String, now: Date = Date()) {
        _ = update(token, now: now) { $0.learned = learned }
    }

    /// What the session's platform learned, if it has signed in.
    func learned(_ token: String?, now: Date = Date()) -> Learned? {
        update(token, now: now) { $0.learned } ?? nil
    }

    /// Ends a session.
    func end(_ token: String) {
        _ = sessions.withLock { $0.removeValue(forKey: token) }
    }

    /// 32 random bytes, base64url: a cookie-safe, unguessable token.
    static func newToken() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
