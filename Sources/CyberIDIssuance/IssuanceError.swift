public import CyberIDCore

/// The domain of ``IssuanceError``.
public enum IssuanceDomain: ErrorDomain {}

/// Why issuance refused: a CSR, a CA import, or a wallet's signature.
public typealias IssuanceError = DomainError<IssuanceDomain>

extension DomainError where Domain == IssuanceDomain {
    /// The CSR does not parse, is not P-256, or its signature does not verify.
    public static func invalidCSR(_ reason: String) -> Self {
        Self(code: "invalid-csr", kind: .invalid, reason: reason)
    }
    /// A wallet's JWS failed a check.
    public static func invalidWalletSignature(_ reason: String) -> Self {
        Self(code: "invalid-wallet-signature", kind: .unauthenticated, reason: reason)
    }
    /// An imported CA pair does not fit together, or the store already has CAs.
    public static func invalidCA(_ reason: String) -> Self { Self(code: "invalid-ca", kind: .invalid, reason: reason) }

    /// Matches any `invalid-wallet-signature` error.
    public static var invalidWalletSignature: Self { invalidWalletSignature("") }
    /// Matches any `invalid-csr` error.
    public static var invalidCSR: Self { invalidCSR("") }
}
