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
        let clients = self.clients
        let (client, secret) = try await audited(
            "client.register", reason: registration.legalBasis ?? "", target: { $0.0.id }
        ) { try await clients.register(registration) }
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
        let clients = self.clients
        try await audited(disabled ? "client.disable" : "client.enable", target: id, reason: "") {
            try await clients.setDisabled(id: id, disabled)
        }
    }

    /// Changes a platform's name, legal basis and events URL (audited with the new legal basis).
    /// - Throws: ``AdminError`` `unknown-client`; ``ProviderError`` `invalid-client-registration`.
    @discardableResult
    public func changeClient(id: String, _ change: ClientChange) async throws -> Client {
        let before = try await client(id: id)
        let clients = self.clients
        let reason = Self.changeSummary(before, change)
        return try await audited("client.change", target: id, reason: reason) {
            try await clients.change(id: id, change)
        }
    }

    /// What a change changes, for the audit: `name; legal basis: …; events URL: …`.
    static func changeSummary(_ before: Client, _ change: ClientChange) -> String {
        func clean(_ text: String?) -> String? { text?.trimmingCharacters(in: .whitespaces).nonEmptyText }
        var parts = [String]()
        if clean(change.name) != before.name { parts.append("name: \(clean(change.name) ?? "")") }
        if clean(change.legalBasis) != before.metadata.legalBasis {
            parts.append("legal basis: \(clean(change.legalBasis) ?? "removed")")
        }
        if clean(change.eventsURI) != before.metadata.eventsURI { parts.append("events URL: \(clean(change.eventsURI) ?? "removed")") }
        return parts.isEmpty ? "no change" : parts.joined(separator: "; ")
    }

    /// Security Event Token delivery per platform (delivered, waiting, the last error).
    public func eventDelivery() async throws -> [DeliveryStatusRecord] { try await store.securityEventDelivery() }

    // MARK: document trust store

    /// Trusts a CSCA or loads a CRL.
    /// - Returns: `false` when it was already there.
    @discardableResult
    public func addTrustAnchor(_ anchor: TrustAnchorRecord) async throws -> Bool {
        let store = self.store
        do {
            return try await audited("trust.add-\(anchor.kind.rawValue)", target: anchor.fingerprint, reason: anchor.label) {
                // Already there: nothing changed, and the transaction (with its entry) is undone.
                guard try await store.add(anchor) else { throw AlreadyThere() }
                return true
            }
        } catch is AlreadyThere {
            return false
        }
    }

    private struct AlreadyThere: Error {}

    /// The trusted CSCAs and loaded CRLs.
    public func trustAnchors() async throws -> [TrustAnchorRecord] { try await store.trustAnchors() }

    /// Removes the anchor whose fingerprint starts with `prefix`.
    public func removeTrustAnchor(fingerprintPrefix prefix: String) async throws -> TrustAnchorRecord {
        let store = self.store
        let removed = try await audited("trust.remove", reason: "", target: { $0.fingerprint }) {
            try await store.removeTrustAnchor(fingerprintPrefix: prefix)
        }
        return removed
    }

    // MARK: signing keys

    /// The signing keys (active, retired, expired).
    public func signingKeySummaries() -> [SigningKeySet.Summary] { signingKeys.summaries }

    /// Makes a new signing key active; the old one stays published a day.
    /// - Returns: the new key's `kid`.
    public func rotateSigningKey(reason: String = "") async throws -> String {
        let signingKeys = self.signingKeys
        do {
            let kid = try await audited("keys.rotate", reason: reason, target: { $0 }) { try await signingKeys.rotate() }
            try await signingKeys.refresh()
            return kid
        } catch {
            // A rotation undone with its audit entry must not stay in this process's snapshot
            // (rotate() refreshed it inside the transaction).
            try? await signingKeys.refresh()
            throw error
        }
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
        let reason = try Self.checkedReason(reason, for: "a re-verification policy")
        if let clientID { _ = try await client(id: clientID) }
        let scope = clientID ?? "*"
        let store = self.store
        try await audited(
            seconds == nil ? "policy.reverify-interval.clear" : "policy.reverify-interval", target: scope, reason: reason
        ) { try await store.setReverificationInterval(scope: scope, seconds: seconds, at: Date()) }
    }

    // MARK: audit

    /// Checks the audit log's chain and checkpoints.
    /// - Parameter saved: a checkpoint published earlier: the log must still hold what it pinned.
    public func verifyAudit(against saved: AuditCheckpointRecord? = nil) async throws -> AuditLog.Verification {
        try await audit.verify(against: saved)
    }

    /// The newest signed checkpoint of the audit log, if there is one.
    public func latestAuditCheckpoint() async throws -> AuditCheckpointRecord? { try await audit.latestCheckpoint() }

    /// Up to `limit` audit entries after sequence number `seq`, in sequence order (a page).
    public func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntryRecord] {
        try await store.auditEntries(after: seq, limit: limit)
    }

    /// The audit entries matching `query`, newest first, at most `limit`, and how many match.
    public func auditEntries(matching query: AuditQuery, limit: Int) async throws -> (entries: [AuditEntryRecord], total: Int) {
        try await store.auditEntries(matching: query, limit: limit)
    }
}

extension String {
    /// `nil` for an empty string.
    fileprivate var nonEmptyText: String? { isEmpty ? nil : self }
}
