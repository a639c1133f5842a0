public import CyberIDCore

/// Why a credential request was refused: the OAuth / OpenID4VCI error codes (`invalid_grant`,
/// `invalid_token`, `invalid_proof`, `invalid_nonce`, `invalid_credential_request`,
/// `unknown_credential_configuration`), sent as JSON `{error, error_description}`.
public struct CredentialError: ServiceError, Equatable {
    public let code: String
    public let kind: ErrorKind
    public let reason: String

    init(_ code: String, _ kind: ErrorKind = .invalid, _ reason: String) { (self.code, self.kind, self.reason) = (code, kind, reason) }

    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.code == rhs.code }

    static func invalidRequest(_ reason: String) -> Self { Self("invalid_request", .invalid, reason) }
    static func invalidGrant(_ reason: String) -> Self { Self("invalid_grant", .invalid, reason) }
    static func invalidToken(_ reason: String) -> Self { Self("invalid_token", .unauthenticated, reason) }
    static func invalidProof(_ reason: String) -> Self { Self("invalid_proof", .invalid, reason) }
    static func invalidNonce(_ reason: String) -> Self { Self("invalid_nonce", .invalid, reason) }
    static func invalidCredentialRequest(_ reason: String) -> Self { Self("invalid_credential_request", .invalid, reason) }
    static func unknownConfiguration(_ reason: String) -> Self { Self("unknown_credential_configuration", .invalid, reason) }
    static func notActive(_ reason: String) -> Self { Self("credential_request_denied", .invalid, reason) }
    static func unknownList() -> Self { Self("unknown-status-list", .notFound, "no such status list") }
}
