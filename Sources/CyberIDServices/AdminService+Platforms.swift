public import CyberIDKeys
public import CyberIDLifecycle
public import CyberIDProvider
public import CyberIDStore
public import Foundation

extension AdminService {
    // MARK: platforms

    /// Registers a platform.
    /// - Returns: the client and its secret (shown once), if it has one.
    public func registerClient(_ registration: ClientRegistration) async throws -> (Client, String?) {
        let (client, secret) = try await clients.register(registration)
        try await audited("client.register", target: client.id, reason: registration.legalBasis ?? "")
        return (client, secret)
    }

    /// Every platform.
    public func allClients() async throws -> [Client] { try await clients.clients() }

    /// One platform.
    /// - Throws: ``AdminError`` `unknown-client`.
    public func client(id: String) async throws -> Client {
        guard let client = try await clients.client(id: id) else { throw AdminError.unknownClient(id) }
        return client
    }

    /// Disables or re-enables a platform.
    public func setClientDisabled(id: String, _ disabled: Bool) async throws {
        _ = try await client(id: id)
        try await clients.setDisabled(id: id, disabled)
        try await audited(disabled ? "client.disable" : "client.enable", target: id, reason: "")
    }

    // MARK: document trust store

    /// Trusts a CSCA or loads a CRL.
    /// - Returns: `false` when it was already there.
    @discardableResult
    public func addTrustAnchor(_ anchor: TrustAnchorRecord) async throws -> Bool {
        let added = try await store.add(anchor)
        if added { try await audited("trust.add-\(anchor.kind.rawValue)", target: anchor.fingerprint, reason: anchor.label) }
        return added
    }

    /// The trusted CSCAs and loaded CRLs.
    public func trustAnchors() async throws -> [TrustAnchorRecord] { try await store.trustAnchors() }

    /// Removes the anchor whose fingerprint starts with `prefix`.
    public func removeTrustAnchor(fingerprintPrefix prefix: String) async throws -> TrustAnchorRecord {
        let removed = try await store.removeTrustAnchor(fingerprintPrefix: prefix)
        try await audited("trust.remove", target: removed.fingerprint, reason: removed.label)
        return removed
    }

    // MARK: signing keys

    /// The signing keys (active, retired, expired).
    public func signingKeySummaries() -> [SigningKeySet.Summary] { signingKeys.summaries }

    /// Makes a new signing key active; the old one stays published a day.
    /// - Returns: the new key's `kid`.
    public func rotateSigningKey() async throws -> String {
        let kid = try await signingKeys.rotate()
        try await audited("keys.rotate", target: kid, reason: "")
        return kid
    }

    // MARK: policy

    /// The re-verification intervals (`*` is global).
    public func reverificationIntervals() async throws -> [(scope: String, seconds: Int64, setAt: Date)] {
        try await store.reverificationIntervals()
    }

    /// Sets or clears (`seconds == nil`) the re-verification interval, globally (`clientID == nil`)
    /// or for one platform.
    /// - Throws: ``AdminError`` `unknown-client`.
    public func setReverificationInterval(clientID: String?, seconds: Int64?, reason: String) async throws {
        if let clientID { _ = try await client(id: clientID) }
        let scope = clientID ?? "*"
        try await store.setReverificationInterval(scope: scope, seconds: seconds, at: Date())
        try await audited(
            seconds == nil ? "policy.reverify-interval.clear" : "policy.reverify-interval", target: scope, reason: reason)
    }

    // MARK: audit

    /// Checks the audit log's chain and checkpoints.
    /// - Parameter saved: a checkpoint published earlier: the log must still hold what it pinned.
    public func verifyAudit(against saved: AuditCheckpointRecord? = nil) async throws -> AuditLog.Verification {
        try await audit.verify(against: saved)
    }

    /// The audit log, oldest first.
    public func auditEntries() async throws -> [AuditEntryRecord] { try await store.auditEntries() }
}
