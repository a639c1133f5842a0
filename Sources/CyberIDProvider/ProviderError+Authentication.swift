import CyberIDCore

extension ProviderError {
    // MARK: Authentication modes and the network-identity password (issue 17)

    static func passwordRequired() -> Self {
        Self(
            code: "password-required", kind: .invalid,
            reason: "this platform asks for your network-identity password: approve again with it", isOAuth: false)
    }
    static func wrongPassword(remaining: Int) -> Self {
        Self(
            code: "wrong-password", kind: .forbidden,
            reason: remaining == 1
                ? "the password is wrong; one try is left before it locks"
                : "the password is wrong; \(remaining) tries are left before it locks",
            isOAuth: false)
    }
    static func passwordLocked() -> Self {
        Self(
            code: "password-locked", kind: .locked,
            reason: "the password is locked after five wrong tries; reset it with your document's chip and your phone "
                + "(cyberid wallet password reset)", isOAuth: false)
    }
    static func passwordNotSet() -> Self {
        Self(
            code: "password-not-set", kind: .conflict,
            reason: "no network-identity password is set for this number; set one first (cyberid wallet password set)",
            isOAuth: false)
    }
    static func passwordAlreadySet() -> Self {
        Self(
            code: "password-already-set", kind: .conflict,
            reason: "a password is set already; change it with the current one, or reset it with the chip", isOAuth: false)
    }
    static func documentRequiredForPassword() -> Self {
        Self(
            code: "document-required", kind: .forbidden,
            reason: "a first password set more than a day after enrollment needs your document's chip too "
                + "(cyberid wallet password set --document DIR)", isOAuth: false)
    }
    static func weakPassword(_ reason: String) -> Self {
        Self(code: "weak-password", kind: .unprocessable, reason: reason, isOAuth: false)
    }
    static func modeUnavailable(_ reason: String) -> Self {
        Self(code: "mode-unavailable", kind: .conflict, reason: reason, isOAuth: false)
    }

    // MARK: In-person verification codes

    static func unknownCode() -> Self {
        Self(code: "unknown-code", kind: .notFound, reason: "no such verification code; ask the person for a new one", isOAuth: false)
    }
    static func codeExpired() -> Self {
        Self(
            code: "code-expired", kind: .gone, reason: "the verification code expired; ask the person for a new one",
            isOAuth: false)
    }
    static func codeUsed() -> Self {
        Self(code: "code-used", kind: .conflict, reason: "the verification code was used already; ask for a new one", isOAuth: false)
    }
    static func modeNotMetForCode(_ mode: String) -> Self {
        Self(
            code: "authentication-mode-not-met", kind: .forbidden,
            reason: "this platform is registered for mode \(mode) (the password or the face); an in-person code proves the wallet's key only",
            isOAuth: false)
    }
    static func personNotActiveForCode(_ state: String) -> Self {
        Self(
            code: "person-not-active", kind: .forbidden,
            reason: "in-person verification is refused while the network number is \(state)", isOAuth: false)
    }
    static func reverificationRequiredForCode() -> Self {
        Self(
            code: "reverification-required", kind: .forbidden,
            reason: "this platform asked the person to verify again (or its re-verification interval has passed); "
                + "their code tells it nothing until they re-verify in a login", isOAuth: false)
    }
    static func invalidDisclosure(_ reason: String) -> Self {
        Self(code: "invalid-disclosure", kind: .invalid, reason: reason, isOAuth: false)
    }
}
