public import Foundation

/// The chip of an identity document as a wallet presents it to re-verify (issue 12, finding 3):
/// the files read over NFC and the chip's active-authentication signature over the login's
/// challenge (``WalletLoginView/aaChallenge``).
public struct PresentedDocument: Sendable, Equatable {
    public var dg1: [UInt8]
    public var dg2: [UInt8]?
    public var dg15: [UInt8]?
    public var sod: [UInt8]
    public var aaSignature: [UInt8]

    public init(dg1: [UInt8], dg2: [UInt8]? = nil, dg15: [UInt8]? = nil, sod: [UInt8], aaSignature: [UInt8]) {
        (self.dg1, self.dg2, self.dg15, self.sod, self.aaSignature) = (dg1, dg2, dg15, sod, aaSignature)
    }

    /// What the approval signs: base64url(SHA-256(SOD ‖ active-authentication signature)). The
    /// SOD covers every data group's hash, so the approval binds the whole presentation.
    public var digest: String { sha256Base64URL(sod + aaSignature) }
}

/// Re-proves a holder with their document's chip: passive and active authentication against the
/// trust store, and the same document as on record for `personID` (as a device replacement
/// does). Throws a ``ServiceError`` that says why not. The enrollment service provides it; the
/// server wires it into the provider.
public typealias DocumentReproof =
    @Sendable (_ document: PresentedDocument, _ challenge: [UInt8], _ personID: String, _ now: Date) async throws -> Void
