public import CyberIDCore
public import CyberIDKeys
public import CyberIDLifecycle
public import CyberIDProvider
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// Every operator use case, for the CLI today and the operator console next: persons and their
/// lifecycle, identity records under a legal basis, certificates, platforms, the document trust
/// store, signing keys, policy and the audit log. Each change writes its audit entry (and a
/// signed checkpoint) here, in one place, naming the acting operator.
public struct AdminService: Sendable {
    /// The storage the use cases need.
    public typealias Store = PersonStore & HistoryStore & NetworkCertificateStore & CertificateRevocationStore
        & TrustAnchorStore & ReverificationPolicyStore & ClientStore & AuditStore & TransactionalStore & MasterKeyStore
        & OperatorStore & LifecycleStore & StatisticsStore & CertificateAuthorityStore

    let store: any Store
    let lifecycle: LifecycleService
    let vault: IdentityVault
    let clients: ClientRegistry
    let signingKeys: SigningKeySet
    let audit: AuditLog
    /// Who acts, as the audit log names them.
    public let actor: String

    /// Creates the service.
    /// - Parameter actor: the acting operator's name in the audit log.
    public init(
        store: any Store, lifecycle: LifecycleService, vault: IdentityVault, clients: ClientRegistry,
        signingKeys: SigningKeySet, audit: AuditLog, actor: String = "administrator"
    ) {
        (
            self.store, self.lifecycle, self.vault, self.clients, self.signingKeys, self.audit, self.actor
        ) = (
            store, lifecycle, vault, clients, signingKeys, audit, actor
        )
    }

    /// The same service acting as another operator (`--operator`, `CYBERID_OPERATOR`).
    public func acting(as name: String) -> AdminService {
        AdminService(
            store: store, lifecycle: lifecycle, vault: vault, clients: clients, signingKeys: signingKeys, audit: audit,
            actor: name)
    }

    /// Makes a change and its audit entry in one transaction (review finding 11: a change is
    /// never without its entry, nor an entry without its change), then signs a checkpoint.
    /// - Parameters:
    ///   - target: what the change is on; computed from its result.
    ///   - change: the store calls of the change; they join the transaction.
    func audited<T: Sendable>(
        _ action: String, reason: String, at time: Date = Date(), target: @escaping @Sendable (T) -> String,
        _ change: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        let (audit, actor) = (self.audit, self.actor)
        let result = try await store.inTransaction {
            let result = try await change()
            try await audit.record(actor: actor, action: action, target: target(result), reason: reason, at: time)
            return result
        }
        try await audit.checkpoint(at: time)
        return result
    }

    /// ``audited(_:reason:at:target:_:)`` for a change on a target known beforehand.
    func audited<T: Sendable>(
        _ action: String, target: String, reason: String, at time: Date = Date(),
        _ change: @escaping @Sendable () async throws -> T
    ) async throws -> T {
        try await audited(action, reason: reason, at: time, target: { _ in target }, change)
    }

    // MARK: persons

    /// The person holding an active network number.
    /// - Throws: ``AdminError`` `unknown-number`.
    public func personID(networkNumber: String) async throws -> String {
        do {
            return try await lifecycle.personID(networkNumber: networkNumber)
        } catch let error as StoreError where error == .notFound {
            throw AdminError.unknownNumber(networkNumber)
        }
    }

    /// A network number's lifecycle state.
    public func state(networkNumber: String) async throws -> PersonState {
        try await lifecycle.state(personID: try await personID(networkNumber: networkNumber))
    }

    /// Applies a lifecycle event as an administrator, with a reason.
    /// - Throws: ``LifecycleError`` for a forbidden transition; ``AdminError``.
    public func apply(_ event: LifecycleEvent, networkNumber: String, reason: String) async throws -> LifecycleTransition {
        let person = try await personID(networkNumber: networkNumber)
        let lifecycle = self.lifecycle
        // Checked (and trimmed) by the lifecycle's own rule first: the audit records the text the
        // transition records.
        let reason = try PersonLifecycle.checkedReason(reason, for: event)
        let transition = try await audited("person.\(event.rawValue)", target: person, reason: reason) {
            try await lifecycle.apply(event, personID: person, actor: .administrator, reason: reason)
        }
        return transition
    }

    /// An operator's reason or legal basis as recorded (audit log, history, four-eyes request):
    /// trimmed, 1 to ``CyberIDCore/PersonLifecycle/reasonLimit`` characters of plain text (no
    /// control character: a NUL cannot be stored, a line break or an escape would forge lines
    /// where the text is shown), as a lifecycle reason.
    /// - Throws: ``AdminError`` `reason-required`, `invalid-reason`.
    public static func checkedReason(_ text: String, for what: String) throws -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw AdminError.reasonRequired(what) }
        guard trimmed.isPlainText(atMost: PersonLifecycle.reasonLimit) else { throw AdminError.invalidReason(what) }
        return trimmed
    }

    /// Reads an identity record under a legal basis: audited, and shown in the person's history.
    /// - Throws: ``AdminError`` `unknown-number`, `record-unavailable`, `reason-required`.
    /// - Parameter roles: the roles of the operators who asked and approved (the console's
    ///   four-eyes read), shown to the person beside the legal basis — roles, never names.
    public func readRecord(networkNumber: String, legalBasis: String, roles: [String] = [], now: Date = Date()) async throws
        -> IdentityRecord
    {
        try await readRecord(networkNumber: networkNumber, legalBasis: legalBasis, roles: roles, now: now) {}
    }

    /// ``readRecord(networkNumber:legalBasis:roles:now:)`` with `alongside` in the same
    /// transaction (a four-eyes request marked carried out).
    func readRecord(
        networkNumber: String, legalBasis: String, roles: [String], now: Date,
        alongside: @escaping @Sendable () async throws -> Void
    ) async throws -> IdentityRecord {
        let basis = try Self.checkedReason(legalBasis, for: "reading an identity record")
        let (id, record) = try await openRecord(networkNumber: networkNumber)
        let store = self.store
        try await audited("record.read", target: id, reason: basis, at: now) {
            try await alongside()
            var fields = ["legal_basis": basis]
            if !roles.isEmpty { fields["roles"] = roles.joined(separator: ", ") }
            try await store.append(HistoryEntry(personID: id, event: .recordAccessed, fields: fields, at: now))
        }
        return record
    }

    /// The person holding `networkNumber` and their opened identity record (no audit: the
    /// callers write theirs).
    /// - Throws: ``AdminError`` `unknown-number`, `record-unavailable`.
    func openRecord(networkNumber: String) async throws -> (personID: String, record: IdentityRecord) {
        let id = try await personID(networkNumber: networkNumber)
        guard let person = try await store.person(id: id), let record = try vault.open(person) else {
            throw AdminError.recordUnavailable()
        }
        return (id, record)
    }

    // MARK: certificates

    /// A network number's certificates, newest first.
    public func certificates(networkNumber: String) async throws -> [NetworkCertificateRecord] {
        try await store.networkCertificates(personID: try await personID(networkNumber: networkNumber))
    }

    /// Revokes a network certificate: logins with it stop at once and it is on the CRL.
    /// - Throws: ``AdminError`` `unknown-certificate`, `certificate-already-revoked`.
    public func revokeCertificate(serial: String, reason: String, now: Date = Date()) async throws {
        let serial = serial.lowercased()
        let reason = try Self.checkedReason(reason, for: "revoking a certificate")
        guard let certificate = try await store.networkCertificate(serial: serial) else {
            throw AdminError.unknownCertificate(serial)
        }
        let history = HistoryEntry(
            personID: certificate.personID, event: .certificateRevoked,
            fields: ["serial": serial, "actor": "administrator", "reason": reason], at: now)
        let store = self.store
        try await audited("certificate.revoke", target: serial, reason: reason, at: now) {
            guard try await store.revokeCertificate(serial: serial, at: now, history: history) else {
                throw AdminError.alreadyRevoked(serial)
            }
        }
    }
}
