import Crypto
import CyberIDWallet
import Foundation
import Testing
import SwiftASN1
import X509

@Suite struct WalletSignatureTests {
    struct Claims: Codable, Equatable {
        var aud: String
        var iat: Int
        var purpose: String
    }

    /// Splits a compact JWS into its three decoded parts.
    func parts(_ jws: String) throws -> (header: [UInt8], payload: [UInt8], signature: [UInt8], encoded: [String]) {
        let encoded = jws.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        try #require(encoded.count == 3)
        let header = try #require(TestSupport.base64URLDecode(encoded[0]))
        let payload = try #require(TestSupport.base64URLDecode(encoded[1]))
        let signature = try #require(TestSupport.base64URLDecode(encoded[2]))
        return (header, payload, signature, encoded)
    }

    @Test func producesAnES256CompactJWSWithTheCertificateInX5c() throws {
        let key = WalletKey()
        let certificate = try TestSupport.certificateDER(for: key.publicKey)
        let claims = Claims(aud: "https://id.example/enrollment", iat: 1_800_000_000, purpose: "guardian-start")
        let jws = try WalletSignature(key: key, certificateDER: certificate).sign(claims)
        #expect(!jws.contains("="))

        let (header, payload, signature, encoded) = try parts(jws)
        let x5c = Data(certificate).base64EncodedString()
        #expect(
            String(decoding: header, as: UTF8.self) == #"{"alg":"ES256","typ":"cyberid-wallet+jwt","x5c":["\#(x5c)"]}"#)
        #expect(try JSONDecoder().decode(Claims.self, from: Data(payload)) == claims)
        #expect(
            String(decoding: payload, as: UTF8.self)
                == #"{"aud":"https://id.example/enrollment","iat":1800000000,"purpose":"guardian-start"}"#)

        #expect(signature.count == 64)
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        let signingInput = Array((encoded[0] + "." + encoded[1]).utf8)
        #expect(key.publicKey.isValidSignature(ecdsa, for: signingInput))

        // The key in x5c is the signing key.
        let parsed = try Certificate(derEncoded: certificate)
        let certifiedKey = try #require(P256.Signing.PublicKey(parsed.publicKey))
        #expect(certifiedKey.isValidSignature(ecdsa, for: signingInput))
    }

    @Test func aModifiedPayloadFailsVerification() throws {
        let key = WalletKey()
        let certificate = try TestSupport.certificateDER(for: key.publicKey)
        let jws = try WalletSignature(key: key, certificateDER: certificate)
            .sign(Claims(aud: "a", iat: 1, purpose: "guardian-start"))
        let (_, _, signature, encoded) = try parts(jws)
        let forged = TestSupport.base64URLEncode(Array(#"{"aud":"a","iat":1,"purpose":"guardian-approval"}"#.utf8))
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(!key.publicKey.isValidSignature(ecdsa, for: Array((encoded[0] + "." + forged).utf8)))
        #expect(key.publicKey.isValidSignature(ecdsa, for: Array((encoded[0] + "." + encoded[1]).utf8)))
    }

    @Test func chainCertificatesFollowTheNetworkCertificate() throws {
        let key = WalletKey()
        let certificate = try TestSupport.certificateDER(for: key.publicKey)
        let issuing = try TestSupport.certificateDER(for: WalletKey().publicKey)
        let jws = try WalletSignature(key: key, certificateDER: certificate, chainDER: [issuing])
            .sign(Claims(aud: "a", iat: 1, purpose: "p"))
        let header = try parts(jws).header
        struct Header: Decodable { var x5c: [String] }
        let decoded = try JSONDecoder().decode(Header.self, from: Data(header))
        #expect(decoded.x5c == [Data(certificate).base64EncodedString(), Data(issuing).base64EncodedString()])
    }

    @Test func walletSignsTheGuardianClaimsOfTheProtocol() throws {
        let key = WalletKey()
        let certificate = try TestSupport.certificateDER(for: key.publicKey)
        let file = try WalletFile(
            server: "https://id.example/", privateKeyPEM: key.pemRepresentation,
            certificatePEM: TestSupport.pem(certificate), chainPEM: "", networkNumber: "ABCD-EFGH-JKMN-PQRS-T",
            assuranceLevel: "substantial")
        let wallet = try Wallet(file: file)
        #expect(wallet.defaultAudience == "https://id.example/enrollment")

        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let approval = try wallet.sign(purpose: Wallet.Purpose.guardianApproval, sessionID: "c2Vzc2lvbg", now: now)
        let approvalPayload = try parts(approval).payload
        #expect(
            String(decoding: approvalPayload, as: UTF8.self)
                == #"{"aud":"https://id.example/enrollment","iat":1800000000,"purpose":"guardian-approval","session_id":"c2Vzc2lvbg"}"#
        )

        let start = try wallet.sign(
            purpose: Wallet.Purpose.guardianStart, audience: "https://issuer/enrollment", now: now)
        let (_, startPayload, signature, encoded) = try parts(start)
        #expect(
            String(decoding: startPayload, as: UTF8.self)
                == #"{"aud":"https://issuer/enrollment","iat":1800000000,"purpose":"guardian-start"}"#)
        let ecdsa = try P256.Signing.ECDSASignature(rawRepresentation: signature)
        #expect(key.publicKey.isValidSignature(ecdsa, for: Array((encoded[0] + "." + encoded[1]).utf8)))
    }

    @Test func aWalletWhoseCertificateIsForAnotherKeyIsRefused() throws {
        let certificate = try TestSupport.certificateDER(for: WalletKey().publicKey)
        let file = try WalletFile(
            server: "https://id.example", privateKeyPEM: WalletKey().pemRepresentation,
            certificatePEM: TestSupport.pem(certificate), chainPEM: "", networkNumber: "ABCD-EFGH-JKMN-PQRS-T",
            assuranceLevel: "substantial")
        #expect(throws: WalletError.invalidCertificate) { try Wallet(file: file) }
    }
}
