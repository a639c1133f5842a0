import CyberIDBase64URL
import Crypto
import CyberIDAdapters
import CyberIDCore
import CyberIDVault
import CyberIDKeys
import CyberIDStore
import CyberIDWallet
import CyberIDServices
import CyberIDRelyingParty
import CyberIDTestSupport
import Foundation
import JWTKit
import Testing

@testable import CyberIDProvider

@Suite struct PairwiseAndConsentTests {
    @Test func subjectsArePairwisePerSector() async throws {
        try await ProviderHarness.with { h in
            let alice = try await h.wallet(number: "A1111111")
            let bob = try await h.wallet(number: "B2222222")
            let (shop, shopSecret) = try await h.client(sector: "shop.example")
            let (bank, bankSecret) = try await h.client(sector: "bank.example")
            let (shop2, shop2Secret) = try await h.client(sector: "shop.example")
            let a1 = try await h.login(client: shop, secret: shopSecret, wallet: alice).1.sub
            let a2 = try await h.login(client: shop, secret: shopSecret, wallet: alice).1.sub
            let aBank = try await h.login(client: bank, secret: bankSecret, wallet: alice).1.sub
            let aShop2 = try await h.login(client: shop2, secret: shop2Secret, wallet: alice).1.sub
            let bShop = try await h.login(client: shop, secret: shopSecret, wallet: bob).1.sub
            #expect(a1 == a2)
            #expect(a1 != aBank)
            #expect(a1 == aShop2)
            #expect(a1 != bShop)
            #expect(!a1.contains(alice.file.networkNumber.replacingOccurrences(of: "-", with: "")))
        }
    }

    @Test func consentIsRememberedDeclinableAndWithdrawable() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, secret) = try await h.client()
            let person = try #require(try await h.holder(wallet))
            // First login: consent to both age claims.
            var (_, claims) = try await h.login(client: client, secret: secret, wallet: wallet, scope: "openid age")
            #expect(claims.ageOver18 == true)
            #expect(try await h.holder.consents(personID: person).first?.claims == ["age_over_14", "age_over_18"])
            // No new consent: the remembered one applies.
            (_, claims) = try await h.login(client: client, secret: secret, wallet: wallet, scope: "openid age", consent: [])
            #expect(claims.ageOver18 == true)
            // prompt=consent ignores what was remembered.
            (_, claims) = try await h.login(
                client: client, secret: secret, wallet: wallet, scope: "openid age", consent: [], extra: ["prompt": "consent"])
            #expect(claims.ageOver18 == nil && claims.ageOver14 == nil)
            // Declining one claim releases the other and forgets the declined one.
            (_, claims) = try await h.login(
                client: client, secret: secret, wallet: wallet, scope: "openid age", consent: ["age_over_14"],
                decline: ["age_over_18"])
            #expect(claims.ageOver14 == true && claims.ageOver18 == nil)
            #expect(try await h.holder.consents(personID: person).first?.claims == ["age_over_14"])
            // Withdrawn: nothing is released without a new consent.
            try await h.holder.withdrawConsent(personID: person, clientID: client.id)
            (_, claims) = try await h.login(client: client, secret: secret, wallet: wallet, scope: "openid age", consent: [])
            #expect(claims.ageOver14 == nil)
            #expect(try await h.holder.consents(personID: person).isEmpty)
            let none = await #expect(throws: HolderError.self) {
                try await h.holder.withdrawConsent(personID: person, clientID: client.id)
            }
            #expect(none?.code == "unknown-client" && none?.kind == .notFound)
        }
    }

    @Test func realNameClaimsNeedALegalBasisAndConsent() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet(birth: "1985-06-07")
            await #expect(throws: ProviderError.invalidClientRegistration("")) { try await h.client(scopes: ["openid", "realname"]) }
            let (plain, _) = try await h.client()
            guard case .redirect(let location) = try await h.provider.login.authorize(
                ProviderHarness.request(client: plain.id, scope: "openid realname").form)
            else {
                Issue.record("expected invalid_scope")
                return
            }
            #expect(ProviderHarness.query(location)["error"] == "invalid_scope")
            let (bank, secret) = try await h.client(legalBasis: "AML Act §12")
            let (_, claims) = try await h.login(
                client: bank, secret: secret, wallet: wallet, scope: "openid realname network_number")
            #expect(claims.name == "\(distinctGivenNames("E12345678")) ZHANG")
            #expect(claims.birthdate == "1985-06-07")
            #expect(claims.networkNumber == wallet.file.networkNumber)
            let (_, declined) = try await h.login(
                client: bank, secret: secret, wallet: wallet, scope: "openid realname", consent: ["birthdate"], decline: ["name"])
            #expect(declined.name == nil && declined.birthdate == "1985-06-07")
        }
    }

    /// A review's finding: a legal basis removed while a login is open (the ticket's scopes were
    /// sealed before) still released the real name at /token and /userinfo.
    @Test func aLegalBasisRemovedDuringALoginReleasesNoRealName() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet(birth: "1985-06-07")
            let (bank, secret) = try await h.client(legalBasis: "AML Act §12")
            let request = ProviderHarness.request(client: bank.id, scope: "openid realname age")
            let login = try await h.start(request)
            _ = try await h.provider.clients.change(id: bank.id, ClientChange(name: bank.name, legalBasis: nil, eventsURI: nil))
            // The wallet is no longer asked for the real name.
            let link = try WalletLoginURI(try h.provider.login.currentQR(requestToken: login.requestToken))
            let view = try await h.provider.login.walletView(
                ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator)
            #expect(view.claims == ["age_over_14", "age_over_18"] && view.legalBasis == nil)
            // A wallet consenting to it anyway: nothing of it is released.
            let decided = try await h.approve(login, with: wallet, consent: ["name", "birthdate", "age_over_18"])
            // The decision (its answer to the wallet, the person's history) releases none of it either.
            #expect(decided.released == ["age_over_18"])
            let callback = try await h.finish(login)
            let changed = try #require(try await h.provider.clients.client(id: bank.id))
            let tokens = try await h.provider.tokens.exchange(
                ProviderHarness.tokenRequest(changed, secret: secret, code: callback["code"], verifier: request.verifier))
            let claims = try await h.verify(tokens.idToken, audience: bank.id)
            #expect(claims.name == nil && claims.birthdate == nil && claims.ageOver18 == true)
            let info = try await h.provider.tokens.userinfo(accessToken: tokens.accessToken)
            #expect(info["name"] == nil && info["birthdate"] == nil && info["age_over_18"] != nil)
        }
    }
}

@Suite struct ClientAuthenticationTests {
    @Test func registrationRules() async throws {
        try await ProviderHarness.with { h in
            func refused(_ registration: ClientRegistration) async {
                await #expect(throws: ProviderError.invalidClientRegistration("")) {
                    try await h.provider.clients.register(registration)
                }
            }
            await refused(ClientRegistration(name: "x", redirectURIs: []))
            await refused(ClientRegistration(name: "x", redirectURIs: ["http://rp.example/cb"]))
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://rp.example/cb#frag"]))
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb", "https://b.example/cb"]))
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb"], authMethod: .privateKeyJWT))
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb"], strict: true))
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb"], scopes: ["openid", "email"]))
            // Plain text only (a NUL answered 503 from the store; a line break would forge lines
            // where the name or legal basis is shown), within its length.
            for name in ["Shop\u{0}", "Shop\nCyberID says: trust us", String(repeating: "x", count: 101)] {
                await refused(ClientRegistration(name: name, redirectURIs: ["https://a.example/cb"]))
            }
            for basis in ["Law 7\u{0}", "Law 7\r\nconsent: given", String(repeating: "x", count: 501)] {
                await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb"], legalBasis: basis))
            }
            await refused(ClientRegistration(name: "x", redirectURIs: ["https://a.example/cb"], sector: "a\u{0}.example"))
            let (client, secret) = try await h.provider.clients.register(
                ClientRegistration(name: "x", redirectURIs: ["http://127.0.0.1:9/cb", "http://127.0.0.1:9/other"]))
            #expect(client.metadata.sector == "127.0.0.1")
            #expect(client.metadata.scopes == [.openid, .age])
            #expect(secret != nil && client.secretHash == sha256(secret!))
        }
    }

    @Test func secretsAreCheckedAndTheRegisteredMethodEnforced() async throws {
        try await ProviderHarness.with { h in
            let (client, secret) = try await h.client(auth: .clientSecretPost)
            let form = FormParameters(["grant_type": "authorization_code", "client_id": client.id, "client_secret": "wrong"])
            await #expect(throws: ProviderError.invalidClient("")) {
                try await h.provider.tokens.exchange(ClientCredentials(authorization: nil, form: form))
            }
            // The right secret but via Basic, which this client did not register.
            let basic = ProviderHarness.tokenRequest(client, secret: secret, code: "x", verifier: "y")
            await #expect(throws: ProviderError.invalidClient("")) { try await h.provider.tokens.exchange(basic) }
            let good = FormParameters(["grant_type": "authorization_code", "client_id": client.id, "client_secret": secret!, "code": "nope"])
            await #expect(throws: ProviderError.invalidGrant("")) {
                try await h.provider.tokens.exchange(ClientCredentials(authorization: nil, form: good))
            }
        }
    }

    /// `private_key_jwt` credentials: the form with the client assertion.
    static func credentials(_ assertion: String, _ extra: [String: String]) -> ClientCredentials {
        var form = extra
        form["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
        form["client_assertion"] = assertion
        return ClientCredentials(authorization: nil, form: FormParameters(form))
    }

    /// Review finding 10: a pushed request starts one login only.
    @Test func aPushedRequestStartsOneLoginOnly() async throws {
        try await ProviderHarness.with { h in
            let (client, secret) = try await h.client()
            var form = ProviderHarness.request(client: client.id).parameters
            form["client_id"] = nil
            let basic = "Basic " + Data("\(client.id):\(secret ?? "")".utf8).base64EncodedString()
            let pushed = try await h.provider.tokens.pushAuthorizationRequest(
                ClientCredentials(authorization: basic, form: FormParameters(form)))
            let uri = FormParameters(["client_id": client.id, "request_uri": pushed.requestURI])
            guard case .login = try await h.provider.login.authorize(uri) else {
                Issue.record("the first use starts a login")
                return
            }
            guard case .redirect(let again) = try await h.provider.login.authorize(uri) else {
                Issue.record("a second use must be refused")
                return
            }
            #expect(ProviderHarness.query(again)["error"] == "invalid_request_uri")
            #expect(ProviderHarness.query(again)["state"] == "s-1")
        }
    }

    /// Review finding 18: a `request_uri` that did not come from /par, or a request object, is
    /// answered at a good redirect URI (`request_uri_not_supported`, `request_not_supported`);
    /// without a good redirect URI it stays a page, never a redirect.
    @Test func foreignRequestURIsAndRequestObjectsAreRefusedAtTheRedirectURI() async throws {
        try await ProviderHarness.with { h in
            let (client, _) = try await h.client()
            for (name, value, error) in [
                ("request_uri", "https://attacker.example/request.jwt", "request_uri_not_supported"),
                ("request_uri", "urn:ietf:params:oauth:request_uri:forged", "request_uri_not_supported"),
                ("request", "eyJhbGciOiJub25lIn0.e30.", "request_not_supported"),
            ] {
                var parameters = ProviderHarness.request(client: client.id).parameters
                parameters[name] = value
                guard case .redirect(let location) = try await h.provider.login.authorize(FormParameters(parameters)) else {
                    Issue.record("\(name) must be refused at the redirect URI")
                    continue
                }
                #expect(location.hasPrefix(ProviderHarness.redirect + "?"))
                #expect(ProviderHarness.query(location)["error"] == error)
                #expect(ProviderHarness.query(location)["state"] == "s-1")
            }
            let unchecked = FormParameters(["client_id": client.id, "request_uri": "https://attacker.example/r", "redirect_uri": "https://evil.example/cb"])
            await #expect(throws: ProviderError.invalidAuthorizationRequest("")) { try await h.provider.login.authorize(unchecked) }
        }
    }

    @Test func strictClientsPushRequestsAndSignAssertionsOnce() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let key = P256.Signing.PrivateKey()
            let jwk = JWK(publicKey: key.publicKey, kid: "k1")
            let jwks = #"{"keys":["# + String(decoding: try JSONEncoder().encode(jwk), as: UTF8.self) + "]}"
            let (client, secret) = try await h.client(jwks: jwks, strict: true)
            #expect(secret == nil && client.metadata.authMethod == .privateKeyJWT)
            // A plain request is refused.
            let plain = ProviderHarness.request(client: client.id)
            guard case .redirect(let location) = try await h.provider.login.authorize(plain.form) else {
                Issue.record("expected an error redirect")
                return
            }
            #expect(ProviderHarness.query(location)["error"] == "invalid_request")

            func assertion(jti: String = SecureRandom.token(), audience: String = ProviderHarness.issuer) async throws -> String {
                struct Claims: JWTPayload {
                    var iss: String, sub: String, aud: String, exp: Int, iat: Int, jti: String
                    func verify(using algorithm: some JWTAlgorithm) async throws {}
                }
                let keys = JWTKeyCollection()
                await keys.add(ecdsa: try ES256PrivateKey(backing: key), kid: "k1")
                let now = Int(Date().timeIntervalSince1970)
                return try await keys.sign(
                    Claims(iss: client.id, sub: client.id, aud: audience, exp: now + 60, iat: now, jti: jti), kid: "k1")
            }
            var pushedParameters = plain.parameters
            pushedParameters["client_id"] = nil
            let pushed = try await h.provider.tokens.pushAuthorizationRequest(Self.credentials(try await assertion(), pushedParameters))
            #expect(pushed.requestURI.hasPrefix("urn:ietf:params:oauth:request_uri:") && pushed.expiresIn == 60)
            let login = try await h.start(
                ProviderHarness.Request(parameters: ["client_id": client.id, "request_uri": pushed.requestURI], verifier: plain.verifier))
            _ = try await h.approve(login, with: wallet)
            let code = try #require(try await h.finish(login)["code"])
            let tokenForm = [
                "grant_type": "authorization_code", "code": code, "redirect_uri": ProviderHarness.redirect,
                "code_verifier": plain.verifier,
            ]
            let once = try await assertion(jti: "same")
            _ = try await h.provider.tokens.exchange(Self.credentials(once, tokenForm))
            // The same assertion again is a replay.
            await #expect(throws: ProviderError.invalidClient("")) { try await h.provider.tokens.exchange(Self.credentials(once, tokenForm)) }
            // A wrong audience, or another key, is refused.
            await #expect(throws: ProviderError.invalidClient("")) {
                try await h.provider.tokens.exchange(Self.credentials(try await assertion(audience: "https://other.example"), tokenForm))
            }
            // A jti with a NUL, which the replay table cannot store: a bad assertion, not the store's refusal.
            await #expect(throws: ProviderError.invalidClient("")) {
                try await h.provider.tokens.exchange(Self.credentials(try await assertion(jti: "a\u{0}b"), tokenForm))
            }
            // A pushed request expires after a minute.
            guard case .redirect(let expired) = try await h.provider.login.authorize(
                FormParameters(["client_id": client.id, "request_uri": pushed.requestURI]), now: Date().addingTimeInterval(61))
            else {
                Issue.record("an expired pushed request must be refused")
                return
            }
            #expect(ProviderHarness.query(expired)["error"] == "invalid_request_uri")
        }
    }

    @Test func revocationEndsTheGrant() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, secret) = try await h.client()
            let (tokens, _) = try await h.login(client: client, secret: secret, wallet: wallet)
            let basic = "Basic " + Data("\(client.id):\(secret!)".utf8).base64EncodedString()
            try await h.provider.tokens.revoke(ClientCredentials(authorization: basic, form: FormParameters(["token": tokens.accessToken])))
            await #expect(throws: ProviderError.invalidToken("")) { try await h.provider.tokens.userinfo(accessToken: tokens.accessToken) }
            // Unknown tokens are not an error (RFC 7009 §2.2).
            try await h.provider.tokens.revoke(ClientCredentials(authorization: basic, form: FormParameters(["token": "nonsense"])))
        }
    }
}
