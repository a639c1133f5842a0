public import CyberIDAdapters
public import CyberIDCore
public import CyberIDIssuance
public import CyberIDKeys
public import CyberIDLimits
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// Timings and names of the provider.
public struct ProviderConfiguration: Sendable {
    /// The issuer URL (no trailing slash).
    public var issuer: String
    /// How long a login transaction (QR code) can be approved.
    public var loginLifetime: TimeInterval = 120
    /// Seconds the login page shows each code of its animated QR code: the codes' steps are the
    /// login's age in seconds rounded down to a multiple of this (`CYBERID_QR_STEP_SECONDS`; 1–10,
    /// a value outside is taken as the nearest).
    public var qrStepSeconds = 5
    /// The most page polls a node holds at once (`wait=1`; `CYBERID_HELD_POLL_LIMIT`): beyond
    /// it a poll is answered at once and the page asks again a second later, as without holds.
    /// A held poll is a task and an open connection (a few kilobytes) for up to
    /// ``qrStepSeconds``; the node reads the logins of all of them once a second (``LoginWatch``).
    public var heldPollLimit = 100_000
    /// Whether a node reads its held pages' logins once a second to see decisions written
    /// through other nodes (``LoginWatch``); tests turn it off to see a decision written through
    /// the node reach its pages without it.
    var heldPollsReadTheStore = true
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
    /// Face checks one identity may attempt per day (re-verification; enrollment counts too).
    public var faceAttemptsPerDay: Int64 = 5
    /// The least time between two fetches of a client's JWKS URL after a signature that does
    /// not verify (review finding 7: bad assertions must not make the service hammer a URL).
    public var jwksRefetchInterval: TimeInterval = 60
    /// log2 of scrypt's N for new network-identity password hashes (``PasswordHasher``;
    /// `CYBERID_PASSWORD_SCRYPT_LOG_N`).
    public var passwordLogRounds = PasswordHasher.defaultLogRounds
    /// How long an in-person verification code works (``InPersonCode/lifetime`` by default).
    public var inPersonCodeLifetime = InPersonCode.lifetime
    /// The form new sealed tokens take: 4, or 3 or 2 while older nodes that open only those
    /// still run (``Sealer``; `CYBERID_SEALING_FORM`). All three are opened either way.
    public var sealingForm: UInt8 = 4
    /// In-person codes one person may make per hour (each is a row until it is purged).
    public var inPersonCodesPerHour: Int64 = 60
    /// Wrong numbers one person's wallet may pick in cross-device logins an hour (the rate
    /// limits' sliding estimate); past them the person's cross-device approvals are refused until
    /// the estimate allows one again — up to 80 minutes with the default
    /// (`CYBERID_WRONG_MATCH_NUMBERS_PER_HOUR`; relying-parties.md §4a).
    public var wrongMatchNumbersPerHour: Int64 = 3
    /// Whether a same-device approval must sign the digest of the view the wallet showed
    /// (`view`; `CYBERID_REQUIRE_LOGIN_VIEW`, off by default): on once no wallet from before the
    /// view in the link is left and every node runs a release that checks it (relying-parties.md §4a).
    public var requireLoginView = false

    /// Creates a configuration with the default timings.
    public init(issuer: String) { self.issuer = issuer }
}

/// The sealers of a login's travelling state, one purpose (and key) each.
struct LoginSealers: Sendable {
    let request: Sealer
    let ticket: Sealer
    let code: Sealer
    let accessToken: Sealer
    let pushedRequest: Sealer
    let scan: Sealer
    /// Chip challenges of wallet requests proved with the document (``LoginService/chipChallenge(for:now:)``).
    let chipChallenge: Sealer
    /// The form they seal; with 4 the decision row's grant is written in its binary layout too
    /// (``LoginGrant/payload(form:)``).
    let form: UInt8

    init(masterKey: MasterKey, form: UInt8) {
        self.form = form
        request = Sealer(masterKey: masterKey, purpose: "login-request v1", form: form)
        ticket = Sealer(masterKey: masterKey, purpose: "login-ticket v1", form: form)
        code = Sealer(masterKey: masterKey, purpose: "authorization-code v1", form: form)
        accessToken = Sealer(masterKey: masterKey, purpose: "access-token v1", form: form)
        pushedRequest = Sealer(masterKey: masterKey, purpose: "pushed-request v1", form: form)
        scan = Sealer(masterKey: masterKey, purpose: "qr-scan v1", form: form)
        chipChallenge = Sealer(masterKey: masterKey, purpose: "chip-challenge v1", form: form)
    }
}

/// The OpenID Provider, as endpoint families over shared keys and storage:
/// ``LoginService`` (authorization request, the page's login, the wallet's decision as a
/// pipeline of named checks, wallet-request authentication) and ``TokenService`` (code grant,
/// PAR, userinfo, revocation, platforms' re-verification demands); discovery in
/// `Discovery.swift`, client registration in `Clients/`.
///
/// State that must be single-use lives in the database (a login's decision, a code's
/// exchange, an assertion's `jti`); the rest of a login travels sealed (``Sealer``): the
/// request in the browser's page, the ticket in the QR code, the code, the access token.
/// Any server process with the master key can therefore continue any login, and a complete
/// login costs two database writes.
public final class OpenIDProvider: Sendable {
    /// The storage the provider needs.
    public typealias Store = LoginDecisionStore & LoginTransactionStore & ConsentStore & RestrictionStore
        & ClientAssertionStore & PersonStore & HistoryStore & ClientStore & PasswordStore & InPersonCodeStore & TransactionalStore

    /// The login endpoints (`/authorize`, the page's status and continue, the wallet API).
    public let login: LoginService
    /// The token endpoints (`/token`, `/par`, `/userinfo`, `/revoke`, `/rp/v1/reverifications`).
    public let tokens: TokenService
    /// The client registry (admin use cases).
    public let clients: ClientRegistry
    /// The network-identity passwords (set, change, reset; checked by logins in R02 and R04).
    public let passwords: PasswordService
    let configuration: ProviderConfiguration
    /// Seals a first-party sign-in's pending values into its browser cookie.
    let firstPartySealer: Sealer

    /// Creates the provider.
    /// - Parameters:
    ///   - configuration: issuer and timings.
    ///   - store: the store (clients, decisions, persons, certificates).
    ///   - masterKey: derives the sealing and pairwise keys.
    ///   - signingKeys: the service's ES256 keys for ID tokens.
    ///   - authority: the CA that issued wallet certificates.
    ///   - faceMatcher: when set, a re-verification includes a face check against the portrait
    ///     kept in the person's sealed record.
    ///   - documentReproof: checks the chip a re-verification presents; without it a
    ///     re-verification is refused (`document-check-unavailable`).
    ///   - today: the civil day of an instant, for age claims.
    public init(
        configuration: ProviderConfiguration, store: any Store, masterKey: MasterKey, signingKeys: SigningKeySet,
        authority: CertificateAuthority, faceMatcher: (any FaceMatcher)? = nil, limiter: RateLimiter? = nil,
        documentReproof: DocumentReproof? = nil,
        today: @escaping @Sendable (Date) -> CalendarDate = { CalendarDate.civilDay(of: $0) }
    ) {
        self.configuration = configuration
        firstPartySealer = Sealer(masterKey: masterKey, purpose: "first-party-signin v1", form: configuration.sealingForm)
        let registry = ClientRegistry(store: store)
        let sealers = LoginSealers(masterKey: masterKey, form: configuration.sealingForm)
        let vault = IdentityVault(masterKey: masterKey)
        clients = registry
        let validator = AuthorizationValidator(registry: registry, pushedRequests: sealers.pushedRequest, singleUse: store)
        let pairwise = PairwiseSubject(masterKey: masterKey)
        let codeDigest = InPersonCodeDigest(masterKey: masterKey)
        passwords = PasswordService(
            store: store, hasher: PasswordHasher(masterKey: masterKey, logRounds: configuration.passwordLogRounds),
            vault: vault)
        login = LoginService(
            configuration: configuration, registry: registry, store: store, authority: authority, vault: vault,
            pairwise: pairwise, sealers: sealers, relay: RelayGuard(masterKey: masterKey),
            faceMatcher: faceMatcher, limiter: limiter, documentReproof: documentReproof, validator: validator,
            passwords: passwords, codeDigest: codeDigest,
            watch: LoginWatch(store: store, limit: configuration.heldPollLimit, reads: configuration.heldPollsReadTheStore))
        tokens = TokenService(
            configuration: configuration, registry: registry, store: store, signer: JWTSigner(keys: signingKeys),
            vault: vault,
            authenticator: ClientAuthenticator(
                registry: registry, assertions: store, issuer: configuration.issuer,
                keys: JWKSCache(refetchInterval: configuration.jwksRefetchInterval)),
            validator: validator, sealers: sealers, pairwise: pairwise, codeDigest: codeDigest, today: today)
    }

    var issuer: String { configuration.issuer }
}
