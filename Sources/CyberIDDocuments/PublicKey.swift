import CyberIDCore
import Crypto
import SwiftASN1
import _CryptoExtras

/// A public key from a SubjectPublicKeyInfo: the DSC's, a CSCA's, or the chip's (DG15).
enum PublicKey: Sendable {
    case p256(P256.Signing.PublicKey)
    case p384(P384.Signing.PublicKey)
    case p521(P521.Signing.PublicKey)
    /// RSA, with the raw modulus and exponent kept for ISO/IEC 9796-2 (active authentication).
    case rsa(modulus: [UInt8], exponent: [UInt8], spki: [UInt8])

    /// Parses a DER SubjectPublicKeyInfo.
    /// - Throws: ``DocumentError/unparseable`` for bad DER, ``DocumentError/unsupportedAlgorithm``
    ///   for a curve or key type not supported (e.g. brainpool, explicit curve parameters).
    init(spki bytes: ArraySlice<UInt8>) throws(DocumentError) {
        do {
            let node = try DER.parse(bytes)
            let (algorithm, key) = try DER.sequence(node, identifier: .sequence) { nodes in
                (try AlgorithmIdentifier(derEncoded: nodes.next() ?? node), try ASN1BitString(derEncoded: &nodes))
            }
            switch algorithm.oid {
            case OID.ecPublicKey:
                guard let parameters = algorithm.parameters,
                    let curve = try? ASN1ObjectIdentifier(asn1Any: parameters)
                else {
                    throw DocumentError.unsupportedAlgorithm("EC keys with explicit curve parameters are not supported")
                }
                switch curve {
                case OID.p256: self = .p256(try P256.Signing.PublicKey(x963Representation: key.bytes))
                case OID.p384: self = .p384(try P384.Signing.PublicKey(x963Representation: key.bytes))
                case OID.p521: self = .p521(try P521.Signing.PublicKey(x963Representation: key.bytes))
                default: throw DocumentError.unsupportedAlgorithm("EC curve \(curve) is not supported")
                }
            case OID.rsaEncryption:
                let (modulus, exponent) = try DER.sequence(try DER.parse(key.bytes), identifier: .sequence) { nodes in
                    (
                        try ArraySlice<UInt8>(derEncoded: &nodes),
                        try ArraySlice<UInt8>(derEncoded: &nodes)
                    )
                }
                self = .rsa(modulus: Array(modulus.drop { $0 == 0 }), exponent: Array(exponent), spki: Array(bytes))
            default:
                throw DocumentError.unsupportedAlgorithm("public key algorithm \(algorithm.oid) is not supported")
            }
        } catch let error as DocumentError {
            throw error
        } catch {
            throw .unparseable("the public key is not a valid SubjectPublicKeyInfo")
        }
    }

    /// The RSA key for PKCS#1 v1.5 and PSS verification (any size: eMRTD keys may be 1024-bit).
    func rsaSigningKey() -> _RSA.Signing.PublicKey? {
        guard case .rsa(_, _, let spki) = self else { return nil }
        return try? _RSA.Signing.PublicKey(unsafeDERRepresentation: spki)
    }
}
