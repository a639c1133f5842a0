/// Why an eMRTD was not accepted.
///
/// Each code is stable and becomes the `type` of the enrollment API's problem response
/// (`urn:cyberid:problem:<code>`) and the `error` of `cyberid dev verify-document`, so wallets
/// and tests can tell a cloned chip from an expired passport without reading English.
public struct DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The stable machine-readable kind of the failure.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate enum Base: String, Sendable {
            case unparseable = "unparseable-document"
            case invalidMRZ = "invalid-mrz"
            case unsupportedAlgorithm = "unsupported-algorithm"
            case untrustedCSCA = "untrusted-csca"
            case badDSCSignature = "bad-dsc-signature"
            case dscExpired = "dsc-expired"
            case dscRevoked = "dsc-revoked"
            case dataGroupHashMismatch = "dg-hash-mismatch"
            case documentExpired = "document-expired"
            case activeAuthenticationFailed = "active-authentication-failed"
        }

        fileprivate let base: Base

        /// The wire form, e.g. `dg-hash-mismatch`.
        public var description: String { base.rawValue }
    }

    /// What went wrong.
    public let code: Code
    /// A human-readable explanation; never contains personal data from the document.
    public let reason: String

    private init(_ base: Code.Base, _ reason: String) {
        self.code = Code(base: base)
        self.reason = reason
    }

    /// Bad DER, wrong tags, a missing data group, or an MRZ of the wrong shape.
    public static func unparseable(_ reason: String) -> Self { Self(.unparseable, reason) }
    /// An MRZ check digit does not match.
    public static func invalidMRZ(_ reason: String) -> Self { Self(.invalidMRZ, reason) }
    /// A signature, hash or curve this verifier does not implement.
    public static func unsupportedAlgorithm(_ reason: String) -> Self { Self(.unsupportedAlgorithm, reason) }
    /// The Document Signer certificate does not chain to a trusted CSCA.
    public static func untrustedCSCA(_ reason: String) -> Self { Self(.untrustedCSCA, reason) }
    /// The SOD's signature (or its message digest) does not verify with the DSC.
    public static func badDSCSignature(_ reason: String) -> Self { Self(.badDSCSignature, reason) }
    /// The DSC (or its CSCA) is not valid on the verification date.
    public static func dscExpired(_ reason: String) -> Self { Self(.dscExpired, reason) }
    /// The DSC is on a CRL issued by its CSCA.
    public static func dscRevoked(_ reason: String) -> Self { Self(.dscRevoked, reason) }
    /// A data group does not hash to the value the SOD signs.
    public static func dataGroupHashMismatch(_ reason: String) -> Self { Self(.dataGroupHashMismatch, reason) }
    /// The document's expiry date has passed.
    public static func documentExpired(_ reason: String) -> Self { Self(.documentExpired, reason) }
    /// The chip's answer to the challenge does not verify with the DG15 key: a clone, or a replay.
    public static func activeAuthenticationFailed(_ reason: String) -> Self { Self(.activeAuthenticationFailed, reason) }

    /// Matches any error with this code (`error == .dataGroupHashMismatch`).
    public static let unparseable = unparseable("")
    public static let invalidMRZ = invalidMRZ("")
    public static let unsupportedAlgorithm = unsupportedAlgorithm("")
    public static let untrustedCSCA = untrustedCSCA("")
    public static let badDSCSignature = badDSCSignature("")
    public static let dscExpired = dscExpired("")
    public static let dscRevoked = dscRevoked("")
    public static let dataGroupHashMismatch = dataGroupHashMismatch("")
    public static let documentExpired = documentExpired("")
    public static let activeAuthenticationFailed = activeAuthenticationFailed("")

    public static func == (lhs: DocumentError, rhs: DocumentError) -> Bool { lhs.code == rhs.code }

    public var description: String { "\(code): \(reason)" }
}
