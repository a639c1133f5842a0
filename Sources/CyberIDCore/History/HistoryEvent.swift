/// What a line of a person's history records: the one vocabulary every writer uses (the names
/// are stored and shown to the person, so they never change).
public enum HistoryEvent: String, Sendable, CaseIterable, Codable {
    /// The person enrolled: the first line of every history.
    case enrollment
    /// A platform login decided in the wallet.
    case login
    /// A failed re-verification attempt (the demand stays).
    case reverification
    /// A platform demanded a re-verification.
    case reverificationRequired = "reverification-required"
    /// The person withdrew a remembered consent.
    case consentWithdrawn = "consent-withdrawn"
    /// An operator read the identity record under a legal basis.
    case recordAccessed = "record-accessed"
    /// The holder renewed their certificate.
    case certificateRenewed = "certificate-renewed"
    /// A certificate was revoked.
    case certificateRevoked = "certificate-revoked"
    /// A lost device was replaced (chip + bound phone).
    case deviceReplaced = "device-replaced"
    /// The bound phone number changed.
    case phoneChanged = "phone-changed"
    /// The number moved to a new document of the same person (a renewed passport).
    case documentChanged = "document-changed"
    /// The network-identity password was set, changed, reset with the chip, entered wrongly
    /// (during a login) or locked; the detail's `action` says which.
    case password
    /// A verifier checked the person's in-person verification code (网证 code).
    case inPersonVerification = "in-person-verification"
    /// Lifecycle transitions, named after their ``LifecycleEvent``.
    case suspend, resume, restrict, lift, cancel

    /// The verification lines — the log that expires (`CYBERID_VERIFICATION_RETENTION_DAYS`):
    /// logins, in-person checks and password entries. Every other line is the record of the
    /// identity itself and is kept. On PostgreSQL these lines live in their own partitions by
    /// month (schema 20, whose list of names must match this one).
    public static let verifications: [HistoryEvent] = [.login, .inPersonVerification, .password]

    /// The history event of a lifecycle transition.
    public init(_ event: LifecycleEvent) {
        switch event {
        case .suspend: self = .suspend
        case .resume: self = .resume
        case .restrict: self = .restrict
        case .lift: self = .lift
        case .cancel: self = .cancel
        }
    }
}

/// How the recorded attempt ended.
public enum HistoryOutcome: String, Sendable, CaseIterable, Codable {
    case success, failure, denied
}

/// The events CyberID tells platforms about in Security Event Tokens (RFC 8417); the type URI
/// is `https://schemas.cyberid.dev/secevent/<name>`.
public enum SecurityEventType: String, Sendable, CaseIterable, Codable {
    case suspended, resumed, restricted, lifted, cancelled
    case certificateRevoked = "certificate-revoked"
    case reverified

    /// The event a lifecycle transition announces.
    public init(_ event: LifecycleEvent) {
        switch event {
        case .suspend: self = .suspended
        case .resume: self = .resumed
        case .restrict: self = .restricted
        case .lift: self = .lifted
        case .cancel: self = .cancelled
        }
    }
}
