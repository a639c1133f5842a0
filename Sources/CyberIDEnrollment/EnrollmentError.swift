public import CyberIDCore

/// Why an enrollment step was refused. The code is the problem `type` suffix of the API
/// (`urn:cyberid:problem:<code>`); the HTTP layer maps the ``kind`` to a status.
/// The domain of ``EnrollmentError``.
public enum EnrollmentDomain: ErrorDomain {}

/// Why an enrollment step was refused.
public typealias EnrollmentError = DomainError<EnrollmentDomain>

extension DomainError where Domain == EnrollmentDomain {
    static func sessionNotFound() -> Self { Self(code: "session-not-found", kind: .notFound, reason: "no such enrollment session") }
    static func sessionExpired() -> Self {
        Self(code: "session-expired", kind: .gone, reason: "the enrollment session expired; start a new one")
    }
    static func sessionLocked() -> Self {
        Self(code: "session-locked", kind: .locked, reason: "too many wrong codes; the session is locked, start a new one")
    }
    static func wrongStep(_ state: String, _ expected: String) -> Self {
        Self(code: "wrong-step", kind: .conflict, reason: "the session is in state \(state); this step needs \(expected)")
    }
    static func alreadyEnrolled() -> Self {
        Self(code: "already-enrolled", kind: .conflict, reason: "this person already holds an active network number")
    }
    static func guardianRequired() -> Self {
        Self(code: "guardian-required", kind: .forbidden, reason: "a holder under 14 must be enrolled by a guardian")
    }
    static func invalidPhone() -> Self {
        Self(code: "invalid-phone", kind: .invalid, reason: "the phone number must be E.164, e.g. +8613800000000")
    }
    static func codeExpired() -> Self { Self(code: "code-expired", kind: .invalid, reason: "the code expired; request a new one") }
    static func wrongCode(left: Int64) -> Self {
        Self(code: "wrong-code", kind: .invalid, reason: "wrong code; \(left) attempts left")
    }
    static func tooManyCodes() -> Self {
        Self(code: "too-many-codes", kind: .rateLimited, reason: "too many codes were sent for this session")
    }
    static func noFaceMatcher() -> Self {
        Self(code: "no-face-matcher", kind: .notFound, reason: "this service has no face matcher; skip the face step")
    }
    static func faceMismatch() -> Self { Self(code: "face-mismatch", kind: .forbidden, reason: "the face does not match the document") }
    static func faceMatcherUnavailable() -> Self {
        Self(code: "face-matcher-unavailable", kind: .unavailable, reason: "the face matcher did not answer; try again")
    }
    static func guardianNotAdult() -> Self {
        Self(code: "guardian-not-adult", kind: .forbidden, reason: "a guardian must be an enrolled adult")
    }
    static func smsUnavailable() -> Self {
        Self(code: "sms-unavailable", kind: .unavailable, reason: "the code could not be sent; try again")
    }
    static func notEnrolled() -> Self {
        Self(
            code: "not-enrolled", kind: .notFound,
            reason: "this document's holder has no network number to replace a device for; enroll instead")
    }
    static func guardianMismatch() -> Self {
        Self(code: "guardian-mismatch", kind: .forbidden, reason: "only the holder's own guardian can replace a child's device")
    }
    static func phoneMismatch() -> Self {
        Self(
            code: "phone-mismatch", kind: .forbidden,
            reason: "this is not the phone number bound to the network number; replacement needs the bound phone")
    }
    static func numberCancelled() -> Self {
        Self(code: "number-cancelled", kind: .conflict, reason: "the network number was cancelled; it cannot get a new device")
    }
    static func invalidRequest(_ reason: String) -> Self { Self(code: "malformed-request", kind: .invalid, reason: reason) }
}

extension DomainError where Domain == EnrollmentDomain {
    static func personNotActive(_ reason: String) -> Self { Self(code: "person-not-active", kind: .forbidden, reason: reason) }
    static func possibleDuplicate() -> Self {
        Self(
            code: "possible-duplicate", kind: .conflict,
            reason: "a network number already exists for a person with this personal number, or with this nationality, "
                + "name, birth date and sex. If it is yours, move it to this document with your current wallet (cyberid "
                + "wallet document --document DIR); if it is not, contact the service: an operator resolves it")
    }
    static func documentUnchanged() -> Self {
        Self(code: "document-unchanged", kind: .conflict, reason: "this document already holds the network number")
    }
    static func documentMismatch() -> Self {
        Self(code: "document-mismatch", kind: .forbidden, reason: "this document is not the wallet holder's")
    }
    static func samePhone() -> Self {
        Self(code: "same-phone", kind: .conflict, reason: "this phone number is already the bound one")
    }
    static func conflict() -> Self {
        Self(code: "conflict", kind: .conflict, reason: "the session changed meanwhile; retry the step")
    }
}
