public import CyberIDAdapters
public import CyberIDCore
public import CyberIDDocuments
public import CyberIDIssuance
public import CyberIDKeys
public import CyberIDLimits
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// Tunables of the enrollment flow.
public struct EnrollmentConfiguration: Sendable {
    /// The OpenID issuer; wallet signatures are addressed to `<issuer>/enrollment`.
    public var issuer: String
    /// How long a session lives.
    public var sessionLifetime: TimeInterval = 600
    /// How long a one-time code is valid.
    public var codeLifetime: TimeInterval = 300
    /// Wrong codes before the session locks.
    public var maxCodeAttempts: Int64 = 5
    /// Codes a session may send.
    public var maxCodeSends: Int64 = 5
    /// Codes any one phone number may receive in an hour, across sessions.
    public var maxCodesPerPhonePerHour: Int64 = 10
    /// Validity of a network certificate (capped at the document's expiry).
    public var certificateLifetime: TimeInterval = 365 * 86_400
    /// One-time codes any one document (identity) may have sent per hour, across sessions.
    public var maxCodesPerDocumentPerHour: Int64 = 5
    /// One-time codes the whole service may send per minute (SMS pumping's bill has a ceiling).
    public var maxCodesPerMinute: Int64 = 600
    /// Face checks any one identity may attempt per day (enrollment, replacement, re-verification).
    public var maxFaceAttemptsPerDay: Int64 = 5

    /// The code and face limits (shared by every process through the store).
    var phoneLimit: RateLimit { RateLimit(name: "phone", limit: maxCodesPerPhonePerHour, window: 3_600) }
    var documentLimit: RateLimit { RateLimit(name: "document", limit: maxCodesPerDocumentPerHour, window: 3_600) }
    var smsLimit: RateLimit { RateLimit(name: "sms", limit: maxCodesPerMinute, window: 60) }
    var faceLimit: RateLimit { RateLimit(name: "face-attempt", limit: maxFaceAttemptsPerDay, window: 86_400) }

    /// A document CRL past its `nextUpdate`: refuse the document (default) or accept it.
    public var staleRevocation: StaleRevocationPolicy = .refuse

    /// Creates a configuration.
    public init(issuer: String) {
        self.issuer = issuer
    }
}

/// The enrollment flow: identity proofing → identity record → network number + certificate.
/// The same steps serve a lost-device replacement and a phone change (``EnrollmentSessionRecord/Purpose``).
///
/// Every step loads the session, checks its state, and writes it back with a compare-and-set
/// on its version, so a retried or concurrent request never applies twice; completion writes
/// the person, the number, the certificate and the session in one transaction, and a repeated
/// `complete` replays the stored answer. The steps live in `EnrollmentService+<Step>.swift`.
public struct EnrollmentService: Sendable {
    /// The storage the flow needs.
    public typealias Store = EnrollmentStore & PersonStore & TrustAnchorStore & NetworkCertificateStore & RateCounterStore

    let store: any Store
    let vault: IdentityVault
    let blindIndex: BlindIndex
    let issuer: NetworkCertificateIssuer
    let walletTokens: WalletTokenVerifier
    let sms: any SMSSender
    let faceMatcher: (any FaceMatcher)?
    let configuration: EnrollmentConfiguration
    let now: @Sendable () -> Date
    let today: @Sendable () -> CalendarDate
    let trust: TrustAnchorCache
    let limiter: RateLimiter

    /// Creates the service.
    /// - Parameters:
    ///   - today: the current day in the service's civil calendar (age, document expiry).
    public init(
        store: any Store, masterKey: MasterKey, authority: CertificateAuthority, sms: any SMSSender,
        faceMatcher: (any FaceMatcher)?, configuration: EnrollmentConfiguration, calendar: CivilCalendar = .service,
        now: @escaping @Sendable () -> Date = { Date() }, today: @escaping @Sendable () -> CalendarDate
    ) {
        self.store = store
        self.vault = IdentityVault(masterKey: masterKey)
        self.blindIndex = BlindIndex(masterKey: masterKey)
        self.issuer = NetworkCertificateIssuer(
            authority: authority, lifetime: configuration.certificateLifetime, calendar: calendar)
        self.walletTokens = WalletTokenVerifier(authority: authority, certificates: store, persons: store)
        (
            self.sms, self.faceMatcher, self.configuration, self.now, self.today
        ) = (
            sms, faceMatcher, configuration, now, today
        )
        self.trust = TrustAnchorCache(store: store)
        self.limiter = RateLimiter(store: store, masterKey: masterKey)
    }

    /// Where wallet tokens for enrollment are addressed.
    var enrollmentAudience: String { "\(configuration.issuer)/enrollment" }

}
