public import CyberIDCore

/// Why the provider refused a request.
///
/// Two families share one type, as the specs demand two wire forms: OAuth errors (RFC 6749
/// §4.1.2.1 and §5.2: `error` + `error_description`, sent as JSON by the token endpoint or
/// as query parameters to a redirect URI) and the wallet API's problem types (RFC 9457).
/// ``redirectable`` says whether an authorization error may be sent to the redirect URI — only
/// once the client and its redirect URI are known to be good.
public struct ProviderError: ServiceError, Equatable {
    /// The OAuth `error` code, or the problem type suffix (`urn:cyberid:problem:<code>`).
    public let code: String
    /// What kind of refusal this is (the HTTP layer maps it to a status).
    public let kind: ErrorKind
    /// A description without personal data (`error_description` / problem `detail`).
    public let reason: String
    /// Whether this is an OAuth error (JSON `{error, error_description}` or a redirect) rather
    /// than a problem.
    public let isOAuth: Bool
    /// Whether an authorization error may go to the redirect URI.
    public let redirectable: Bool

    init(code: String, kind: ErrorKind, reason: String, isOAuth: Bool, redirectable: Bool = false) {
        (
            self.code, self.kind, self.reason, self.isOAuth, self.redirectable
        ) = (
            code, kind, reason, isOAuth, redirectable
        )
    }

    public static func == (lhs: ProviderError, rhs: ProviderError) -> Bool { lhs.code == rhs.code }

    // MARK: OAuth errors

    /// `invalid_request`: a parameter holds a NUL character (no text the service stores holds
    /// one). The HTTP layer's answer when such text reaches the store from an OAuth endpoint.
    public static func textWithNUL() -> Self {
        invalidRequest("a parameter holds a NUL character")
    }

    /// An authorization error sent back to the client's redirect URI.
    static func authorization(_ code: String, _ reason: String) -> Self {
        Self(code: code, kind: .invalid, reason: reason, isOAuth: true, redirectable: true)
    }
    static func invalidRequest(_ reason: String) -> Self { Self(code: "invalid_request", kind: .invalid, reason: reason, isOAuth: true) }
    static func invalidClient(_ reason: String) -> Self { Self(code: "invalid_client", kind: .unauthenticated, reason: reason, isOAuth: true) }
    static func invalidGrant(_ reason: String) -> Self { Self(code: "invalid_grant", kind: .invalid, reason: reason, isOAuth: true) }
    static func unauthorizedClient(_ reason: String) -> Self {
        Self(code: "unauthorized_client", kind: .invalid, reason: reason, isOAuth: true)
    }
    static func unsupportedGrantType(_ reason: String) -> Self {
        Self(code: "unsupported_grant_type", kind: .invalid, reason: reason, isOAuth: true)
    }
    static func invalidToken(_ reason: String) -> Self { Self(code: "invalid_token", kind: .unauthenticated, reason: reason, isOAuth: true) }
    static func unsupportedTokenType(_ reason: String) -> Self {
        Self(code: "unsupported_token_type", kind: .invalid, reason: reason, isOAuth: true)
    }

    // MARK: Problems (authorization request before the redirect URI is trusted, wallet API)

    static func invalidAuthorizationRequest(_ reason: String) -> Self {
        Self(code: "invalid-authorization-request", kind: .invalid, reason: reason, isOAuth: false)
    }
    static func invalidLoginTicket() -> Self {
        Self(code: "invalid-login-ticket", kind: .invalid, reason: "the login ticket is not one this service made", isOAuth: false)
    }
    static func loginExpired() -> Self {
        Self(code: "login-expired", kind: .gone, reason: "the login transaction expired; start the login again", isOAuth: false)
    }
    static func loginAlreadyDecided() -> Self {
        Self(code: "login-already-decided", kind: .conflict, reason: "this login transaction was already approved or declined", isOAuth: false)
    }
    /// The approval signs a same-device view of the login that is not the one the service makes
    /// of it now: a link another app wrote, or a platform renamed since the page.
    static func loginViewMismatch() -> Self {
        Self(
            code: "login-view-mismatch", kind: .conflict,
            reason: "the wallet showed a view of this login that is not the service's (a link the service did not make, or the platform's registration changed since the page): open the login page's link again, or fetch the view",
            isOAuth: false)
    }
    /// A same-device approval without the digest of the view the wallet showed, where the service
    /// requires one (`CYBERID_REQUIRE_LOGIN_VIEW`): a wallet from before the view in the link.
    static func loginViewRequired() -> Self {
        Self(
            code: "login-view-required", kind: .invalid,
            reason: "this service requires a same-device approval to sign the digest of the view the wallet showed (`view`): update the wallet",
            isOAuth: false)
    }
    static func invalidWalletSignature(_ reason: String) -> Self {
        Self(code: "invalid-wallet-signature", kind: .unauthenticated, reason: reason, isOAuth: false)
    }
    /// The one refusal of a request signed by an unknown or revoked certificate, whatever else
    /// was wrong with it (a revoked key must not learn the person's state from the error).
    public static func revokedCertificate() -> Self { invalidWalletSignature("the certificate is unknown or revoked") }
    static func assuranceLevelTooLow(required: String, actual: String) -> Self {
        Self(
            code: "assurance-level-too-low", kind: .forbidden,
            reason: "the platform requires \(required); this network number is verified at \(actual)", isOAuth: false)
    }
    static func personNotActive(_ state: String) -> Self {
        Self(code: "person-not-active", kind: .forbidden, reason: "logins are refused while the network number is \(state)", isOAuth: false)
    }
    static func chipChallengeRequired() -> Self {
        Self(
            code: "chip-challenge-required", kind: .invalid,
            reason: "a request proved with the document's chip needs chip_challenge from POST /wallet/v1/chip-challenge",
            isOAuth: false)
    }
    static func invalidChipChallenge() -> Self {
        Self(
            code: "invalid-chip-challenge", kind: .invalid,
            reason: "chip_challenge is not one this service issued to this holder, or it expired (2 minutes): ask for a new one",
            isOAuth: false)
    }
    /// A suspended holder's wallet asks for anything but its own lifecycle (resume with the chip,
    /// or cancel): "I lost my phone" means the phone's wallet can do nothing more.
    static func walletSuspended() -> Self {
        Self(
            code: "person-not-active", kind: .forbidden,
            reason: "the network number is suspended: the wallet can only resume it (with the document's chip) or cancel it",
            isOAuth: false)
    }
    static func reverificationRequired(_ reason: String) -> Self {
        Self(
            code: "reverification-required", kind: .forbidden,
            reason: "this platform asked you to verify again (\(reason)); approve again to re-verify", isOAuth: false)
    }
    static func reverificationRequiredByPolicy(interval: String) -> Self {
        Self(
            code: "reverification-required", kind: .forbidden,
            reason: "your last verification is older than this platform allows (\(interval)); approve again to re-verify",
            isOAuth: false)
    }
    static func faceCheckRequired() -> Self {
        Self(
            code: "face-check-required", kind: .forbidden,
            reason: "this re-verification needs a face check: approve again with a live face image", isOAuth: false)
    }
    static func faceReferenceMissing() -> Self {
        Self(
            code: "face-reference-missing", kind: .conflict,
            reason: "no reference portrait is on file for this number; re-prove with your document (device replacement) first",
            isOAuth: false)
    }
    static func faceMismatch() -> Self {
        Self(code: "face-mismatch", kind: .forbidden, reason: "the face check did not match the document portrait", isOAuth: false)
    }
    static func faceMatcherUnavailable() -> Self {
        Self(code: "face-matcher-unavailable", kind: .unavailable, reason: "the face matcher did not answer; try again later", isOAuth: false)
    }
    static func unknownSubject() -> Self {
        Self(code: "unknown-subject", kind: .notFound, reason: "no person behind this sub for this client", isOAuth: false)
    }
    static func browserNotBound() -> Self {
        Self(
            code: "login-not-in-this-browser", kind: .forbidden,
            reason: "this login was started in another browser (its cookie is missing); start it again here", isOAuth: false)
    }
    static func loginPending() -> Self {
        Self(code: "login-pending", kind: .conflict, reason: "the wallet has not answered yet", isOAuth: false)
    }
    static func unknownClient(_ reason: String) -> Self {
        Self(code: "unknown-client", kind: .notFound, reason: reason, isOAuth: false)
    }
    static func invalidClientRegistration(_ reason: String) -> Self {
        Self(code: "invalid-client-registration", kind: .invalid, reason: reason, isOAuth: false)
    }
}

extension ProviderError {
    // MARK: Relay-proof login (animated QR, number matching, same-device return)

    static func qrCodeExpired() -> Self {
        Self(
            code: "qr-code-expired", kind: .gone,
            reason: "this QR code is more than 30 seconds old: scan the code on the login page again", isOAuth: false)
    }
    static func matchNumberRequired() -> Self {
        Self(
            code: "match-number-required", kind: .invalid,
            reason: "pick the number the login page shows (the approval's match)", isOAuth: false)
    }
    static func wrongMatchNumber() -> Self {
        Self(
            code: "wrong-match-number", kind: .forbidden,
            reason: "the number chosen in the wallet is not the one on the login page; the login was ended for your safety",
            isOAuth: false)
    }
    static func responseCodeRequired() -> Self {
        Self(
            code: "response-code-required", kind: .forbidden,
            reason: "this login was approved on the device that opened the wallet link: continue where the wallet returned you",
            isOAuth: false)
    }
    static func invalidResponseCode() -> Self {
        Self(code: "invalid-response-code", kind: .forbidden, reason: "the response code is not this login's", isOAuth: false)
    }
}

extension ProviderError {
    // MARK: Re-verification with the document's chip

    static func documentRequired() -> Self {
        Self(
            code: "document-required", kind: .forbidden,
            reason: "a re-verification needs your identity document's chip: approve again with the document", isOAuth: false)
    }
    static func documentCheckUnavailable() -> Self {
        Self(
            code: "document-check-unavailable", kind: .unavailable,
            reason: "the service cannot check documents right now; try again later", isOAuth: false)
    }
}
