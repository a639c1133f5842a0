public import Crypto
import Foundation
import SwiftASN1
import X509

/// Certificate signing requests (PKCS#10) from wallets.
public enum CSR {
    /// The wallet key from a PKCS#10 CSR (PEM or DER), after checking its self-signature (proof of
    /// possession).
    /// - Throws: ``IssuanceError`` `invalid-csr`.
    public static func walletKey(from bytes: [UInt8]) throws(IssuanceError) -> P256.Signing.PublicKey {
        let csr: CertificateSigningRequest
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE REQUEST-----") {
            guard let parsed = try? CertificateSigningRequest(pemEncoded: text) else {
                throw .invalidCSR("the CSR PEM is malformed")
            }
            csr = parsed
        } else {
            guard let parsed = try? CertificateSigningRequest(derEncoded: bytes) else {
                throw .invalidCSR("the CSR is not PKCS#10")
            }
            csr = parsed
        }
        guard let key = P256.Signing.PublicKey(csr.publicKey) else { throw .invalidCSR("the CSR key must be P-256") }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw .invalidCSR("the CSR signature does not verify (no proof of possession)")
        }
        return key
    }
}
