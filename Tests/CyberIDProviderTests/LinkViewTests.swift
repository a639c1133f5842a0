import CyberIDBase64URL
import CyberIDSDJWT
import CyberIDWallet
import Crypto
import Foundation
import Testing

@testable import CyberIDProvider

/// The same-device link carries the wallet's view of the login (`v`), so a same-device login
/// needs no `GET /wallet/v1/login`; the approval signs the view's digest (`view`), and the
/// decision refuses a view the service did not make.
@Suite struct LinkViewTests {
    /// The link's view is the fetch's answer, byte for byte — for a platform with a legal basis,
    /// a mode, a level and a browser address: every optional field a same-device view can have.
    @Test func theLinksViewIsTheFetchedViewByteForByte() async throws {
        try await ProviderHarness.with { h in
            let (bank, _) = try await h.client(legalBasis: "AML Act §12")
            // Scopes and prompts out of the sealed ticket's order, a prompt twice: the view
            // rebuilt from the sealed ticket must still be the same bytes.
            let request = ProviderHarness.request(
                client: bank.id, scope: "openid realname age",
                extra: ["acr_values": "http://eidas.europa.eu/LoA/substantial urn:cyberid:mode:R02", "prompt": "consent login login"])
            guard case .login(let login) = try await h.provider.login.authorize(request.form, browserAddress: "2001:db8::7")
            else { throw CancellationError() }
            let link = try WalletLoginURI(login.walletURI)
            let carried = try #require(link.view.flatMap(Base64URL.decode))
            let fetched = try await h.provider.login.walletView(ticket: link.ticket)
            #expect(carried == fetched.json())
            let shown = try #require(try link.linkedView())
            #expect(shown.clientName == "Shop" && shown.legalBasis == "AML Act §12" && shown.mode == "urn:cyberid:mode:R02")
            #expect(shown.requires == ["password"] && shown.requestedFrom == "2001:db8::7" && shown.prompt == ["login", "consent"])
            #expect(shown.acrValues != nil && shown.aaChallenge != nil)
            #expect(shown.claims == fetched.claims && shown.device == "same-device" && shown.scan == nil)
            #expect(shown.viewDigest == Base64URL.encode(Array(SHA256.hash(data: carried))))
        }
    }

    /// A same-device login from the link alone: the wallet reads the view from the link, the
    /// approval carries its digest, and the browser continues with the response code.
    @Test func aSameDeviceLoginNeedsNoFetch() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(
                ProviderHarness.request(client: client.id, scope: "openid age", extra: ["prompt": "consent login"]))
            let link = try WalletLoginURI(login.walletURI)
            let shown = try #require(try link.linkedView())
            let approval = try wallet.decision(on: shown, approve: true, consent: shown.claims)
            let digest = try #require(shown.viewDigest)
            #expect(try CompactJWS(compact: approval).payload["view"]?.string == digest)
            let result = try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
            #expect(result.status == "approved" && result.released == ["age_over_14", "age_over_18"])
            #expect(try await h.finish(login, responseCode: try #require(result.responseCode))["code"] != nil)
        }
    }

    /// The attack: another app opens the wallet with a real login's `t` and `r` but a `v` of its
    /// own — another platform's name, fewer claims, a later expiry. The wallet shows it and the
    /// person approves what they did not see; the decision refuses it (`login-view-mismatch`) and
    /// decides nothing, so the real link still works.
    @Test func anApprovalOfAViewTheServiceDidNotMakeIsRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id, scope: "openid age"))
            let real = try WalletLoginURI(login.walletURI)
            let view = try await h.provider.login.walletView(ticket: real.ticket)
            var renamed = view
            renamed.clientName = "Your Bank"
            var fewer = view
            (fewer.scopes, fewer.claims) = (["openid"], [])
            var later = view
            later.expiresAt = view.expiresAt.addingTimeInterval(3_600)
            for forged in [renamed, fewer, later] {
                let link = try Self.link(real, view: forged.json())
                let shown = try #require(try link.linkedView())
                let approval = try wallet.decision(on: shown, approve: true, consent: shown.claims)
                do {
                    _ = try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
                    Issue.record("a view the service did not make was approved")
                } catch let error as ProviderError {
                    #expect(error == .loginViewMismatch())
                }
            }
            #expect(try await h.provider.login.loginProgress(requestToken: login.requestToken).status == .pending)
            let shown = try #require(try real.linkedView())
            let approval = try wallet.decision(on: shown, approve: true, consent: shown.claims)
            #expect(try await h.provider.login.decide(ticket: real.ticket, approval: approval, request: real.request).status == "approved")
        }
    }

    /// A view's digest belongs to the same-device link: a scanned code's approval with one is
    /// refused (the wallet SDK never sends it; a hand-made approval is checked all the same).
    @Test func aScannedCodesApprovalCarriesNoLinkView() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let qr = try WalletLoginURI(try h.provider.login.currentQR(requestToken: login.requestToken))
            let scanned = try await h.provider.login.walletView(
                ticket: qr.ticket, qrStep: qr.qrStep, qrAuthenticator: qr.qrAuthenticator)
            let digest = try #require(try WalletLoginURI(login.walletURI).linkedView()?.viewDigest)
            let approval = try WalletSignature(key: wallet.key, certificateDER: wallet.certificate.derEncoded).sign(
                HandMadeApproval(
                    aud: ProviderHarness.issuer, sid: scanned.transactionID, nonce: scanned.nonce,
                    iat: Int(Date().timeIntervalSince1970), scan: scanned.scan, match: login.matchNumber, view: digest))
            await #expect(throws: ProviderError.invalidWalletSignature("a view digest (`view`) is for a same-device approval")) {
                try await h.provider.login.decide(ticket: qr.ticket, approval: approval)
            }
            #expect(try await h.provider.login.loginProgress(requestToken: login.requestToken).status == .pending)
        }
    }

    /// A platform disabled after the page was shown: the link's view is refused as the fetch
    /// would have been.
    @Test func aDisabledPlatformsLinkViewIsRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let link = try WalletLoginURI(login.walletURI)
            let shown = try #require(try link.linkedView())
            try await h.provider.clients.setDisabled(id: client.id, true)
            let approval = try wallet.decision(on: shown, approve: true, consent: [])
            await #expect(throws: ProviderError.self) { try await h.provider.login.walletView(ticket: link.ticket) }
            do {
                _ = try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
                Issue.record("a disabled platform's login was approved")
            } catch let error as ProviderError {
                #expect(error.code == "unknown-client")
            }
        }
    }

    /// Once the operator requires it (`CYBERID_REQUIRE_LOGIN_VIEW`), a same-device approval
    /// without the view's digest — a wallet from before the view in the link — is refused and
    /// decides nothing; the same login is then approved by a wallet that signs the view. Without
    /// the setting (the default) the approval without it logs the person in.
    @Test(arguments: [true, false]) func aRequiredViewRefusesAnApprovalWithoutIt(_ required: Bool) async throws {
        try await ProviderHarness.with(configure: { $0.requireLoginView = required }) { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let (login, link, older) = try await Self.olderWalletsLogin(h, client: client.id)
            let approval = try wallet.decision(on: older, approve: true, consent: [])
            #expect(try CompactJWS(compact: approval).payload["view"] == nil)
            guard required else {
                #expect(try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request).status == "approved")
                return
            }
            await #expect(throws: ProviderError.loginViewRequired()) {
                try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
            }
            #expect(try await h.provider.login.loginProgress(requestToken: login.requestToken).status == .pending)
            let shown = try #require(try link.linkedView())
            let signed = try wallet.decision(on: shown, approve: true, consent: shown.claims)
            #expect(try await h.provider.login.decide(ticket: link.ticket, approval: signed, request: link.request).status == "approved")
        }
    }

    /// Required or not, an older wallet's denial (no digest) still ends the login, and a
    /// cross-device approval, which signs its scan, needs no view digest.
    @Test func aRequiredViewStillLetsADenialAndAScanThrough() async throws {
        try await ProviderHarness.with(configure: { $0.requireLoginView = true }) { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let (_, link, older) = try await Self.olderWalletsLogin(h, client: client.id)
            let denial = try wallet.decision(on: older, approve: false, consent: [])
            #expect(try await h.provider.login.decide(ticket: link.ticket, approval: denial, request: link.request).status == "denied")
            let scannedLogin = try await h.start(ProviderHarness.request(client: client.id))
            let qr = try WalletLoginURI(try h.provider.login.currentQR(requestToken: scannedLogin.requestToken))
            let scanned = ProviderHarness.requestView(
                try await h.provider.login.walletView(ticket: qr.ticket, qrStep: qr.qrStep, qrAuthenticator: qr.qrAuthenticator))
            let approval = try wallet.decision(on: scanned, approve: true, consent: [], match: scannedLogin.matchNumber)
            #expect(try await h.provider.login.decide(ticket: qr.ticket, approval: approval).status == "approved")
        }
    }

    /// A same-device login, its link, and the view a wallet from before the view in the link
    /// shows: fetched, its digest never signed.
    static func olderWalletsLogin(
        _ h: ProviderHarness, client: String
    ) async throws -> (LoginStart, WalletLoginURI, LoginRequestView) {
        let login = try await h.start(ProviderHarness.request(client: client))
        let link = try WalletLoginURI(login.walletURI)
        return (login, link, ProviderHarness.requestView(try await h.provider.login.walletView(ticket: link.ticket)))
    }

    /// The wallet SDK reads a link's view only where it belongs, and only a view.
    @Test func theWalletReadsOnlyASameDeviceView() throws {
        let base = "cyberid://login?iss=https://id.example&t=T"
        #expect(try WalletLoginURI(base + "&r=R").linkedView() == nil)
        #expect(throws: WalletError.self) { try WalletLoginURI(base + "&qt=0&qa=A&v=e30") }
        #expect(throws: WalletError.self) { try WalletLoginURI(base + "&r=R&v=not*base64url").linkedView() }
        #expect(throws: WalletError.self) { try WalletLoginURI(base + "&r=R&v=" + Base64URL.encode(Array("{}".utf8))).linkedView() }
        let scanned = LoginRequestView(
            transactionID: "x", nonce: "n", clientID: "c", clientName: "Shop", scopes: ["openid"], claims: [],
            expiresAt: "2026-12-07T10:00:00Z", scan: "proof")
        let encoded = Base64URL.encode(Array(try JSONEncoder().encode(scanned)))
        #expect(throws: WalletError.self) { try WalletLoginURI(base + "&r=R&v=" + encoded).linkedView() }
    }

    /// The real link with another `v`.
    static func link(_ real: WalletLoginURI, view: [UInt8]) throws -> WalletLoginURI {
        var link = real
        link.view = Base64URL.encode(view)
        return link
    }

    /// A cross-device approval that also names a link's view (the SDK would not make it).
    struct HandMadeApproval: Encodable {
        let aud: String
        var purpose = "login"
        let sid: String, nonce: String, iat: Int
        var decision = "approve"
        let scan: String?, match: Int, view: String
    }
}
