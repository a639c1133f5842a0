import CyberIDCore
import Crypto
import Foundation
import SwiftASN1
import _CryptoExtras

/// Verifies the X.509 and CMS signatures of the eMRTD PKI with swift-crypto.
///
/// swift-certificates verifies certificate chains for the WebPKI but does not implement
/// RSASSA-PSS, which many states use for CSCAs, DSCs and SODs; this type covers
/// ECDSA (P-256/384/521, SHA-2), RSA PKCS#1 v1.5 (SHA-2) and RSASSA-PSS (SHA-2, MGF1 with the
/// same hash, salt length equal to the hash length, the ICAO profile).
enum SignatureVerifier {
    /// Checks `signature` over `message`.
    /// - Parameters:
    ///   - signature: the signature bytes (DER ECDSA-Sig-Value for ECDSA).
    ///   - message: the signed bytes (hashed here).
    ///   - algorithm: the signature algorithm identifier.
    ///   - digest: the CMS digest algorithm, used when `algorithm` names only the key type
    ///     (`rsaEncryption`, `ecPublicKey`), as some SODs do.
    ///   - key: the signer's public key.
    /// - Returns: whether the signature verifies.
    /// - Throws: ``DocumentError/unsupportedAlgorithm`` for an algorithm outside the list above.
    static func isValid(
        signature: [UInt8], over message: some DataProtocol, algorithm: AlgorithmIdentifier,
        digest: DigestAlgorithm? = nil, key: PublicKey
    ) throws(DocumentError) -> Bool {
        switch algorithm.oid {
        case OID.ecdsaWithSHA256: return ecdsa(signature, message, .sha256, key)
        case OID.ecdsaWithSHA384: return ecdsa(signature, message, .sha384, key)
        case OID.ecdsaWithSHA512: return ecdsa(signature, message, .sha512, key)
        case OID.ecPublicKey:
            guard let digest else { throw .unsupportedAlgorithm("ecPublicKey needs a digest algorithm") }
            return ecdsa(signature, message, digest, key)
        case OID.sha256WithRSA: return try rsa(signature, message, .sha256, .insecurePKCS1v1_5, key)
        case OID.sha384WithRSA: return try rsa(signature, message, .sha384, .insecurePKCS1v1_5, key)
        case OID.sha512WithRSA: return try rsa(signature, message, .sha512, .insecurePKCS1v1_5, key)
        case OID.rsaEncryption:
            guard let digest else { throw .unsupportedAlgorithm("rsaEncryption needs a digest algorithm") }
            return try rsa(signature, message, digest, .insecurePKCS1v1_5, key)
        case OID.rsassaPSS:
            return try rsa(signature, message, try pssHash(algorithm.parameters), .PSS, key)
        default:
            throw .unsupportedAlgorithm("signature algorithm \(algorithm.oid) is not supported")
        }
    }

    private static func ecdsa(
        _ signature: [UInt8], _ message: some DataProtocol, _ hash: DigestAlgorithm, _ key: PublicKey
    ) -> Bool {
        let digest = hash.hash(message)
        switch key {
        case .p256(let key):
            guard let signature = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: RawDigest(bytes: digest))
        case .p384(let key):
            guard let signature = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: RawDigest(bytes: digest))
        case .p521(let key):
            guard let signature = try? P521.Signing.ECDSASignature(derRepresentation: signature) else { return false }
            return key.isValidSignature(signature, for: RawDigest(bytes: digest))
        case .rsa:
            return false
        }
    }

    private static func rsa(
        _ signature: [UInt8], _ message: some DataProtocol, _ hash: DigestAlgorithm, _ padding: _RSA.Signing.Padding,
        _ key: PublicKey
    ) throws(DocumentError) -> Bool {
        guard let rsaKey = key.rsaSigningKey() else { return false }
        let rsaSignature = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch hash {
        case .sha256: return rsaKey.isValidSignature(rsaSignature, for: SHA256.hash(data: message), padding: padding)
        case .sha384: return rsaKey.isValidSignature(rsaSignature, for: SHA384.hash(data: message), padding: padding)
        case .sha512: return rsaKey.isValidSignature(rsaSignature, for: SHA512.hash(data: message), padding: padding)
        case .sha1: throw .unsupportedAlgorithm("RSA signatures with SHA-1 are not accepted")
        }
    }

    /// Reads RSASSA-PSS-params (RFC 4055) and accepts the profile swift-crypto implements:
    /// a SHA-2 hash, MGF1 with the same hash, salt length = hash length, trailer field 1.
    private static func pssHash(_ parameters: ASN1Any?) throws(DocumentError) -> DigestAlgorithm {
        guard let parameters else { throw .unsupportedAlgorithm("RSASSA-PSS without parameters (SHA-1) is not accepted") }
        do {
            let node = try DER.parse(try derBytes(parameters))
            return try DER.sequence(node, identifier: .sequence) { nodes in
                let hashOID =
                    try DER.optionalExplicitlyTagged(&nodes, tagNumber: 0, tagClass: .contextSpecific) {
                        try AlgorithmIdentifier(derEncoded: $0).oid
                    } ?? OID.sha1
                let mgf = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 1, tagClass: .contextSpecific) {
                    try AlgorithmIdentifier(derEncoded: $0)
                }
                let salt = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 2, tagClass: .contextSpecific) {
                    try Int(derEncoded: $0)
                } ?? 20
                let trailer = try DER.optionalExplicitlyTagged(&nodes, tagNumber: 3, tagClass: .contextSpecific) {
                    try Int(derEncoded: $0)
                } ?? 1
                let hash = try DigestAlgorithm(oid: hashOID)
                let mgfHash = try mgf.flatMap { mgf -> ASN1ObjectIdentifier? in
                    guard mgf.oid == OID.mgf1, let inner = mgf.parameters else { return nil }
                    return try AlgorithmIdentifier(derEncoded: try DER.parse(try derBytes(inner))).oid
                }
                guard hash != .sha1, mgfHash == hash.oid, salt == hash.hash([]).count, trailer == 1 else {
                    throw DocumentError.unsupportedAlgorithm(
                        "RSASSA-PSS is supported with SHA-2, MGF1 of the same hash and salt length = hash length")
                }
                return hash
            }
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("RSASSA-PSS parameters are malformed")
        }
    }
}

/// A digest computed elsewhere, handed to swift-crypto's `isValidSignature(_:for:)`.
struct RawDigest: Digest {
    let bytes: [UInt8]

    static var byteCount: Int { 64 }

    func withUnsafeBytes<R>(_ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try bytes.withUnsafeBytes(body)
    }

    func makeIterator() -> Array<UInt8>.Iterator { bytes.makeIterator() }

    var description: String { "RawDigest(\(bytes.count) bytes)" }

    static func == (lhs: RawDigest, rhs: RawDigest) -> Bool { lhs.bytes == rhs.bytes }

    func hash(into hasher: inout Hasher) { hasher.combine(bytes) }
}

/// The DER encoding of an `ASN1Any`.
func derBytes(_ value: ASN1Any) throws -> [UInt8] {
    var serializer = DER.Serializer()
    try serializer.serialize(value)
    return serializer.serializedBytes
}
