import CyberIDCore
import CyberIDStore
import Foundation

extension LoginService {
    /// The platform's mode can be met on this service at all: a face mode needs a face matcher.
    /// A mode that cannot be met ends the login (`unmet_authentication_requirements`) before
    /// any password attempt is spent on it.
    func checkModeAvailable(_ decision: inout PendingDecision) async throws {
        guard let mode = decision.ticket.mode else { return }
        decision.detail.mode = mode.rawValue
        if mode.needsFace, faceMatcher == nil {
            try await fail(
                &decision,
                ProviderError.modeUnavailable(
                    "the platform asks for mode \(mode.rawValue) (face), but this service has no face matcher"),
                oauthError: "unmet_authentication_requirements")
        }
    }

    /// R02 and R04: the person's network-identity password. A wrong one leaves the login open
    /// for another try (each counts; the fifth locks); a locked or unset password ends it.
    /// - Returns: whether a password was checked (for `amr`).
    func checkModePassword(_ decision: inout PendingDecision, password: String?) async throws -> Bool {
        guard let mode = decision.ticket.mode, mode.needsPassword else { return false }
        guard let password, !password.isEmpty else { throw ProviderError.passwordRequired() }
        if try await store.transaction(id: decision.ticket.transactionID) != nil { throw ProviderError.loginAlreadyDecided() }
        do {
            try await passwords.check(
                personID: decision.holder.personID, password: password, clientID: decision.ticket.clientID,
                now: decision.now)
        } catch let error as ProviderError where error.code == "password-not-set" || error.code == "password-locked" {
            try await fail(&decision, error, oauthError: "unmet_authentication_requirements")
        }
        return true
    }

    /// R03 and R04: a live face image, matched against the portrait on record, unless this
    /// login's re-verification matched it already. No portrait on record ends the login
    /// (`unmet_authentication_requirements`); a face that does not match ends it too.
    /// - Returns: whether a face was matched (for `amr`).
    func checkModeFace(_ decision: inout PendingDecision, faceImage: [UInt8]?, alreadyMatched: Bool) async throws -> Bool {
        guard let mode = decision.ticket.mode, mode.needsFace else { return alreadyMatched }
        guard !alreadyMatched, let faceMatcher else { return alreadyMatched }
        let matched: Bool
        do {
            matched = try await faceMatches(
                faceMatcher, image: faceImage, signedDigest: decision.approval.face, personID: decision.holder.personID,
                transactionID: decision.ticket.transactionID)
        } catch let error as ProviderError where error.code == "face-reference-missing" {
            try await fail(&decision, error, oauthError: "unmet_authentication_requirements")
        }
        guard matched else { try await fail(&decision, ProviderError.faceMismatch()) }
        return true
    }

    /// The ID token's `amr` (RFC 8176): the wallet's key, and the password and face if checked.
    static func methods(password: Bool, face: Bool) -> [String] {
        ["hwk"] + (password ? ["pin"] : []) + (face ? ["face"] : [])
    }
}
