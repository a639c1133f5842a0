import Crypto
import Foundation
import JWTKit
import SwiftASN1
import X509
@testable import CyberIDCore
@testable import CyberIDDevTools
@testable import CyberIDDocuments
@testable import CyberIDIssuance
@testable import CyberIDProvider
import CyberIDStore
import CyberIDSDJWT
import CyberIDStatusList
import CyberIDVerifier

/// Seed corpora, made with the factories the tests use (DevDocumentFactory, the CSR and the
/// wallet JWS of the test harness): valid inputs of every parser, from which libFuzzer mutates.
enum Seeds {
    static func write(to directory: URL) throws {
        var seeds: [String: [[UInt8]]] = [:]
        let csca = try DevDocumentFactory.CSCA.make()
        for (index, rsa) in [false, true].enumerated() {
            let holder = DevDocumentFactory.Holder(
                givenNames: "SEED", birthDate: try CalendarDate(iso8601: "1990-0\(index + 1)-15"),
                documentNumber: "E1234567\(index)", expiryDate: try CalendarDate(iso8601: "2031-01-01"))
            let document = try DevDocumentFactory.make(holder: holder, csca: csca, rsa: rsa)
            seeds["dg1", default: []].append(document.chip.dg1)
            seeds["dg2", default: []] += document.chip.dg2.map { [$0] } ?? []
            seeds["dg15", default: []] += document.chip.dg15.map { [$0] } ?? []
            seeds["sod", default: []].append(document.chip.sod)
            seeds["mrz", default: []].append(Array(try DataGroupReader.mrz(document.chip.dg1).utf8))
        }
        seeds["mrz", default: []].append(Array(DevDocumentFactory.mrz(DevDocumentFactory.Holder(
            givenNames: "TD", birthDate: try CalendarDate(iso8601: "2001-02-03"), documentNumber: "X98765432",
            expiryDate: try CalendarDate(iso8601: "2030-12-31"))).utf8))
        let walletKey = P256.Signing.PrivateKey()
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("wallet") }, privateKey: .init(walletKey),
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        seeds["csr"] = [Array(try csr.serializeAsPEM().pemString.utf8)]
        // A real network certificate and the JWS that carries it.
        let issued = try NetworkCertificateIssuer(authority: Fixtures.authority).issue(
            publicKey: walletKey.publicKey, number: NetworkNumber.generate(), level: .substantial, personID: "seed",
            documentExpiry: try CalendarDate(iso8601: "2031-01-01"), now: Date())
        seeds["wallet-certificate"] = [issued.record.der]
        seeds["wallet-jws"] = [Array(Fixtures.jws(x5c: issued.record.der).utf8)]
        seeds["client-assertion"] = [Array(try clientAssertion().utf8)]
        seeds["form"] = [
            "grant_type=authorization_code&code=abc&redirect_uri=https%3A%2F%2Fplatform.test%2Fcb&client_id=p",
            "response_type=code&scope=openid+profile&state=x%20y&nonce=n&code_challenge=abc&code_challenge_method=S256",
        ].map { Array($0.utf8) }
        seeds["network-number"] = [Array(NetworkNumber.generate().formatted.utf8), Array(NetworkNumber.generate().canonical.utf8)]
        let ticket = LoginTicket(
            transaction: Array(repeating: 1, count: 16), nonce: Array(repeating: 2, count: 16), clientID: "platform",
            sector: "platform.test", scopes: [.openid], requiredLevel: .substantial, prompt: ["login"],
            expiresAt: 1_790_000_000, startedAt: 1_789_999_000, browserAddress: [127, 0, 0, 1])
        seeds["login-ticket"] = [ticket.bytes]
        seeds["sealed-ticket"] = [Array(try Fixtures.sealers.ticket.seal(bytes: ticket.bytes).utf8)]
        seeds["login-state"] = [Array(#"{"t":"AQ","n":"Ag","e":1,"b":"x","k":"y","s":1}"#.utf8)]
        seeds["sealed-state"] = [Array(try Fixtures.sealers.scan.seal(ScanProof(transactionID: "AQ", scannedAt: 1)).utf8)]
        let layoutRequest = AuthorizationRequest(
            clientID: "platform", redirectURI: "https://platform.test/cb", scopes: [.openid, .age], state: "s", nonce: "n",
            codeChallenge: "c", requiredLevel: .substantial, maxAge: 60, prompt: ["login"], mode: .r02)
        seeds["login-layouts"] = [
            LoginState(
                transactionID: "AQ", nonce: "Ag", request: layoutRequest, expiresAt: 1_790_000_000, browserBinding: "b", ticket: "k",
                startedAt: 1_789_999_000
            ).layoutBytes,
            LoginGrant(
                subject: "s", level: .substantial, authTime: 1_789_999_100, released: ["age_over_18"], certificate: "c",
                responseCodeHash: "h", mode: .r02, amr: ["hwk", "pin"]
            ).layoutBytes,
            ScanProof(transactionID: "AQ", scannedAt: 1).layoutBytes,
        ]
        seeds["document-crl"] = []
        seeds["sd-jwt"] = [Array(try Fixtures.presentation().utf8)]
        var list = StatusList(bits: 2, count: 64)
        list.set(3, 2)
        seeds["status-list"] = [[2] + Array(try list.lst().utf8)]
        let request = PresentationRequest(baseURL: "https://v.test", claims: ["given_name"])
        seeds["request-object"] = [Array(try request.requestObject().utf8)]
        for (name, inputs) in seeds {
            let folder = directory.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (index, input) in inputs.enumerated() {
                try Data(input).write(to: folder.appendingPathComponent("seed-\(index)"))
            }
        }
    }

    private static func clientAssertion() throws -> String {
        Fixtures.blockingValue {
            let keys = JWTKeyCollection()
            try await keys.add(ecdsa: ES256PrivateKey(backing: Fixtures.clientKey), kid: "platform")
            let now = Date().timeIntervalSince1970
            let json = #"{"iss":"platform","sub":"platform","aud":"https://id.test/token","jti":"seed","exp":"#
                + "\(Int(now) + 60),\"iat\":\(Int(now))}"
            let claims = try JSONDecoder().decode(ClientAssertion.self, from: Data(json.utf8))
            return try await keys.sign(claims, kid: "platform")
        }
    }
}

extension Fixtures {
    /// A key-bound SD-JWT presentation, for the sd-jwt target's seed.
    static func presentation() throws -> String {
        let issuer = P256.Signing.PrivateKey()
        let holder = P256.Signing.PrivateKey()
        let credential = try SDJWT.issue(
            header: ["typ": .string("dc+sd-jwt"), "kid": .string("k")],
            claims: ["iss": .string("https://id.test"), "cnf": .object(["jwk": ECPublicJWK(publicKey: holder.publicKey).json])],
            disclosable: [("given_name", .string("SEED")), ("birthdate", .string("1990-01-15"))],
            sign: { Array(try issuer.signature(for: Array($0.utf8)).rawRepresentation) })
        return try credential.presentation(
            disclosing: ["given_name"], holderKey: holder, audience: "redirect_uri:https://v.test/r", nonce: "n"
        ).compact
    }
}
