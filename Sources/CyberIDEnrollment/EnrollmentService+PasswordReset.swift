import CyberIDCore
import CyberIDStore

extension EnrollmentService {
    /// The holder a password-reset session proved (chip, bound phone, and the face when the
    /// service runs a matcher), for the new password to be checked before the session is spent
    /// (issue 17).
    /// - Throws: ``EnrollmentError`` `session-not-found`, `wrong-step`, `session-expired`,
    ///   `session-locked`, `invalid-request` (a session of another purpose).
    public func passwordResetHolder(sessionID: String) async throws -> String {
        try await provenResetSession(sessionID).personID ?? ""
    }

    /// Spends a password-reset session, once (compare-and-set on its version: of two
    /// concurrent requests one wins, the other gets `conflict`).
    /// - Returns: the holder whose password may now be set.
    public func consumePasswordReset(sessionID: String) async throws -> String {
        var session = try await provenResetSession(sessionID)
        session.state = .completed
        session.sealedIdentity = nil
        session.sealedIdentityKey = nil
        try await save(session)
        return session.personID ?? ""
    }

    private func provenResetSession(_ sessionID: String) async throws -> EnrollmentSessionRecord {
        let session = try await openSession(sessionID, expecting: faceMatcher == nil ? [.phoneConfirmed] : [.faceMatched])
        guard session.purpose == .passwordReset, session.personID != nil else {
            throw EnrollmentError.invalidRequest("only a password-reset session sets a password")
        }
        return session
    }
}
