/// Where an enrollment session stands (docs/enrollment.md); the raw values are the API's
/// `state` and the stored column.
public enum EnrollmentSessionState: String, Sendable, CaseIterable, Codable {
    /// Created; the chip is next.
    case started
    /// A 14–17-year-old's document is verified; a guardian must approve.
    case awaitingGuardian = "awaiting_guardian"
    /// The chip passed; the phone is next.
    case documentVerified = "document_verified"
    /// A code went to the phone.
    case phoneCodeSent = "phone_code_sent"
    /// The phone is confirmed; the face check (with a matcher) or completion is next.
    case phoneConfirmed = "phone_confirmed"
    /// The face matched the chip portrait.
    case faceMatched = "face_matched"
    /// The number and certificate were issued; a repeated `complete` replays the answer.
    case completed
    /// Too many wrong codes (or phone guesses): the session is unusable.
    case locked
}
