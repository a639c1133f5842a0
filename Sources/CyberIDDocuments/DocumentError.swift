public import CyberIDCore

/// The domain of ``DocumentError``.
public enum DocumentDomain: ErrorDomain {}

/// Why an eMRTD was not accepted.
///
/// Each code is stable and becomes the `type` of the enrollment API's problem response
/// (`urn:cyberid:problem:<code>`) and the `error` of `cyberid dev verify-document`, so wallets
/// and tests can tell a cloned chip from an expired passport without reading English. The
/// reason never contains personal data from the document.
public typealias DocumentError = DomainError<DocumentDomain>

extension DomainError where Domain == DocumentDomain {
    /// Bad DER, wrong tags, a missing data group, or an MRZ of the wrong shape.
    public static func unparseable(_ reason: String) -> Self { Self(code: "unparseable-document", kind: .invalid, reason: reason) }
    /// An MRZ check digit does not match.
    public static func invalidMRZ(_ reason: String) -> Self { Self(code: "invalid-mrz", kind: .unprocessable, reason: reason) }
    /// A signature, hash or curve this verifier does not implement.
    public static func unsupportedAlgorithm(_ reason: String) -> Self {
        Self(code: "unsupported-algorithm", kind: .unprocessable, reason: reason)
    }
    /// The Document Signer certificate does not chain to a trusted CSCA.
    public static func untrustedCSCA(_ reason: String) -> Self { Self(code: "untrusted-csca", kind: .unprocessable, reason: reason) }
    /// The SOD's signature (or its message digest) does not verify with the DSC.
    public static func badDSCSignature(_ reason: String) -> Self {
        Self(code: "bad-dsc-signature", kind: .unprocessable, reason: reason)
    }
    /// The DSC (or its CSCA) is not valid on the verification date.
    public static func dscExpired(_ reason: String) -> Self { Self(code: "dsc-expired", kind: .unprocessable, reason: reason) }
    /// The DSC is on a CRL issued by its CSCA.
    public static func dscRevoked(_ reason: String) -> Self { Self(code: "dsc-revoked", kind: .unprocessable, reason: reason) }
    /// The MRZ's issuing state is not the country of the CSCA that signed the document.
    public static func issuingStateMismatch(_ reason: String) -> Self {
        Self(code: "issuing-state-mismatch", kind: .unprocessable, reason: reason)
    }
    /// The CSCA's revocation lists are stale: the Document Signer's status is unknown (503, retry
    /// once the registrar loads a current list).
    public static func revocationStatusUnavailable(_ reason: String) -> Self {
        Self(code: "revocation-status-unavailable", kind: .unavailable, reason: reason)
    }
    /// A data group does not hash to the value the SOD signs.
    public static func dataGroupHashMismatch(_ reason: String) -> Self {
        Self(code: "dg-hash-mismatch", kind: .unprocessable, reason: reason)
    }
    /// The document's expiry date has passed.
    public static func documentExpired(_ reason: String) -> Self {
        Self(code: "document-expired", kind: .unprocessable, reason: reason)
    }
    /// The chip's answer to the challenge does not verify with the DG15 key: a clone, or a replay.
    public static func activeAuthenticationFailed(_ reason: String) -> Self {
        Self(code: "active-authentication-failed", kind: .unprocessable, reason: reason)
    }

    /// Matches any error with this code (`error == .dataGroupHashMismatch`).
    public static var unparseable: Self { unparseable("") }
    public static var invalidMRZ: Self { invalidMRZ("") }
    public static var unsupportedAlgorithm: Self { unsupportedAlgorithm("") }
    public static var untrustedCSCA: Self { untrustedCSCA("") }
    public static var badDSCSignature: Self { badDSCSignature("") }
    public static var dscExpired: Self { dscExpired("") }
    public static var dscRevoked: Self { dscRevoked("") }
    public static var dataGroupHashMismatch: Self { dataGroupHashMismatch("") }
    public static var documentExpired: Self { documentExpired("") }
    public static var activeAuthenticationFailed: Self { activeAuthenticationFailed("") }
}
