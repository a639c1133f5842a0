public import CyberIDCore

/// The domain of ``LifecycleServiceError``.
public enum LifecycleServiceDomain: ErrorDomain {}

/// Why a lifecycle use case (renewal, guardianship) refused. The state machine's own refusals
/// are CyberIDCore's ``LifecycleError``.
public typealias LifecycleServiceError = DomainError<LifecycleServiceDomain>

extension DomainError where Domain == LifecycleServiceDomain {
    static func notGuardian() -> Self {
        Self(code: "not-guardian", kind: .forbidden, reason: "you are not the guardian of this network number")
    }
    static func guardianshipEnded() -> Self {
        Self(code: "guardianship-ended", kind: .forbidden, reason: "the guardian link ends when the holder turns 18")
    }
    static func personNotActive(_ reason: String) -> Self { Self(code: "person-not-active", kind: .forbidden, reason: reason) }
    static func documentExpired() -> Self {
        Self(
            code: "document-expired", kind: .unprocessable,
            reason: "the identity document expires within a day; renew with a new document (enroll again)")
    }
}
