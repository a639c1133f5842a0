/// Why an enrollment step was refused. The code is the problem `type` suffix of the API
/// (`urn:cyberid:problem:<code>`); ``status`` is its HTTP status.
public struct EnrollmentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable code, e.g. `wrong-code`.
    public let code: String
    /// The HTTP status the API answers with.
    public let status: Int
    /// Human-readable detail without personal data.
    public let reason: String

    /// Creates an error.
    public init(code: String, status: Int, reason: String) {
        self.code = code
        self.status = status
        self.reason = reason
    }

    public static func == (lhs: EnrollmentError, rhs: EnrollmentError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }

    static func sessionNotFound() -> Self { Self(code: "session-not-found", status: 404, reason: "no such enrollment session") }
    static func sessionExpired() -> Self {
        Self(code: "session-expired", status: 410, reason: "the enrollment session expired; start a new one")
    }
    static func sessionLocked() -> Self {
        Self(code: "session-locked", status: 423, reason: "too many wrong codes; the session is locked, start a new one")
    }
    static func wrongStep(_ state: String, _ expected: String) -> Self {
        Self(code: "wrong-step", status: 409, reason: "the session is in state \(state); this step needs \(expected)")
    }
    static func alreadyEnrolled() -> Self {
        Self(code: "already-enrolled", status: 409, reason: "this person already holds an active network number")
    }
    static func guardianRequired() -> Self {
        Self(code: "guardian-required", status: 403, reason: "a holder under 14 must be enrolled by a guardian")
    }
    static func invalidPhone() -> Self {
        Self(code: "invalid-phone", status: 400, reason: "the phone number must be E.164, e.g. +8613800000000")
    }
    static func codeExpired() -> Self { Self(code: "code-expired", status: 400, reason: "the code expired; request a new one") }
    static func wrongCode(left: Int64) -> Self {
        Self(code: "wrong-code", status: 400, reason: "wrong code; \(left) attempts left")
    }
    static func tooManyCodes() -> Self {
        Self(code: "too-many-codes", status: 429, reason: "too many codes were sent for this session")
    }
    static func phoneRateLimited() -> Self {
        Self(
            code: "phone-rate-limited", status: 429,
            reason: "too many codes went to this phone number in the last hour; try again later")
    }
    static func noFaceMatcher() -> Self {
        Self(code: "no-face-matcher", status: 404, reason: "this service has no face matcher; skip the face step")
    }
    static func faceMismatch() -> Self { Self(code: "face-mismatch", status: 403, reason: "the face does not match the document") }
    static func faceMatcherUnavailable() -> Self {
        Self(code: "face-matcher-unavailable", status: 503, reason: "the face matcher did not answer; try again")
    }
    static func invalidCSR(_ reason: String) -> Self { Self(code: "invalid-csr", status: 400, reason: reason) }
    static func invalidWalletSignature(_ reason: String) -> Self {
        Self(code: "invalid-wallet-signature", status: 401, reason: reason)
    }
    static func guardianNotAdult() -> Self {
        Self(code: "guardian-not-adult", status: 403, reason: "a guardian must be an enrolled adult")
    }
    static func smsUnavailable() -> Self {
        Self(code: "sms-unavailable", status: 503, reason: "the code could not be sent; try again")
    }
    static func notEnrolled() -> Self {
        Self(
            code: "not-enrolled", status: 404,
            reason: "this document's holder has no network number to replace a device for; enroll instead")
    }
    static func guardianMismatch() -> Self {
        Self(code: "guardian-mismatch", status: 403, reason: "only the holder's own guardian can replace a child's device")
    }
    static func phoneMismatch() -> Self {
        Self(
            code: "phone-mismatch", status: 403,
            reason: "this is not the phone number bound to the network number; replacement needs the bound phone")
    }
    static func numberCancelled() -> Self {
        Self(code: "number-cancelled", status: 409, reason: "the network number was cancelled; it cannot get a new device")
    }
    static func invalidRequest(_ reason: String) -> Self { Self(code: "malformed-request", status: 400, reason: reason) }
}
