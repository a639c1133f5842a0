import CyberIDBase64URL
import Crypto
import Foundation

/// A compact JWS (RFC 7515) signed with ES256 by the wallet key, carrying the network
/// certificate in `x5c` (docs/enrollment.md §7).
///
/// This is how a wallet proves, to the service, that it holds the key of a network
/// certificate: the service checks the certificate chain, then the signature with the key in
/// the certificate.
public struct WalletSignature: Sendable {
    /// The JOSE `alg`.
    public static let algorithm = "ES256"
    /// The JOSE `typ`, so that a wallet signature cannot be mistaken for another JWT.
    public static let tokenType = "cyberid-wallet+jwt"

    /// The signing key.
    public let key: WalletKey
    /// `x5c`: the network certificate's DER first, then optional chain certificates.
    public let certificates: [[UInt8]]

    /// Prepares a signer.
    /// - Parameters:
    ///   - key: the wallet key (the key the certificate certifies).
    ///   - certificateDER: the wallet's network certificate, DER.
    ///   - chainDER: further certificates for `x5c` (issuing CA, …); the service knows its own
    ///     CA, so none are needed.
    public init(key: WalletKey, certificateDER: [UInt8], chainDER: [[UInt8]] = []) {
        self.key = key
        self.certificates = [certificateDER] + chainDER
    }

    /// Signs a payload.
    /// - Parameter payload: any JSON-encodable claims; keys are written in sorted order so the
    ///   same claims always give the same bytes.
    /// - Returns: `BASE64URL(header).BASE64URL(payload).BASE64URL(r ‖ s)`.
    public func sign(_ payload: some Encodable) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .secondsSince1970
        let header = Header(
            alg: Self.algorithm, typ: Self.tokenType, x5c: certificates.map { Data($0).base64EncodedString() })
        let encodedHeader = try Base64URL.encode(encoder.encode(header))
        let encodedPayload = try Base64URL.encode(encoder.encode(payload))
        let signingInput = encodedHeader + "." + encodedPayload
        let signature = try key.sign(Array(signingInput.utf8))
        return signingInput + "." + Base64URL.encode(signature.rawRepresentation)
    }

    /// The protected header.
    private struct Header: Encodable {
        let alg: String
        let typ: String
        let x5c: [String]
    }
}
