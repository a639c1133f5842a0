public import CyberIDCore
public import CyberIDIssuance
public import CyberIDLifecycle
public import CyberIDProvider
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// A remembered consent as the wallet (and the portal) lists it.
public struct ConsentView: Sendable, Codable, Equatable {
    public var clientID: String
    public var clientName: String
    public var claims: [String]
    public var grantedAt: Date

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientName = "client_name", claims, grantedAt = "granted_at"
    }
}

/// The domain of ``HolderError``.
public enum HolderDomain: ErrorDomain {}

/// Why a holder's request was refused.
public typealias HolderError = DomainError<HolderDomain>

extension DomainError where Domain == HolderDomain {
    static func noConsent(_ clientID: String) -> Self {
        Self(code: "unknown-client", kind: .notFound, reason: "no consent for \(clientID)")
    }
    static func eventNotAllowed(_ event: LifecycleEvent) -> Self {
        Self(code: "actor-not-allowed", kind: .forbidden, reason: "\(event.rawValue) is not the holder's to do here")
    }
    static func documentRequired(_ event: LifecycleEvent) -> Self {
        Self(
            code: "document-required", kind: .forbidden,
            reason: "\(event == .cancel ? "cancelling" : "resuming") a number needs a fresh proof: your document's chip (cyberid wallet lifecycle \(event.rawValue) --document DIR)")
    }
    static func documentCheckUnavailable() -> Self {
        Self(code: "document-check-unavailable", kind: .unavailable, reason: "the service cannot check documents right now")
    }
}

/// What a person does about their own network number — for the wallet API today and the
/// citizen portal next: read their history, list and withdraw consents, suspend, resume or
/// cancel their number, renew their certificate; and as a guardian, the same for a minor.
public struct HolderService: Sendable {
    /// The storage the use cases need.
    public typealias Store = ConsentStore & HistoryStore & PersonStore & NetworkCertificateStore & LifecycleStore
        & HolderViewStore

    let store: any Store
    let clients: ClientRegistry
    let lifecycle: LifecycleService
    let guardianship: Guardianship
    let documentReproof: DocumentReproof?
    let renewal: RenewalService
    let history: PersonHistory
    /// Opens the sealed record for the portal's masked phone.
    let vault: IdentityVault?

    /// Creates the service.
    public init(
        store: any Store, clients: ClientRegistry, lifecycle: LifecycleService, guardianship: Guardianship,
        renewal: RenewalService, documentReproof: DocumentReproof? = nil, vault: IdentityVault? = nil
    ) {
        (
            self.store, self.clients, self.lifecycle, self.guardianship, self.renewal, self.documentReproof, self.vault
        ) = (
            store, clients, lifecycle, guardianship, renewal, documentReproof, vault
        )
        self.history = PersonHistory(store: store) { try await clients.client(id: $0)?.name }
    }

    /// The person's history, newest first, with the platforms' current names.
    public func history(personID: String, limit: Int = 100) async throws -> [HistoryView] {
        try await history.lines(personID: personID, limit: limit)
    }

    /// The person's remembered consents, with the platforms' names.
    public func consents(personID: String) async throws -> [ConsentView] {
        var out = [ConsentView]()
        for consent in try await store.consents(personID: personID) {
            let name = try await clients.client(id: consent.clientID)?.name ?? consent.clientID
            out.append(
                ConsentView(
                    clientID: consent.clientID, clientName: name, claims: consent.claims.sorted(),
                    grantedAt: consent.grantedAt))
        }
        return out
    }

    /// Withdraws the person's consent for a platform, and records it in the history.
    /// - Throws: ``HolderError`` `unknown-client` when there was none.
    public func withdrawConsent(personID: String, clientID: String, now: Date = Date()) async throws {
        guard try await store.withdrawConsent(personID: personID, clientID: clientID) else {
            throw HolderError.noConsent(clientID)
        }
        try await history.record(HistoryEntry(personID: personID, clientID: clientID, event: .consentWithdrawn, at: now))
    }

    /// The holder suspends, resumes or cancels their own number.
    /// - Parameters:
    ///   - document: for `cancel` and `resume`, a fresh proof (review finding 6): the chip of the
    ///     holder's document on record, answering `challenge` (the service's fresh chip
    ///     challenge bound to the request's `jti`: `LoginService.chipChallengeBytes`).
    ///     A resume needs it because a suspension answers "my phone is lost": whoever holds only the
    ///     phone must not undo it (the portal's "I lost my phone" is made without the phone).
    /// - Throws: ``HolderError`` `event-not-allowed`, `document-required`; the chip's errors.
    public func apply(
        _ event: LifecycleEvent, personID: String, reason: String, document: PresentedDocument? = nil,
        challenge: [UInt8] = []
    ) async throws -> LifecycleTransition {
        guard [.suspend, .resume, .cancel].contains(event) else { throw HolderError.eventNotAllowed(event) }
        // The reason before the chip: a refused reason must not cost the person a chip tap.
        _ = try PersonLifecycle.checkedReason(reason, for: event)
        if event == .cancel || event == .resume {
            guard let document else { throw HolderError.documentRequired(event) }
            guard let documentReproof else { throw HolderError.documentCheckUnavailable() }
            try await documentReproof(document, challenge, personID, Date())
        }
        return try await lifecycle.apply(event, personID: personID, actor: .person, reason: reason)
    }

    /// The ward behind `wardNumber`, if `guardianID` is their guardian today (the link ends at 18).
    /// - Returns: the ward's person id, for ``applyToWard(_:wardID:reason:)`` and
    ///   ``history(personID:limit:)``.
    public func ward(_ wardNumber: String, guardianID: String) async throws -> String {
        try await guardianship.ward(networkNumber: wardNumber, guardianID: guardianID)
    }

    /// A guardian suspends or resumes their ward's number.
    /// - Parameter wardID: a ward id from ``ward(_:guardianID:)``.
    public func applyToWard(_ event: LifecycleEvent, wardID: String, reason: String) async throws -> LifecycleTransition {
        guard [.suspend, .resume].contains(event) else { throw HolderError.eventNotAllowed(event) }
        return try await lifecycle.apply(event, personID: wardID, actor: .guardian, reason: reason)
    }

    /// Renews the holder's certificate with a new key.
    public func renew(personID: String, csr: [UInt8], presentedSerial: String) async throws -> CertificateIssued {
        try await renewal.renew(personID: personID, csr: csr, presentedSerial: presentedSerial)
    }
}
