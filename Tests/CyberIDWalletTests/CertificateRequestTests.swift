import Crypto
import CyberIDWallet
import Testing
import SwiftASN1
import X509

@Suite struct CertificateRequestTests {
    @Test func swiftCertificatesParsesTheRequestAndItsSignatureVerifies() throws {
        let key = WalletKey()
        let request = try CertificateRequest(key: key)
        let csr = try CertificateSigningRequest(derEncoded: request.derEncoded)
        #expect(csr.version == .v1)
        #expect(csr.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(csr.signatureAlgorithm == .ecdsaWithSHA256)
        #expect(csr.subject == (try DistinguishedName { CommonName("CyberID wallet") }))
        #expect(csr.publicKey.isValidSignature(csr.signature, for: csr))
    }

    @Test func thePEMFormCarriesTheSameRequest() throws {
        let key = WalletKey()
        let request = try CertificateRequest(key: key)
        #expect(request.pemEncoded.hasPrefix("-----BEGIN CERTIFICATE REQUEST-----\n"))
        #expect(request.pemEncoded.hasSuffix("-----END CERTIFICATE REQUEST-----\n"))
        let csr = try CertificateSigningRequest(pemEncoded: request.pemEncoded)
        #expect(csr.publicKey == Certificate.PublicKey(key.publicKey))
        #expect(csr.publicKey.isValidSignature(csr.signature, for: csr))
    }

    @Test func aFlippedSignatureByteFailsVerification() throws {
        let key = WalletKey()
        var bytes = try CertificateRequest(key: key).derEncoded
        // The last byte is the last byte of the ECDSA signature's `s`.
        bytes[bytes.count - 1] ^= 0x01
        let csr = try CertificateSigningRequest(derEncoded: bytes)
        #expect(!csr.publicKey.isValidSignature(csr.signature, for: csr))
    }

    @Test func anotherKeyDoesNotVerifyTheRequest() throws {
        let csr = try CertificateSigningRequest(derEncoded: try CertificateRequest(key: WalletKey()).derEncoded)
        let other = Certificate.PublicKey(WalletKey().publicKey)
        #expect(!other.isValidSignature(csr.signature, for: csr))
    }
}
