import Crypto
import CyberIDBase64URL
@testable import CyberIDRelyingParty
import Foundation
import JWTKit
import Testing

/// `verifyIDToken`: every check the SDK makes (signature and `kid` against the provider's JWKS,
/// `exp`, `iss`, `aud`, `nonce`, the required level). Tokens the server would not issue are
/// signed here, with the server's own key where only one claim is to be wrong; the first test
/// shows such a token verifies when nothing is wrong, so each refusal below is the claim's.
@Suite struct IDTokenVerificationTests {
    private static let refusedSignature = "the ID token does not verify with the provider's keys"

    @Test func aTokenSignedWithTheServersKeyAndRightClaimsVerifies() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let claims = server.claims(for: relyingParty, nonce: "n-1")
            let verified = try await relyingParty.verifyIDToken(try await server.signedByServer(claims), nonce: "n-1")
            #expect(verified.iss == server.issuer)
            #expect(verified.sub == claims.sub)
            #expect(verified.aud.value == [relyingParty.clientID])
            #expect(verified.nonce == "n-1")
            #expect(verified.authTime == claims.authTime)
        }
    }

    @Test func aTokenWithAnotherNonceIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let (request, login) = try await server.logIn(with: relyingParty)
            #expect(try await relyingParty.verifyIDToken(login.idToken, nonce: request.nonce).nonce == request.nonce)
            let other = relyingParty.authorizationRequest()
            let replayed = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(login.idToken, nonce: other.nonce)
            }
            #expect(replayed?.says("nonce does not match") == true)
            let none = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(login.idToken, nonce: nil)
            }
            #expect(none?.says("nonce does not match") == true)
            // A token without a nonce does not satisfy a request that sent one.
            var claims = server.claims(for: relyingParty, nonce: nil)
            claims.sub = login.claims.sub
            let missing = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(try await server.signedByServer(claims), nonce: request.nonce)
            }
            #expect(missing?.says("nonce does not match") == true)
        }
    }

    /// A real ID token the server issued to one client, presented to another client's relying party.
    @Test func aTokenIssuedToAnotherClientIsRefused() async throws {
        try await LiveServer.with { server in
            let shop = try await server.relyingParty(try await server.secretClient())
            let (request, login) = try await server.logIn(with: shop)
            let other = try await server.relyingParty(try await server.secretClient())
            #expect(other.clientID != shop.clientID)
            let error = await #expect(throws: RelyingPartyError.self) {
                try await other.verifyIDToken(login.idToken, nonce: request.nonce)
            }
            #expect(error?.says("for another audience") == true)
        }
    }

    @Test func aTokenFromAnotherIssuerIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            for issuer in ["https://attacker.example", server.issuer + "/", "http://localhost:\(server.port)"] {
                var claims = server.claims(for: relyingParty, nonce: "n-1")
                claims.iss = issuer
                let error = await #expect(throws: RelyingPartyError.self) {
                    try await relyingParty.verifyIDToken(try await server.signedByServer(claims), nonce: "n-1")
                }
                #expect(error?.says("iss is not the issuer") == true, "iss \(issuer)")
            }
        }
    }

    @Test func anExpiredTokenIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            var claims = server.claims(for: relyingParty, nonce: "n-1")
            claims.iat -= 400
            claims.authTime -= 400
            claims.exp = claims.iat + 300
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(try await server.signedByServer(claims), nonce: "n-1")
            }
            #expect(error?.says(Self.refusedSignature) == true)
            #expect(error?.says("expired") == true)
        }
    }

    /// The server's token with one claim changed after signing (here `sub`, to impersonate).
    @Test func aTamperedTokenIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let (request, login) = try await server.logIn(with: relyingParty)
            let parts = login.idToken.split(separator: ".").map(String.init)
            var payload = try LiveServer.decode(login.idToken, part: 1)
            payload["sub"] = "someone-else"
            let tampered = [parts[0], try LiveServer.segment(payload), parts[2]].joined(separator: ".")
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(tampered, nonce: request.nonce)
            }
            #expect(error?.says(Self.refusedSignature) == true)
            #expect(try await relyingParty.verifyIDToken(login.idToken, nonce: request.nonce).sub == login.claims.sub)
        }
    }

    @Test func aTokenSignedByAnotherKeyUnderTheServersKidIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let kid = try server.activeKid()
            let forged = try await LiveServer.sign(
                server.claims(for: relyingParty, nonce: "n-1"), key: P256.Signing.PrivateKey(), kid: kid)
            #expect(try LiveServer.decode(forged, part: 0)["kid"] as? String == kid)
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(forged, nonce: "n-1")
            }
            #expect(error?.says(Self.refusedSignature) == true)
        }
    }

    @Test func aTokenWithAnUnknownKidIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let forged = try await LiveServer.sign(
                server.claims(for: relyingParty, nonce: "n-1"), key: P256.Signing.PrivateKey(), kid: "attacker-key")
            #expect(try await server.publishedKids().contains("attacker-key") == false)
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(forged, nonce: "n-1")
            }
            #expect(error?.says(Self.refusedSignature) == true)
        }
    }

    /// `alg: none` under the server's `kid`, with no signature.
    @Test func anUnsignedTokenIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let signed = try await server.signedByServer(server.claims(for: relyingParty, nonce: "n-1"))
            var header = try LiveServer.decode(signed, part: 0)
            header["alg"] = "none"
            let parts = signed.split(separator: ".").map(String.init)
            let unsigned = try LiveServer.segment(header) + "." + parts[1] + "."
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(unsigned, nonce: "n-1")
            }
            #expect(error?.says(Self.refusedSignature) == true)
        }
    }

    /// The server issues `substantial` to this person; a relying party that requires `high`
    /// refuses the token.
    @Test func aTokenBelowTheRequiredLevelIsRefused() async throws {
        try await LiveServer.with { server in
            let relyingParty = try await server.relyingParty(try await server.secretClient())
            let (request, login) = try await server.logIn(with: relyingParty)
            let error = await #expect(throws: RelyingPartyError.self) {
                try await relyingParty.verifyIDToken(
                    login.idToken, nonce: request.nonce, requiredLevel: "http://eidas.europa.eu/LoA/high")
            }
            #expect(
                error?.says("acr is http://eidas.europa.eu/LoA/substantial, not http://eidas.europa.eu/LoA/high")
                    == true)
        }
    }

    @Test func theLevelMustBeAtLeastTheLowestAsked() {
        let (low, substantial, high) = (RelyingParty.levels[0], RelyingParty.levels[1], RelyingParty.levels[2])
        #expect(RelyingParty.acr(substantial, meets: low) && RelyingParty.acr(high, meets: substantial))
        #expect(!RelyingParty.acr(substantial, meets: high) && !RelyingParty.acr(low, meets: substantial))
        #expect(RelyingParty.acr(substantial, meets: "\(high) \(substantial)"))
        #expect(!RelyingParty.acr(nil, meets: low))
        // Values that are not eIDAS levels match exactly, never by rank.
        #expect(RelyingParty.acr("urn:example:acr:x", meets: "urn:example:acr:x \(high)"))
        #expect(!RelyingParty.acr("urn:example:acr:y", meets: "urn:example:acr:x"))
        #expect(!RelyingParty.acr("urn:example:acr:y", meets: low))
    }

    /// Issue 17: a mode and a level are each checked, so a browser that drops one from the
    /// request (or adds a weaker mode) is caught by the platform.
    @Test func aModeAndALevelAreEachChecked() {
        let (substantial, high) = (RelyingParty.levels[1], RelyingParty.levels[2])
        let (r01, r02, r03, r04) = ("urn:cyberid:mode:R01", "urn:cyberid:mode:R02", "urn:cyberid:mode:R03", "urn:cyberid:mode:R04")
        #expect(RelyingParty.acr(r02, level: substantial, meets: r02))
        #expect(RelyingParty.acr(r04, level: substantial, meets: r02) && RelyingParty.acr(r04, level: substantial, meets: r03))
        #expect(!RelyingParty.acr(r01, level: high, meets: r02) && !RelyingParty.acr(r03, level: high, meets: r02))
        #expect(!RelyingParty.acr(substantial, meets: r02))
        // Both asked: the mode and the level.
        #expect(RelyingParty.acr(r02, level: high, meets: "\(r02) \(high)"))
        #expect(!RelyingParty.acr(r02, level: substantial, meets: "\(r02) \(high)"))
        #expect(!RelyingParty.acr(r02, level: nil, meets: "\(r02) \(high)"))
        #expect(!RelyingParty.acr(high, meets: "\(r02) \(high)"))
        // A level asked, a mode met (the platform's registered minimum): the level decides.
        #expect(RelyingParty.acr(r02, level: high, meets: substantial) && !RelyingParty.acr(r02, level: substantial, meets: high))
    }
}
