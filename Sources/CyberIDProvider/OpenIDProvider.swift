public import CyberIDCore
public import CyberIDEnrollment
public import CyberIDKeys
public import CyberIDStore
public import Foundation

/// Timings and names of the provider.
public struct ProviderConfiguration: Sendable {
    /// The issuer URL (no trailing slash).
    public var issuer: String
    /// How long a login transaction (QR code) can be approved.
    public var loginLifetime: TimeInterval = 120
    /// Authorization code lifetime.
    public var codeLifetime: TimeInterval = 60
    /// Access token lifetime.
    public var accessTokenLifetime: TimeInterval = 300
    /// ID token lifetime.
    public var idTokenLifetime: TimeInterval = 300
    /// Pushed request lifetime.
    public var pushedRequestLifetime: TimeInterval = 60
    /// Allowed clock difference for wallet approvals.
    public var approvalSkew: TimeInterval = 300

    /// Creates a configuration with the default timings.
    public init(issuer: String) { self.issuer = issuer }
}

/// The OpenID Provider: authorization requests, the wallet login, consent, and tokens.
///
/// State that must be single-use lives in the database (a login's decision, a code's
/// exchange, an assertion's `jti`); the rest of a login travels sealed (``Sealer``): the
/// request in the browser's page, the ticket in the QR code, the code, the access token.
/// Any server process with the master key can therefore continue any login, and a complete
/// login costs two database writes.
public final class OpenIDProvider: Sendable {
    let configuration: ProviderConfiguration
    let registry: ClientRegistry
    let decisions: any LoginDecisionStore
    let transactions: any LoginTransactionStore
    let persons: any PersonStore
    let history: any HistoryStore
    let securityEvents: any SecurityEventStore
    let authority: CertificateAuthority
    let signer: IDTokenSigner
    let records: IdentityRecordReader
    let authenticator: ClientAuthenticator
    let validator: AuthorizationValidator
    let pairwise: PairwiseSubject
    let issuedCertificates = IssuedCertificateCache()
    let faceMatcher: (any FaceMatcher)?
    let today: @Sendable (Date) -> CalendarDate
    let requestSealer: Sealer
    let ticketSealer: Sealer
    let codeSealer: Sealer
    let accessTokenSealer: Sealer
    let pushedRequestSealer: Sealer

    /// Creates the provider.
    /// - Parameters:
    ///   - configuration: issuer and timings.
    ///   - store: the store (clients, decisions, persons, certificates).
    ///   - masterKey: derives the sealing and pairwise keys.
    ///   - signingKeys: the service's ES256 keys for ID tokens.
    ///   - authority: the CA that issued wallet certificates.
    ///   - faceMatcher: when set, a re-verification includes a face check against the portrait
    ///     kept in the person's sealed record.
    ///   - today: the civil day of an instant, for age claims.
    public init(
        configuration: ProviderConfiguration, store: SQLStore, masterKey: MasterKey, signingKeys: SigningKeySet,
        authority: CertificateAuthority, faceMatcher: (any FaceMatcher)? = nil,
        today: @escaping @Sendable (Date) -> CalendarDate = { CalendarDate.civilDay(of: $0) }
    ) {
        self.configuration = configuration
        self.faceMatcher = faceMatcher
        registry = ClientRegistry(store: store)
        decisions = store
        transactions = store
        persons = store
        history = store
        securityEvents = store
        self.authority = authority
        signer = IDTokenSigner(keys: signingKeys)
        records = IdentityRecordReader(masterKey: masterKey)
        authenticator = ClientAuthenticator(registry: registry, decisions: store, issuer: configuration.issuer)
        pushedRequestSealer = Sealer(masterKey: masterKey, purpose: "pushed-request v1")
        validator = AuthorizationValidator(registry: registry, pushedRequests: pushedRequestSealer)
        pairwise = PairwiseSubject(masterKey: masterKey)
        self.today = today
        requestSealer = Sealer(masterKey: masterKey, purpose: "login-request v1")
        ticketSealer = Sealer(masterKey: masterKey, purpose: "login-ticket v1")
        codeSealer = Sealer(masterKey: masterKey, purpose: "authorization-code v1")
        accessTokenSealer = Sealer(masterKey: masterKey, purpose: "access-token v1")
    }

    /// The client registry (admin commands).
    public var clients: ClientRegistry { registry }

    var issuer: String { configuration.issuer }
}
