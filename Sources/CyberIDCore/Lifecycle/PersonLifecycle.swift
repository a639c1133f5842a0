/// Who acts on a network number.
public enum LifecycleActor: String, Sendable, CaseIterable, Codable {
    /// The holder, from their wallet.
    case person
    /// The guardian of a minor.
    case guardian
    /// A relying party (it can only flag, never suspend or cancel).
    case platform
    /// A CyberID administrator, with a reason.
    case administrator
    /// An automatic rule (re-verification interval, automatic review, expiry).
    case policy
}

/// A person's lifecycle state. `restricted` here is the *global* restriction; a restriction
/// toward one platform leaves the person `active` and is kept per platform.
public enum PersonState: String, Sendable, CaseIterable, Codable {
    case active, suspended, restricted, cancelled
}

/// What can happen to a person's network number.
public enum LifecycleEvent: String, Sendable, CaseIterable, Codable {
    /// Stop every login (a lost phone, an administrator's decision).
    case suspend
    /// Undo a suspension.
    case resume
    /// Refuse logins everywhere until a re-verification succeeds.
    case restrict
    /// End a restriction (automatic review after a successful re-verification, or an administrator).
    case lift
    /// Give up the number for good: the record is shredded, the number never reused.
    case cancel
}

/// One recorded transition: from, to, who, why, when (the caller supplies the time).
public struct LifecycleTransition: Sendable, Equatable, Codable {
    public let event: LifecycleEvent
    public let from: PersonState
    public let to: PersonState
    public let actor: LifecycleActor
    public let reason: String
}

/// The person state machine. Pure: the rules only, every transition with an actor and a
/// reason, every forbidden one a ``LifecycleError`` that says why.
///
/// ```
///            suspend (person, guardian, administrator)
///   active ───────────────────────────────▶ suspended
///     ▲  │ ◀──────────────────────────────     │
///     │  │   resume (administrator; a guardian │
///     │  │   theirs or the minor's; a person   │
///     │  │   only their own)                   │
///     │  │ restrict (administrator, policy)    │
///     │  └──────────────▶ restricted ──────────┤ suspend (administrator only)
///     └──── lift (administrator, policy) ◀─┘   │
///   cancel from active (person, administrator), restricted (administrator only) and suspended
///   (the person only from their own or their guardian's suspension; an administrator always)
///   ─▶ cancelled
/// ```
public enum PersonLifecycle {
    /// The most characters a reason has (after trimming); a reason is plain text
    /// (``Swift/StringProtocol/isPlainText(atMost:)``).
    public static let reasonLimit = 500

    /// Applies `event` to a person in `state`.
    /// - Parameters:
    ///   - state: the current state.
    ///   - event: what should happen.
    ///   - actor: who asks.
    ///   - reason: why (required, never personal data; at most ``reasonLimit`` characters, no
    ///     control characters).
    ///   - suspendedBy: for `resume`, who suspended the person (a person cannot lift an
    ///     administrator's suspension).
    /// - Returns: the transition to record.
    /// - Throws: ``LifecycleError`` for a forbidden transition, an actor without the right,
    ///   or a missing (`reason-required`) or unfit reason (`invalid-reason`).
    public static func apply(
        _ event: LifecycleEvent, to state: PersonState, by actor: LifecycleActor, reason: String,
        suspendedBy: LifecycleActor? = nil
    ) throws(LifecycleError) -> LifecycleTransition {
        let reason = try checkedReason(reason, for: event)
        guard state != .cancelled else { throw .cancelled(event) }
        let target: PersonState
        let allowed: Set<LifecycleActor>
        switch event {
        case .suspend:
            guard state == .active || state == .restricted else { throw .notAllowed(event, from: state) }
            // From `restricted` only an administrator suspends: a holder's (or guardian's)
            // suspension would be theirs to resume, and resuming returns to `active`, so it would
            // undo the restriction an administrator or a rule set.
            (target, allowed) = (.suspended, state == .restricted ? [.administrator] : [.person, .guardian, .administrator])
        case .resume:
            guard state == .suspended else { throw .notAllowed(event, from: state) }
            target = .active
            // A person lifts only their own suspension; a guardian theirs or the minor's own;
            // an administrator any.
            switch suspendedBy {
            case .person?: allowed = [.person, .guardian, .administrator]
            case .guardian?: allowed = [.guardian, .administrator]
            case .administrator?, .policy?, .platform?, nil: allowed = [.administrator]
            }
        case .restrict:
            guard state == .active else { throw .notAllowed(event, from: state) }
            (target, allowed) = (.restricted, [.administrator, .policy])
        case .lift:
            guard state == .restricted else { throw .notAllowed(event, from: state) }
            (target, allowed) = (.active, [.administrator, .policy])
        case .cancel:
            // While an administrator (or a rule) holds the number suspended, only an
            // administrator cancels it: one stolen wallet signature must not end a number under
            // investigation.
            // Nor does a holder cancel a restricted number: they would enroll the same document again
            // at once and get a new, unrestricted number (the enrollment's duplicate checks pass a
            // cancelled person) — escaping the restriction and every platform's flags.
            let heldByAuthority = state == .suspended && suspendedBy != .person && suspendedBy != .guardian
            (target, allowed) = (.cancelled, heldByAuthority || state == .restricted ? [.administrator] : [.person, .administrator])
        }
        guard allowed.contains(actor) else { throw .actorNotAllowed(event, actor: actor) }
        return LifecycleTransition(event: event, from: state, to: target, actor: actor, reason: reason)
    }

    /// `reason` as a transition records it: trimmed, 1 to ``reasonLimit`` code points of plain
    /// text. Callers with a costly step before the transition (a holder's cancel asks for the
    /// document chip) check it first.
    /// - Throws: ``LifecycleError`` `reason-required`, `invalid-reason`.
    public static func checkedReason(_ reason: String, for event: LifecycleEvent) throws(LifecycleError) -> String {
        let reason = reason.trimmingWhitespace
        guard !reason.isEmpty else { throw .reasonRequired(event) }
        guard reason.isPlainText(atMost: Self.reasonLimit) else { throw .invalidReason(event) }
        return reason
    }

    /// Whether a person in `state` may log in at all (per-platform restrictions aside).
    public static func canLogIn(_ state: PersonState) -> Bool { state == .active }
}

/// The domain of ``LifecycleError``.
public enum LifecycleDomain: ErrorDomain {}

/// Why a lifecycle transition was refused (problem types `urn:cyberid:problem:<code>`).
public typealias LifecycleError = DomainError<LifecycleDomain>

extension DomainError where Domain == LifecycleDomain {
    static func notAllowed(_ event: LifecycleEvent, from state: PersonState) -> Self {
        Self(
            code: "transition-not-allowed", kind: .conflict,
            reason: "cannot \(event.rawValue) a network number that is \(state.rawValue)")
    }
    static func actorNotAllowed(_ event: LifecycleEvent, actor: LifecycleActor) -> Self {
        Self(
            code: "actor-not-allowed", kind: .forbidden,
            reason: "a \(actor.rawValue) may not \(event.rawValue) this network number")
    }
    static func reasonRequired(_ event: LifecycleEvent) -> Self {
        Self(code: "reason-required", kind: .invalid, reason: "\(event.rawValue) needs a reason")
    }
    static func invalidReason(_ event: LifecycleEvent) -> Self {
        Self(
            code: "invalid-reason", kind: .invalid,
            reason: "\(event.rawValue)'s reason is at most \(PersonLifecycle.reasonLimit) characters, without control characters")
    }
    static func cancelled(_ event: LifecycleEvent) -> Self {
        Self(
            code: "number-cancelled", kind: .conflict,
            reason: "the network number is cancelled for good; cannot \(event.rawValue) it")
    }

    /// Matches any `transition-not-allowed` error.
    public static var transitionNotAllowed: Self { Self(code: "transition-not-allowed", kind: .conflict, reason: "") }
    /// Matches any `actor-not-allowed` error.
    public static var actorNotAllowed: Self { Self(code: "actor-not-allowed", kind: .forbidden, reason: "") }
    /// Matches any `reason-required` error.
    public static var reasonRequired: Self { Self(code: "reason-required", kind: .invalid, reason: "") }
    /// Matches any `invalid-reason` error.
    public static var invalidReason: Self { Self(code: "invalid-reason", kind: .invalid, reason: "") }
    /// Matches any `number-cancelled` error.
    public static var cancelled: Self { Self(code: "number-cancelled", kind: .conflict, reason: "") }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        var scalars = Substring(self)
        while let first = scalars.first, first.isWhitespace { scalars.removeFirst() }
        while let last = scalars.last, last.isWhitespace { scalars.removeLast() }
        return String(scalars)
    }
}
