import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificates and encodings the wallet tests need, made with swift-certificates so that the
/// wallet's hand-written DER is checked against an independent implementation.
enum TestSupport {
    /// A certificate for `publicKey`, signed by a throw-away P-256 issuer, as DER.
    static func certificateDER(
        for publicKey: P256.Signing.PublicKey,
        notValidBefore: Date = Date(timeIntervalSince1970: 1_700_000_000),
        notValidAfter: Date = Date(timeIntervalSince1970: 1_900_000_000),
        issuerKey: P256.Signing.PrivateKey = P256.Signing.PrivateKey()
    ) throws -> [UInt8] {
        try certificateDER(
            for: Certificate.PublicKey(publicKey), notValidBefore: notValidBefore, notValidAfter: notValidAfter,
            issuerKey: issuerKey)
    }

    /// A certificate for an X.509 public key (e.g. one taken from a CSR), as DER.
    static func certificateDER(
        for publicKey: Certificate.PublicKey,
        notValidBefore: Date = Date(timeIntervalSince1970: 1_700_000_000),
        notValidAfter: Date = Date(timeIntervalSince1970: 1_900_000_000),
        issuerKey: P256.Signing.PrivateKey = P256.Signing.PrivateKey()
    ) throws -> [UInt8] {
        let issuer = try DistinguishedName { CommonName("x") }
        let subject = try DistinguishedName { CommonName("ABCD-EFGH-JKMN-PQRS-T") }
        let certificate = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: issuer,
            subject: subject,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: Certificate.Extensions(),
            issuerPrivateKey: Certificate.PrivateKey(issuerKey))
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// PEM armour for a DER certificate.
    static func pem(_ der: [UInt8]) -> String {
        PEMDocument(type: "CERTIFICATE", derBytes: der).pemString + "\n"
    }

    /// Unpadded base64url decoding, written independently of the module's helper.
    static func base64URLDecode(_ text: String) -> [UInt8]? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64).map { Array($0) }
    }

    /// Unpadded base64url encoding.
    static func base64URLEncode(_ bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// A fresh empty directory under the system temporary directory.
    static func temporaryDirectory() throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("cyberid-wallet-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}
