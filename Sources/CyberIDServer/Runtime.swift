import CyberIDAdapters
import CyberIDCore
public import CyberIDCredentials
import CyberIDDocuments
public import CyberIDEnrollment
public import CyberIDIssuance
public import CyberIDKeys
public import CyberIDLimits
public import CyberIDLifecycle
public import CyberIDProvider
public import CyberIDServices
public import CyberIDStore
import CyberIDVault
public import Logging
import Foundation
import ServiceLifecycle

/// The wired-up service: settings, store, keys. Built once by `serve` and by admin commands.
///
/// Opening applies pending migrations and loads (or, on first start, generates) the signing
/// keys, so every entry point sees a ready store.
public struct Runtime: Sendable {
    /// The validated settings.
    public let settings: ServerSettings
    /// The database; its `run()` must be kept running (``withRuntime(settings:logger:_:)`` or a
    /// service group does that).
    public let database: any SQLDatabase
    /// The store over ``database``.
    public let store: SQLStore
    /// The master key (never logged).
    public let masterKey: MasterKey
    /// Where the master key came from.
    public let masterKeySource: MasterKey.Source
    /// The signing keys.
    public let signingKeys: SigningKeySet
    /// Whether this start generated the first signing key.
    public let generatedSigningKey: Bool
    /// The CyberID root and issuing CAs.
    public let authority: CertificateAuthority
    /// The enrollment flow.
    public let enrollment: EnrollmentService
    /// The OpenID Provider.
    public let provider: OpenIDProvider
    /// Person lifecycle transitions.
    public let lifecycle: LifecycleService
    /// The hash-chained audit log of administrative actions.
    public let audit: AuditLog
    /// Guardians' rights over minors.
    public let guardianship: Guardianship
    /// Operators' use cases (audited).
    public let admin: AdminService
    /// The holder's own use cases (wallet API, portal).
    public let holder: HolderService
    /// Security Event Token delivery to platforms.
    public let securityEvents: SecurityEventDelivery
    /// The rate limiter (counters in the store, shared by every process).
    public let limiter: RateLimiter
    /// The offline credentials' issuer (OpenID4VCI, SD-JWT VC, status lists).
    public let credentials: CredentialService
    /// The signed-in browsers of CyberID's own web applications (the portal).
    public let webSessions: WebSessionService

    /// Opens the database and loads the master key; the caller then runs the database and
    /// calls ``prepare(_:logger:)``.
    static func open(settings: ServerSettings, logger: Logger) async throws -> (any SQLDatabase, MasterKey, MasterKey.Source) {
        let (masterKey, source) = try MasterKey.load(
            environmentValue: settings.masterKey, previousValue: settings.previousMasterKey,
            dataDirectory: settings.dataDirectory)
        let database = try await settings.database.open(logger: logger, sqliteSynchronous: settings.sqliteSynchronous)
        return (database, masterKey, source)
    }

    /// Migrates the schema and loads the keys of an open, running database.
    static func prepare(
        settings: ServerSettings, database: any SQLDatabase, masterKey: MasterKey, source: MasterKey.Source,
        logger: Logger
    ) async throws -> Runtime {
        try await Migrator().migrate(database, logger: logger)
        let store = SQLStore(database: database)
        let masterKey = try await MasterKeyRoots.resolve(masterKey, store: store)
        if let previous = masterKey.previous {
            logger.notice("master-key rotation in progress: the previous key \(previous.keyID) is accepted for opening")
        }
        let keys = SigningKeySet(
            store: store, masterKey: masterKey, activationDelay: TimeInterval(settings.signingKeyActivationSeconds))
        let generated = try await keys.loadOrCreate()
        let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: masterKey)
        let runtime = assemble(
            settings: settings, database: database, store: store, masterKey: masterKey, source: source, keys: keys,
            generated: generated, authority: authority)
        // CyberID's own applications sign people in as reserved clients (the redirect URI
        // follows the issuer, so they are brought up to date at every start).
        for client in FirstPartyClient.all {
            try await runtime.provider.clients.ensure(client, issuer: settings.issuer)
        }
        return runtime
    }

    /// Wires the services over a migrated store and loaded keys.
    private static func assemble(
        settings: ServerSettings, database: any SQLDatabase, store: SQLStore, masterKey: MasterKey,
        source: MasterKey.Source, keys: SigningKeySet, generated: Bool, authority: CertificateAuthority
    ) -> Runtime {
        let sms: any SMSSender =
            settings.smsWebhookURL.map { WebhookSMSSender(url: $0, token: settings.smsWebhookToken) }
            ?? OutboxSMSSender(path: URL(fileURLWithPath: settings.dataDirectory).appendingPathComponent("sms-outbox.jsonl").path)
        let faceMatcher = settings.faceMatcherURL.map { HTTPFaceMatcher(url: $0, threshold: settings.faceMatchThreshold) }
        var configuration = EnrollmentConfiguration(issuer: settings.issuer)
        configuration.certificateLifetime = TimeInterval(settings.certificateDays) * 86_400
        configuration.sessionLifetime = TimeInterval(settings.enrollmentTTLSeconds)
        configuration.maxCodesPerPhonePerHour = Int64(settings.smsPerPhonePerHour)
        configuration.staleRevocation = StaleRevocationPolicy(rawValue: settings.staleRevocationPolicy) ?? .refuse
        configuration.maxCodesPerDocumentPerHour = Int64(settings.limits.codeSendsPerDocumentPerHour)
        configuration.maxCodesPerMinute = Int64(settings.limits.codeSendsPerMinute)
        configuration.maxFaceAttemptsPerDay = Int64(settings.limits.faceAttemptsPerDay)
        let limiter = RateLimiter(store: store, masterKey: masterKey)
        let today: @Sendable () -> CalendarDate = { CalendarDate.civilDay(of: Date()) }
        let enrollment = EnrollmentService(
            store: store, masterKey: masterKey, authority: authority, sms: sms, faceMatcher: faceMatcher,
            configuration: configuration, today: today)
        let reproof: DocumentReproof = { document, challenge, personID, _ in
            try await enrollment.reprove(
                chip: ChipData(dg1: document.dg1, dg2: document.dg2, dg15: document.dg15, sod: document.sod),
                aaSignature: document.aaSignature, challenge: challenge, personID: personID)
        }
        let provider = OpenIDProvider(
            configuration: providerConfiguration(settings), store: store, masterKey: masterKey, signingKeys: keys,
            authority: authority, faceMatcher: faceMatcher, limiter: limiter,
            documentReproof: reproof)
        let vault = IdentityVault(masterKey: masterKey)
        let lifecycle = LifecycleService(store: store)
        let audit = AuditLog(store: store, keys: keys)
        let guardianship = Guardianship(persons: store, vault: vault, today: today)
        let renewal = RenewalService(
            store: store, vault: vault,
            issuer: NetworkCertificateIssuer(authority: authority, lifetime: configuration.certificateLifetime))
        let clients = provider.clients
        return Runtime(
            settings: settings, database: database, store: store, masterKey: masterKey, masterKeySource: source,
            signingKeys: keys, generatedSigningKey: generated, authority: authority, enrollment: enrollment,
            provider: provider, lifecycle: lifecycle, audit: audit, guardianship: guardianship,
            admin: AdminService(
                store: store, lifecycle: lifecycle, vault: vault, clients: clients, signingKeys: keys, audit: audit),
            holder: HolderService(
                store: store, clients: clients, lifecycle: lifecycle, guardianship: guardianship, renewal: renewal,
                documentReproof: reproof, vault: vault),
            securityEvents: SecurityEventDelivery(
                issuer: settings.issuer, events: store, signer: JWTSigner(keys: keys),
                endpoint: { clientID in
                    guard let client = try await clients.cachedClient(id: clientID), !client.disabled else { return nil }
                    return client.metadata.eventsURI
                }, jtiKey: masterKey.derive("security-event-jti v1")),
            limiter: limiter,
            credentials: credentialService(settings, store: store, masterKey: masterKey, keys: keys),
            webSessions: WebSessionService(store: store, idleLifetime: TimeInterval(settings.portalIdleSeconds)))
    }

    /// The provider's timings and costs from the settings.
    static func providerConfiguration(_ settings: ServerSettings) -> ProviderConfiguration {
        var configuration = ProviderConfiguration(issuer: settings.issuer)
        configuration.loginLifetime = TimeInterval(settings.loginTTLSeconds)
        configuration.qrStepSeconds = settings.qrStepSeconds
        configuration.heldPollLimit = settings.heldPollLimit
        configuration.requireLoginView = settings.requireLoginView
        configuration.faceAttemptsPerDay = Int64(settings.limits.faceAttemptsPerDay)
        configuration.wrongMatchNumbersPerHour = Int64(settings.limits.wrongMatchNumbersPerHour)
        configuration.jwksRefetchInterval = TimeInterval(settings.jwksRefetchSeconds)
        configuration.passwordLogRounds = settings.passwordScryptLogN
        configuration.inPersonCodeLifetime = TimeInterval(settings.codeTTLSeconds)
        configuration.sealingForm = UInt8(settings.sealingForm)
        return configuration
    }

    /// The credential issuer.
    private static func credentialService(
        _ settings: ServerSettings, store: SQLStore, masterKey: MasterKey, keys: SigningKeySet
    ) -> CredentialService {
        var configuration = CredentialConfiguration(issuer: settings.issuer)
        configuration.statusListTTL = settings.statusListTTL
        return CredentialService(configuration: configuration, store: store, masterKey: masterKey, signingKeys: keys)
    }
}

/// Runs `body` with a prepared runtime whose database runs in the background, then shuts the
/// database down (waiting for it at most 5 s: `runBeside`). For `serve`, one-shot commands
/// (`admin migrate`, `admin keys …`) and tests.
/// - Parameters:
///   - settings: the validated settings.
///   - logger: the logger.
///   - body: the work to do.
/// - Returns: what `body` returns.
public func withRuntime<T: Sendable>(
    settings: ServerSettings, logger: Logger, _ body: @Sendable (Runtime) async throws -> T
) async throws -> T {
    let (database, masterKey, source) = try await Runtime.open(settings: settings, logger: logger)
    return try await runBeside({ try await database.run() }, grace: .seconds(5), logger: logger) {
        let runtime = try await Runtime.prepare(
            settings: settings, database: database, masterKey: masterKey, source: source, logger: logger)
        return try await body(runtime)
    }
}
