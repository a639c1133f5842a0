import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDCredentials
import CyberIDIssuance
import CyberIDKeys
import CyberIDLifecycle
import CyberIDSDJWT
import CyberIDStatusList
import CyberIDStore
import CyberIDTestSupport
import CyberIDVerifier
import Foundation
import Synchronization
import Testing
import SwiftASN1
import X509

/// A wired credential issuer over a harness store, with an enrolled adult.
struct IssuerWorld: Sendable {
    let harness: Harness
    let service: CredentialService
    let keys: SigningKeySet
    let personID: String
    let serial: String
    let networkNumber: String

    static func with(
        ttl: Int = 60, backend: Backend = .sqlite, _ body: @Sendable (IssuerWorld) async throws -> Void
    ) async throws {
        try await Harness.with(backend: backend) { harness in
            let keys = SigningKeySet(store: harness.store, masterKey: harness.masterKey)
            _ = try await keys.loadOrCreate()
            var configuration = CredentialConfiguration(issuer: "https://id.test")
            configuration.statusListTTL = ttl
            let service = CredentialService(configuration: configuration, store: harness.store, masterKey: harness.masterKey, signingKeys: keys)
            let (issued, _, personID) = try await harness.enrollPerson()
            let certificate = try Certificate(pemEncoded: issued.certificate)
            let serial = certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined()
            try await body(
                IssuerWorld(
                    harness: harness, service: service, keys: keys, personID: personID, serial: serial,
                    networkNumber: issued.networkNumber))
        }
    }

    /// offer → token → nonce: an access token and a nonce.
    func grant(now: Date = Date()) async throws -> (token: String, nonce: String) {
        let offer = try await service.offer(personID: personID, certificateSerial: serial, now: now)
        let code = try required(offer["grants"]?[CredentialConfiguration.preAuthorizedGrant]?["pre-authorized_code"]?.string)
        let token = try await service.token(preAuthorizedCode: code, transactionCode: nil, now: now)
        return (try required(token["access_token"]?.string), service.nonce(now: now))
    }

    static func proof(
        _ key: P256.Signing.PrivateKey, nonce: String, audience: String = "https://id.test", now: Date = Date()
    ) throws -> JSON {
        .string(
            try CompactJWS.sign(
                header: ["typ": .string("openid4vci-proof+jwt"), "jwk": ECPublicJWK(publicKey: key.publicKey).json],
                payload: ["aud": .string(audience), "iat": .integer(Int(now.timeIntervalSince1970)), "nonce": .string(nonce)],
                key: key
            ).compact)
    }

    static func request(_ proofs: [JSON]) -> [UInt8] {
        JSON.object(["credential_configuration_id": .string("verified_person"), "proofs": .object(["jwt": .array(proofs)])]).encoded
    }

    /// A batch of credentials with their holder keys.
    func batch(_ count: Int, now: Date = Date()) async throws -> [(SDJWT, P256.Signing.PrivateKey)] {
        let (token, nonce) = try await grant(now: now)
        let keys = (0..<count).map { _ in P256.Signing.PrivateKey() }
        let answer = try await service.issue(
            accessToken: token, body: Self.request(try keys.map { try Self.proof($0, nonce: nonce, now: now) }), now: now)
        let credentials = try required(answer["credentials"]?.array).map { try SDJWT(compact: try required($0["credential"]?.string)) }
        return Array(zip(credentials, keys))
    }

    /// The active signing key's public half.
    func issuerKey() throws -> P256.Signing.PublicKey { try keys.activeKey().privateKey.publicKey }
}

/// Runs `body` and expects a ``CredentialError`` with `code`.
func expectRefusal(
    _ code: String, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Any
) async {
    do {
        _ = try await body()
        Issue.record("expected \(code), got an answer", sourceLocation: sourceLocation)
    } catch let error as CredentialError {
        #expect(error.code == code, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(code), got \(error)", sourceLocation: sourceLocation)
    }
}

@Suite struct CredentialServiceTests {
    @Test(
        "a batch: every credential verifies, carries the claims, and shares no salt, key, signature or status entry",
        arguments: Backend.available)
    func batchIssuance(backend: Backend) async throws {
        try await IssuerWorld.with(backend: backend) { world in
            let batch = try await world.batch(10)
            #expect(batch.count == 10)
            var salts = Set<String>(), holderKeys = Set<String>(), signatures = Set<[UInt8]>(), entries = Set<String>()
            for (credential, key) in batch {
                let claims = try credential.verifiedClaims(issuerKey: try world.issuerKey())
                #expect(credential.jwt.header["typ"] == .string("dc+sd-jwt"))
                #expect(claims["vct"] == .string(CredentialConfiguration.vct) && claims["verified"] == .bool(true))
                #expect(claims["age_over_18"] == .bool(true) && claims["age_over_14"] == .bool(true))
                #expect(claims["assurance_level"] == .string("substantial"))
                #expect(claims["birthdate"] == .string("1990-01-01") && claims["nationality"] != nil)
                #expect(Set(credential.disclosableNames) == ["given_name", "family_name", "birthdate", "nationality"])
                let exp = try required(claims["exp"]?.integer)
                #expect(TimeInterval(exp) <= Date().timeIntervalSince1970 + 30 * 86_400)
                #expect(try ECPublicJWK(json: required(claims["cnf"]?["jwk"])) == ECPublicJWK(publicKey: key.publicKey))
                // No network number anywhere, in any form.
                let number = world.networkNumber.replacingOccurrences(of: "-", with: "")
                #expect(!credential.compact.contains(number) && !claims.description.contains(number))
                for disclosure in credential.disclosures { #expect(salts.insert(disclosure.salt).inserted) }
                #expect(holderKeys.insert(key.publicKey.rawRepresentation.base64EncodedString()).inserted)
                #expect(signatures.insert(credential.jwt.signature).inserted)
                let status = try required(claims["status"]?["status_list"])
                #expect(entries.insert("\(status["uri"]!.string!)#\(status["idx"]!.integer!)").inserted)
            }
        }
    }

    @Test("codes and access tokens are single use, and expire", arguments: Backend.available)
    func singleUse(backend: Backend) async throws {
        try await IssuerWorld.with(backend: backend) { world in
            let offer = try await world.service.offer(personID: world.personID, certificateSerial: world.serial)
            let code = try required(offer["grants"]?[CredentialConfiguration.preAuthorizedGrant]?["pre-authorized_code"]?.string)
            _ = try await world.service.token(preAuthorizedCode: code, transactionCode: nil)
            await expectRefusal("invalid_grant") {
                try await world.service.token(preAuthorizedCode: code, transactionCode: nil)
            }
            let late = try await world.service.offer(personID: world.personID, certificateSerial: world.serial)
            let lateCode = try required(late["grants"]?[CredentialConfiguration.preAuthorizedGrant]?["pre-authorized_code"]?.string)
            await expectRefusal("invalid_grant") {
                try await world.service.token(preAuthorizedCode: lateCode, transactionCode: nil, now: Date().addingTimeInterval(301))
            }
            let (token, nonce) = try await world.grant()
            let body = IssuerWorld.request([try IssuerWorld.proof(P256.Signing.PrivateKey(), nonce: nonce)])
            _ = try await world.service.issue(accessToken: token, body: body)
            await expectRefusal("invalid_token") { try await world.service.issue(accessToken: token, body: body) }
        }
    }

    @Test("bad proofs are refused, and do not use up the access token")
    func badProofs() async throws {
        try await IssuerWorld.with { world in
            let (token, nonce) = try await world.grant()
            let key = P256.Signing.PrivateKey()
            let service = world.service
            await expectRefusal("invalid_nonce") {
                try await service.issue(accessToken: token, body: IssuerWorld.request([try IssuerWorld.proof(key, nonce: "forged")]))
            }
            let expiredNonce = service.nonce(now: Date().addingTimeInterval(-400))
            await expectRefusal("invalid_nonce") {
                try await service.issue(accessToken: token, body: IssuerWorld.request([try IssuerWorld.proof(key, nonce: expiredNonce)]))
            }
            await expectRefusal("invalid_proof") {
                try await service.issue(
                    accessToken: token, body: IssuerWorld.request([try IssuerWorld.proof(key, nonce: nonce, audience: "https://evil.test")]))
            }
            await expectRefusal("invalid_proof") {
                let proof = try IssuerWorld.proof(key, nonce: nonce)
                return try await service.issue(accessToken: token, body: IssuerWorld.request([proof, proof]))
            }
            // Signed by another key than the one in its header.
            let swapped = try CompactJWS.sign(
                header: ["typ": .string("openid4vci-proof+jwt"), "jwk": ECPublicJWK(publicKey: key.publicKey).json],
                payload: ["aud": .string("https://id.test"), "iat": .integer(Int(Date().timeIntervalSince1970)), "nonce": .string(nonce)],
                key: P256.Signing.PrivateKey())
            await expectRefusal("invalid_proof") {
                try await service.issue(accessToken: token, body: IssuerWorld.request([.string(swapped.compact)]))
            }
            let eleven = try (0..<11).map { _ in try IssuerWorld.proof(P256.Signing.PrivateKey(), nonce: nonce) }
            await expectRefusal("invalid_credential_request") {
                try await service.issue(accessToken: token, body: IssuerWorld.request(eleven))
            }
            await expectRefusal("unknown_credential_configuration") {
                try await service.issue(accessToken: token, body: JSON.object(["credential_configuration_id": .string("x")]).encoded)
            }
            // After all those refusals the token still works once.
            let answer = try await service.issue(accessToken: token, body: IssuerWorld.request([try IssuerWorld.proof(key, nonce: nonce)]))
            #expect(answer["credentials"]?.array?.count == 1)
        }
    }

    @Test("a suspended person gets no credentials")
    func suspendedPerson() async throws {
        try await IssuerWorld.with { world in
            let (token, nonce) = try await world.grant()
            try await LifecycleService(store: world.harness.store).apply(.suspend, personID: world.personID, actor: .person, reason: "t")
            await expectRefusal("credential_request_denied") {
                try await world.service.issue(
                    accessToken: token, body: IssuerWorld.request([try IssuerWorld.proof(P256.Signing.PrivateKey(), nonce: nonce)]))
            }
        }
    }
}
