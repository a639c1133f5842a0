public import CyberIDCore
public import CyberIDStore
public import Foundation

/// Applies person lifecycle transitions (CyberIDCore's ``PersonLifecycle`` rules) to the store:
/// each with its actor, reason and time, recorded as a lifecycle event and in the person's
/// history, as a compare-and-set on the person's state. What a transition does besides changing
/// the state (a cancel shreds the record, retires the number and revokes the certificates) is
/// decided here and carried out by the store in the same write.
public struct LifecycleService: Sendable {
    /// The storage the transitions need.
    public typealias Store = LifecycleStore & PersonStore

    let store: any Store

    /// Creates the service.
    public init(store: any Store) { self.store = store }

    /// The person holding an active network number.
    /// - Throws: ``StoreError`` `notFound` for a malformed, unknown or retired number.
    public func personID(networkNumber: String) async throws -> String {
        guard let number = try? NetworkNumber(parsing: networkNumber),
            let person = try await store.person(networkNumber: number.canonical)
        else { throw StoreError.notFound("no active network number \(networkNumber)") }
        return person.id
    }

    /// The person's state.
    public func state(personID: String) async throws -> PersonState {
        guard let current = try await store.lifecycleState(personID: personID) else {
            throw StoreError.notFound("no such person")
        }
        return current.state
    }

    /// What `transition` does besides changing the state.
    static func effects(of transition: LifecycleTransition) -> TransitionEffects {
        TransitionEffects(
            actions: transition.to == .cancelled ? [.shredRecord, .retireNumber, .revokeCertificates] : [],
            suspendedBy: transition.to == .suspended ? transition.actor.rawValue : nil)
    }

    /// Applies `event` to the person.
    /// - Returns: the recorded transition.
    /// - Throws: ``LifecycleError`` for a forbidden transition; ``StoreError`` `notFound`.
    @discardableResult
    public func apply(
        _ event: LifecycleEvent, personID: String, actor: LifecycleActor, reason: String, clientID: String? = nil,
        now: Date = Date()
    ) async throws -> LifecycleTransition {
        // Two attempts: a concurrent transition moves the state; the rules are then re-checked.
        for _ in 0..<2 {
            guard let current = try await store.lifecycleState(personID: personID) else {
                throw StoreError.notFound("no such person")
            }
            let transition = try PersonLifecycle.apply(
                event, to: current.state, by: actor, reason: reason,
                suspendedBy: current.suspendedBy.flatMap(LifecycleActor.init))
            let recorded = try await store.recordTransition(
                LifecycleEventRecord(
                    personID: personID, event: event.rawValue, from: transition.from, to: transition.to, actor: actor.rawValue,
                    reason: transition.reason, occurredAt: now),
                effects: Self.effects(of: transition),
                history: HistoryEntry(
                    personID: personID, clientID: clientID, event: HistoryEvent(event),
                    fields: [
                        "from": transition.from.rawValue, "to": transition.to.rawValue, "actor": actor.rawValue,
                        "reason": transition.reason,
                    ], at: now),
                securityEvent: SecurityEventType(event))
            if recorded { return transition }
        }
        throw StoreError.conflict("the person's state changed meanwhile; try again")
    }
}
