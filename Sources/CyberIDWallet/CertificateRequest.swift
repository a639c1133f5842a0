import Crypto
import Foundation

/// A PKCS#10 certification request (RFC 2986) for the wallet key: the proof of possession the
/// service demands before it issues the network certificate (docs/enrollment.md §5).
///
/// It is written by hand with a tiny DER writer so that the wallet needs nothing beyond
/// Foundation and swift-crypto (it must ship inside phone apps). The subject is a fixed
/// placeholder because the service ignores it and sets `serialNumber=<network number>` itself.
///
/// (Named `CertificateRequest` rather than `CertificateSigningRequest` so that code importing
/// both this module and swift-certificates' `X509` does not see two types of the same name.)
public struct CertificateRequest: Sendable, Equatable {
    /// The common name written into the subject; the service ignores the subject.
    public static let defaultCommonName = "CyberID wallet"

    /// The DER encoding of the whole `CertificationRequest`.
    public let derEncoded: [UInt8]

    /// Builds and signs a request for `key`.
    /// - Parameters:
    ///   - key: the wallet key; its public half goes in, its private half signs.
    ///   - commonName: the subject CN; the default is fine for CyberID.
    /// - Throws: when signing fails (it does not for a valid P-256 key).
    public init(key: WalletKey, commonName: String = CertificateRequest.defaultCommonName) throws {
        // id-at-commonName 2.5.4.3
        let subject = DERWriter.sequence(
            DERWriter.set(
                DERWriter.sequence(DERWriter.objectIdentifier([2, 5, 4, 3]), DERWriter.utf8String(commonName))))
        // swift-crypto's DER public key is already a SubjectPublicKeyInfo:
        // { id-ecPublicKey 1.2.840.10045.2.1, prime256v1 1.2.840.10045.3.1.7 } + uncompressed point.
        let subjectPublicKeyInfo = Array(key.publicKey.derRepresentation)
        let certificationRequestInfo = DERWriter.sequence(
            DERWriter.integer(0),
            subject,
            subjectPublicKeyInfo,
            DERWriter.contextConstructed(0, []))
        // ecdsa-with-SHA256 1.2.840.10045.4.3.2, parameters absent (RFC 5758 §3.2).
        let signatureAlgorithm = DERWriter.sequence(DERWriter.objectIdentifier([1, 2, 840, 10045, 4, 3, 2]))
        let signature = try Array(key.sign(certificationRequestInfo).derRepresentation)
        self.derEncoded = DERWriter.sequence(
            certificationRequestInfo, signatureAlgorithm, DERWriter.bitString(signature))
    }

    /// The PEM form (`CERTIFICATE REQUEST`), as sent in the `complete` step.
    public var pemEncoded: String { PEM.encode(derEncoded, label: "CERTIFICATE REQUEST") }
}
