import CyberIDCore
import CyberIDStore

extension EnrollmentService {
    /// The holder a password-reset session proved (chip, bound phone, and the face when the
    /// service runs a matcher), for the new password to be set (issue 17).
    /// - Throws: ``EnrollmentError`` `session-not-found`, `wrong-step`, `session-expired`,
    ///   `session-locked`, `invalid-request` (a session of another purpose).
    public func passwordResetHolder(sessionID: String) async throws -> String {
        let session = try await openSession(sessionID, expecting: faceMatcher == nil ? [.phoneConfirmed] : [.faceMatched])
        guard session.purpose == .passwordReset, let personID = session.personID else {
            throw EnrollmentError.invalidRequest("only a password-reset session sets a password")
        }
        return personID
    }

    /// Ends a password-reset session once the new password is stored: it cannot set another.
    public func finishPasswordReset(sessionID: String) async throws {
        var session = try await loadSession(sessionID)
        guard session.purpose == .passwordReset, session.state != .completed else { return }
        session.state = .completed
        session.sealedIdentity = nil
        try await save(session)
    }
}
