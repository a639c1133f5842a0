public import CyberIDCore
public import CyberIDStore
public import Foundation

/// What an operator sees of a network number: never the identity, only its state and history
/// of changes — for a cancelled (retired) number too, which still shows what happened to it.
public struct PersonSummary: Sendable {
    public var personID: String
    public var state: PersonState
    /// `active` or `retired`.
    public var numberStatus: String
    public var level: AssuranceLevel
    public var certificates: [NetworkCertificateRecord]
    public var events: [LifecycleEventRecord]
}

extension AdminService {
    /// A network number's state, certificates and lifecycle events, whether it is active or
    /// retired by a cancellation (issue 15: `admin person show` used to answer a cancelled
    /// number as if it never existed).
    /// - Throws: ``AdminError`` `unknown-number` for a number never issued.
    /// ``summary(networkNumber:)`` for an operator's look-up in the console: audited
    /// (`person.look-up`, by the person's id), so probing numbers leaves a trace.
    public func lookUp(networkNumber: String, now: Date = Date()) async throws -> PersonSummary {
        let summary = try await summary(networkNumber: networkNumber)
        try await audited("person.look-up", target: summary.personID, reason: "console look-up", at: now) {}
        return summary
    }

    public func summary(networkNumber: String) async throws -> PersonSummary {
        guard let number = try? NetworkNumber(parsing: networkNumber),
            let (person, status) = try await store.personEverHolding(networkNumber: number.canonical)
        else { throw AdminError.unknownNumber(networkNumber) }
        return PersonSummary(
            personID: person.id, state: person.state, numberStatus: status, level: person.assuranceLevel,
            certificates: try await store.networkCertificates(personID: person.id),
            events: try await store.lifecycleEvents(personID: person.id))
    }
}
