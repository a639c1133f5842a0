import Crypto
import CyberIDBase64URL
import CyberIDSDJWT
import Foundation
import Testing

/// SD-JWT (RFC 9901): issuance, selective disclosure, key binding, and every refusal.
@Suite struct SDJWTTests {
    let issuerKey = P256.Signing.PrivateKey()
    let holderKey = P256.Signing.PrivateKey()

    func credential() throws -> SDJWT {
        try SDJWT.issue(
            header: ["typ": .string("dc+sd-jwt"), "kid": .string("k1")],
            claims: [
                "iss": .string("https://id.test"), "verified": .bool(true),
                "cnf": .object(["jwk": ECPublicJWK(publicKey: holderKey.publicKey).json]),
            ],
            disclosable: [("given_name", .string("SAN")), ("family_name", .string("ZHANG")), ("birthdate", .string("1990-01-01"))],
            sign: { Array(try issuerKey.signature(for: Array($0.utf8)).rawRepresentation) })
    }

    @Test("the digest of RFC 9901's example disclosure")
    func knownDigest() throws {
        let disclosure = try Disclosure(encoded: "WyJfMjZiYzRMVC1hYzZxMktJNmNCVzVlcyIsICJmYW1pbHlfbmFtZSIsICJNw7ZiaXVzIl0")
        #expect(disclosure.name == "family_name")
        #expect(disclosure.value == .string("Möbius"))
        #expect(disclosure.digest == "X9yH0Ajrdm1Oij4tWso9UzzKJvPoDxwmuEcO3XAdRC0")
    }

    @Test("issued, parsed back, verified: clear and disclosed claims, no _sd")
    func roundTrip() throws {
        let issued = try credential()
        let parsed = try SDJWT(compact: issued.compact)
        #expect(parsed == issued)
        #expect(issued.compact.hasSuffix("~"))
        let claims = try parsed.verifiedClaims(issuerKey: issuerKey.publicKey)
        #expect(claims["given_name"] == .string("SAN"))
        #expect(claims["verified"] == .bool(true))
        #expect(claims["_sd"] == nil && claims["_sd_alg"] == nil)
        // The clear payload names no disclosable claim.
        #expect(issued.jwt.payload["given_name"] == nil)
        #expect(Set(issued.disclosures.map(\.salt)).count == 3)
    }

    @Test("a presentation shows only what the holder chose, bound to the verifier and the nonce")
    func presentation() throws {
        let shown = try credential().presentation(disclosing: ["given_name"], holderKey: holderKey, audience: "v1", nonce: "n1")
        let received = try SDJWT(compact: shown.compact)
        let claims = try received.verifiedClaims(issuerKey: issuerKey.publicKey)
        #expect(claims["given_name"] == .string("SAN"))
        #expect(claims["family_name"] == nil && claims["birthdate"] == nil)
        try received.verifyKeyBinding(audience: "v1", nonce: "n1")
        #expect(throws: SDJWTError.self) { try received.verifyKeyBinding(audience: "v2", nonce: "n1") }
        #expect(throws: SDJWTError.self) { try received.verifyKeyBinding(audience: "v1", nonce: "n2") }
        #expect(throws: SDJWTError.self) {
            try received.verifyKeyBinding(audience: "v1", nonce: "n1", now: Date().addingTimeInterval(3_600))
        }
    }

    @Test("a disclosure added after the key binding breaks sd_hash; none at all is refused")
    func keyBindingCoversDisclosures() throws {
        let issued = try credential()
        let shown = try issued.presentation(disclosing: ["given_name"], holderKey: holderKey, audience: "v", nonce: "n")
        let widened = SDJWT(jwt: shown.jwt, disclosures: issued.disclosures, keyBinding: shown.keyBinding)
        #expect(throws: SDJWTError.self) { try SDJWT(compact: widened.compact).verifyKeyBinding(audience: "v", nonce: "n") }
        #expect(throws: SDJWTError.self) { try SDJWT(compact: issued.compact).verifyKeyBinding(audience: "v", nonce: "n") }
        // Signed by another key than cnf.jwk.
        let thief = try issued.presentation(disclosing: [], holderKey: P256.Signing.PrivateKey(), audience: "v", nonce: "n")
        #expect(throws: SDJWTError.self) { try thief.verifyKeyBinding(audience: "v", nonce: "n") }
    }

    @Test("tampered, foreign or repeated disclosures are refused")
    func tamperedDisclosures() throws {
        let issued = try credential()
        let forged = Disclosure(salt: issued.disclosures[0].salt, name: "given_name", value: .string("MALLORY"))
        let tampered = SDJWT(jwt: issued.jwt, disclosures: [forged])
        #expect(throws: SDJWTError.self) { try tampered.verifiedClaims(issuerKey: issuerKey.publicKey) }
        let repeated = SDJWT(jwt: issued.jwt, disclosures: [issued.disclosures[0], issued.disclosures[0]])
        #expect(throws: SDJWTError.self) { try repeated.verifiedClaims(issuerKey: issuerKey.publicKey) }
        // A disclosure that would overwrite a clear claim, even if listed.
        let shadow = Disclosure(name: "verified", value: .bool(false))
        let forgedPayload = issued.jwt.payload.merging(["_sd": .array([.string(shadow.digest)])]) { $1 }
        let resigned = SDJWT(
            jwt: try CompactJWS.sign(header: issued.jwt.header, payload: forgedPayload, key: issuerKey), disclosures: [shadow])
        #expect(throws: SDJWTError.self) { try resigned.verifiedClaims(issuerKey: issuerKey.publicKey) }
    }

    @Test("another issuer's signature, or an altered payload, is refused")
    func signatures() throws {
        let issued = try credential()
        #expect(throws: SDJWTError.self) { try issued.verifiedClaims(issuerKey: P256.Signing.PrivateKey().publicKey) }
        let parts = issued.jwt.compact.split(separator: ".").map(String.init)
        var payload = issued.jwt.payload
        payload["verified"] = .bool(false)
        let altered = parts[0] + "." + Base64URL.encode(JSON.object(payload).encoded) + "." + parts[2]
        #expect(throws: SDJWTError.self) { try SDJWT(compact: altered + "~").verifiedClaims(issuerKey: issuerKey.publicKey) }
        let none = try CompactJWS.unsigned(header: [:], payload: payload)
        #expect(throws: SDJWTError.self) { try none.verify(with: issuerKey.publicKey) }
    }

    @Test("malformed input is refused, never crashes", arguments: [
        "", "~", "a.b.c~", "x~y~", String(repeating: "~", count: 100), "e30.e30.~WyJhIl0~",
    ])
    func malformed(_ text: String) {
        #expect(throws: SDJWTError.self) { try SDJWT(compact: text) }
    }
}
