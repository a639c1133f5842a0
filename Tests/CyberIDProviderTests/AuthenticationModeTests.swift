import CyberIDBase64URL
import CyberIDCore
import CyberIDDevTools
import CyberIDRelyingParty
import CyberIDTestSupport
import CyberIDServices
import CyberIDStore
import CyberIDWallet
import Foundation
import Testing

@testable import CyberIDEnrollment
@testable import CyberIDProvider

/// The national service's modes (issue 17): R01 certificate, R02 + password, R03 + face,
/// R04 + both; the password's lock and reset.
@Suite struct AuthenticationModeTests {
    static let password = "48091357"

    static func mode(_ mode: String) -> [String: String] { ["acr_values": "urn:cyberid:mode:\(mode)"] }

    /// A login in `mode` approved with `password` and `face`; returns the ID token.
    static func login(
        _ h: ProviderHarness, _ client: Client, _ secret: String?, _ wallet: Wallet, mode: String?, password: String? = nil,
        face: [UInt8]? = nil
    ) async throws -> IDTokenPayload {
        let request = ProviderHarness.request(client: client.id, extra: mode.map(Self.mode) ?? [:])
        let login = try await h.start(request)
        #expect(try await h.approve(login, with: wallet, faceImage: face, password: password).status == "approved")
        let callback = try await h.finish(login)
        let tokens = try await h.provider.tokens.exchange(
            ProviderHarness.tokenRequest(client, secret: secret, code: callback["code"], verifier: request.verifier))
        return try await h.verify(tokens.idToken, audience: client.id)
    }

    /// The platform's answer to a login the wallet could not complete.
    static func platformError(_ h: ProviderHarness, _ login: LoginStart) async throws -> String? {
        try await h.finish(login)["error"]
    }

    @Test func r01AndR02AreMetAndTheTokenSaysHow() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let (client, secret) = try await h.client()
            let r01 = try await Self.login(h, client, secret, wallet, mode: "R01")
            #expect(r01.acr == "urn:cyberid:mode:R01" && r01.amr == ["hwk"])
            let plain = try await Self.login(h, client, secret, wallet, mode: nil)
            #expect(plain.acr == "http://eidas.europa.eu/LoA/substantial" && plain.amr == ["hwk"])
            // No password yet: R02 cannot be met; the platform hears so.
            let unset = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R02")))
            #expect(try await h.provider.login.walletView(ticket: Self.ticket(h, unset)).requires == ["password"])
            await #expect(throws: ProviderError.passwordNotSet()) {
                try await h.approve(unset, with: wallet, password: Self.password)
            }
            #expect(try await Self.platformError(h, unset) == "unmet_authentication_requirements")
            try await h.provider.passwords.set(personID: person, password: Self.password)
            // Without the password, or a wrong one, the login stays open for another try.
            let login = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R02")))
            await #expect(throws: ProviderError.passwordRequired()) { try await h.approve(login, with: wallet) }
            await #expect(throws: ProviderError.wrongPassword(remaining: 4)) {
                try await h.approve(login, with: wallet, password: "11223344")
            }
            #expect(try await h.approve(login, with: wallet, password: Self.password).status == "approved")
            let callback = try await h.finish(login)
            #expect(callback["code"] != nil)
            let r02 = try await Self.login(h, client, secret, wallet, mode: "R02", password: Self.password)
            #expect(r02.acr == "urn:cyberid:mode:R02" && r02.amr == ["hwk", "pin"])
            // The wrong try is in the person's history, with the platform; the password never is.
            let history = try await h.store.history(personID: person, limit: 50)
            let wrong = history.filter { $0.event == "password" && $0.outcome == "failure" }
            #expect(wrong.count == 1 && wrong.first?.clientID == client.id && wrong.first?.detail.contains("\"wrong\"") == true)
            #expect(!history.contains { $0.detail.contains(Self.password) || $0.detail.contains("11223344") })
            let stored = try #require(try await h.store.password(personID: person))
            #expect(stored.failures == 0 && !stored.hash.contains(Self.password))
        }
    }

    static func ticket(_ h: ProviderHarness, _ login: LoginStart) throws -> String {
        try WalletLoginURI(try h.provider.login.currentQR(requestToken: login.requestToken)).ticket
    }

    @Test func fiveWrongPasswordsLockItUntilAResetWithTheChipAndThePhone() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let (client, secret) = try await h.client()
            try await h.provider.passwords.set(personID: person, password: Self.password)
            let login = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R02")))
            for remaining in [4, 3, 2, 1] {
                await #expect(throws: ProviderError.wrongPassword(remaining: remaining)) {
                    try await h.approve(login, with: wallet, password: "9031877\(remaining)")
                }
            }
            await #expect(throws: ProviderError.passwordLocked()) { try await h.approve(login, with: wallet, password: "90318770") }
            #expect(try await Self.platformError(h, login) == "unmet_authentication_requirements")
            // Locked: even the right password is refused, in a login and in a change.
            let next = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R02")))
            await #expect(throws: ProviderError.passwordLocked()) {
                try await h.approve(next, with: wallet, password: Self.password)
            }
            await #expect(throws: ProviderError.passwordLocked()) {
                try await h.provider.passwords.change(personID: person, current: Self.password, new: "73915062")
            }
            #expect(try await h.provider.passwords.status(personID: person) == (true, true))
            let history = try await h.store.history(personID: person, limit: 50).filter { $0.event == "password" }
            // Five wrong tries, and the refused change (a login records its own refusal).
            #expect(history.filter { $0.outcome == "failure" }.count == 6)
            #expect(history.filter { $0.detail.contains("\"refused-locked\"") }.count == 1)
            #expect(history.contains { $0.detail.contains("\"locked\"") })
            // The reset: the wallet starts it, the chip and the bound phone prove the holder.
            try await Self.reset(h, wallet, to: "73915062")
            #expect(try await h.provider.passwords.status(personID: person) == (true, false))
            let r02 = try await Self.login(h, client, secret, wallet, mode: "R02", password: "73915062")
            #expect(r02.acr == "urn:cyberid:mode:R02")
            let old = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R02")))
            await #expect(throws: ProviderError.wrongPassword(remaining: 4)) {
                try await h.approve(old, with: wallet, password: Self.password)
            }
        }
    }

    /// A password-reset enrollment session: wallet JWS, chip, bound phone, new password.
    static func reset(_ h: ProviderHarness, _ wallet: Wallet, to password: String) async throws {
        let started = try await h.enrollment.start(
            guardianJWS: nil, purpose: .passwordReset, walletJWS: try wallet.sign(purpose: Wallet.Purpose.passwordReset))
        let document = try #require(h.documents.withLock { $0[wallet.file.networkNumber] })
        let challenge = try #require(Base64URL.decode(started.aaChallenge))
        _ = try await h.enrollment.presentDocument(
            sessionID: started.sessionID, chip: document.chip,
            aaSignature: try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM))
        // Only the bound phone.
        await #expect(throws: EnrollmentError.phoneMismatch()) {
            _ = try await h.enrollment.sendPhoneCode(sessionID: started.sessionID, phone: "+8613911112222")
        }
        _ = try await h.enrollment.sendPhoneCode(sessionID: started.sessionID, phone: "+8613800000000")
        let confirmed = try await h.enrollment.confirmPhone(sessionID: started.sessionID, code: try #require(h.sms.lastCode))
        if confirmed.next == "face" {
            _ = try await h.enrollment.submitFace(sessionID: started.sessionID, image: Array("live face".utf8))
        }
        // A reset session issues no certificate.
        await #expect(throws: EnrollmentError.invalidRequest("")) {
            _ = try await h.enrollment.complete(sessionID: started.sessionID, csr: Array(try CertificateRequest(key: WalletKey()).pemEncoded.utf8))
        }
        // The session is spent with the write that sets the password: when that write fails (here
        // a trigger refuses it, as a full disk or a crash would), the session is not spent and the
        // same proof sets the password afterwards.
        let holder = try await h.enrollment.passwordResetHolder(sessionID: started.sessionID)
        let enrollment = h.enrollment
        let spend: @Sendable () async throws -> String = {
            try await enrollment.consumePasswordReset(sessionID: started.sessionID)
        }
        _ = try await h.store.database.write {
            try await $0.execute(
                "CREATE TRIGGER refuse_passwords BEFORE INSERT ON person_passwords BEGIN SELECT RAISE(ABORT, 'disk full'); END",
                [])
        }
        await #expect(throws: StoreError.self) {
            try await h.provider.passwords.reset(personID: holder, password: password, spending: spend)
        }
        #expect(try await h.enrollment.passwordResetHolder(sessionID: started.sessionID) == holder)
        _ = try await h.store.database.write { try await $0.execute("DROP TRIGGER refuse_passwords", []) }
        // Two concurrent ends: one spends the session and sets the password, the other is refused.
        let passwords = h.provider.passwords
        let attempt: @Sendable () async -> (any Error)? = {
            do {
                try await passwords.reset(personID: holder, password: password, spending: spend)
                return nil
            } catch {
                return error
            }
        }
        async let first = attempt()
        async let second = attempt()
        let refusals = await [first, second].compactMap { $0 }
        #expect(refusals.count == 1)
        // The loser is refused by the session (spent, or changed under it), not by anything else.
        #expect(refusals.allSatisfy { $0 as? EnrollmentError == .wrongStep("", "") || $0 as? EnrollmentError == .conflict() })
        await #expect(throws: EnrollmentError.wrongStep("", "")) {
            _ = try await h.enrollment.passwordResetHolder(sessionID: started.sessionID)
        }
    }

    @Test func aChangeNeedsTheCurrentPasswordAndWeakOnesAreRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet(birth: "1987-06-05")
            let person = try #require(try await h.holder(wallet))
            let passwords = h.provider.passwords
            for weak in ["12345678", "111111", "19870605", "050687", "12ab56"] {
                await #expect(throws: ProviderError.weakPassword("")) { try await passwords.set(personID: person, password: weak) }
            }
            try await passwords.set(personID: person, password: Self.password)
            await #expect(throws: ProviderError.passwordAlreadySet()) { try await passwords.set(personID: person, password: "73915062") }
            await #expect(throws: ProviderError.wrongPassword(remaining: 4)) {
                try await passwords.change(personID: person, current: "73915062", new: "30419867")
            }
            try await passwords.change(personID: person, current: Self.password, new: "30419867")
            await #expect(throws: ProviderError.wrongPassword(remaining: 4)) {
                try await passwords.check(personID: person, password: Self.password, clientID: nil)
            }
            try await passwords.check(personID: person, password: "30419867", clientID: nil)
            let actions = try await h.store.history(personID: person, limit: 20).filter { $0.event == "password" }
            #expect(actions.contains { $0.detail.contains("\"changed\"") } && actions.contains { $0.detail.contains("\"set\"") })
        }
    }

    @Test func faceModesNeedAMatcherAndTheFaceAndR04NeedsBoth() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R03")))
            await #expect(throws: ProviderError.modeUnavailable("")) { try await h.approve(login, with: wallet) }
            #expect(try await Self.platformError(h, login) == "unmet_authentication_requirements")
        }
        try await ProviderHarness.with(faceMatcher: RecordingFaceMatcher()) { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let (client, secret) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R03")))
            await #expect(throws: ProviderError.faceCheckRequired()) { try await h.approve(login, with: wallet) }
            let r03 = try await Self.login(h, client, secret, wallet, mode: "R03", face: RecordingFaceMatcher.face)
            #expect(r03.acr == "urn:cyberid:mode:R03" && r03.amr == ["hwk", "face"])
            let other = try await h.start(ProviderHarness.request(client: client.id, extra: Self.mode("R03")))
            await #expect(throws: ProviderError.faceMismatch()) {
                try await h.approve(other, with: wallet, faceImage: Array("someone else".utf8))
            }
            #expect(try await Self.platformError(h, other) == "access_denied")
            try await h.provider.passwords.set(personID: person, password: Self.password)
            let r04 = try await Self.login(h, client, secret, wallet, mode: "R04", password: Self.password, face: RecordingFaceMatcher.face)
            #expect(r04.acr == "urn:cyberid:mode:R04" && r04.amr == ["hwk", "pin", "face"])
        }
    }

    /// The review's attack: a browser edits the authorization request of a platform registered
    /// with R02 to ask for R01, to log in with a stolen wallet but without the password.
    @Test func aClientsRegisteredModeIsAMinimumABrowserCannotLower() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            try await h.provider.passwords.set(personID: person, password: Self.password)
            let (bank, secret) = try await Self.r02Platform(h)
            #expect(bank.metadata.defaultMode == .r02)
            let login = try await h.start(ProviderHarness.request(client: bank.id))
            await #expect(throws: ProviderError.passwordRequired()) { try await h.approve(login, with: wallet) }
            let token = try await Self.login(h, bank, secret, wallet, mode: nil, password: Self.password)
            #expect(token.acr == "urn:cyberid:mode:R02" && token.amr == ["hwk", "pin"])
            // The attack: R01 in the request is raised to the registered R02.
            let lowered = try await h.start(ProviderHarness.request(client: bank.id, extra: Self.mode("R01")))
            await #expect(throws: ProviderError.passwordRequired()) { try await h.approve(lowered, with: wallet) }
            let r01 = try await Self.login(h, bank, secret, wallet, mode: "R01", password: Self.password)
            #expect(r01.acr == "urn:cyberid:mode:R02")
            // A request can raise it: R03 on an R02 platform asks for both (no matcher here).
            let raised = try await h.start(ProviderHarness.request(client: bank.id, extra: Self.mode("R03")))
            #expect(try await h.provider.login.walletView(ticket: Self.ticket(h, raised)).requires == ["password", "face"])
            // An unknown mode is refused, not ignored, wherever it stands in the list.
            for values in ["urn:cyberid:mode:R05", "urn:cyberid:mode:R02 urn:cyberid:mode:R05"] {
                guard case .redirect(let location) = try await h.provider.login.authorize(
                    ProviderHarness.request(client: bank.id, extra: ["acr_values": values]).form)
                else { Issue.record("an unknown mode must be refused"); return }
                #expect(ProviderHarness.query(location)["error"] == "invalid_request")
            }
        }
    }

    @Test func aLevelAskedBesideARegisteredModeKeepsTheLevelInACR() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            try await h.provider.passwords.set(personID: person, password: Self.password)
            let (bank, secret) = try await Self.r02Platform(h)
            let request = ProviderHarness.request(
                client: bank.id, extra: ["acr_values": "http://eidas.europa.eu/LoA/substantial"])
            let login = try await h.start(request)
            #expect(try await h.approve(login, with: wallet, password: Self.password).status == "approved")
            let callback = try await h.finish(login)
            let tokens = try await h.provider.tokens.exchange(
                ProviderHarness.tokenRequest(bank, secret: secret, code: callback["code"], verifier: request.verifier))
            let token = try await h.verify(tokens.idToken, audience: bank.id)
            #expect(token.acr == "http://eidas.europa.eu/LoA/substantial" && token.amr == ["hwk", "pin"])
            #expect(token.cyberidLevel == nil)
            let both = try await Self.login(h, bank, secret, wallet, mode: "R02", password: Self.password)
            #expect(both.acr == "urn:cyberid:mode:R02" && both.cyberidLevel == "http://eidas.europa.eu/LoA/substantial")
        }
    }

    @Test func aFirstPasswordSetLateNeedsTheChipAndOnlyAnActiveNumberSetsOne() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let later = Date().addingTimeInterval(2 * 86_400)
            await #expect(throws: ProviderError.documentRequiredForPassword()) {
                try await h.provider.passwords.set(personID: person, password: Self.password, now: later)
            }
            // The chip over the service's challenge, bound to the request's jti, proves it is the holder.
            let jti = Wallet.randomID()
            let holder = try await h.provider.login.authenticateWallet(
                try wallet.authorization(method: "POST", path: "/wallet/v1/chip-challenge"), method: "POST",
                path: "/wallet/v1/chip-challenge")
            let issued = try h.provider.login.chipChallenge(for: holder)
            let challenge = try h.provider.login.chipChallengeBytes(issued.challenge, purpose: .password, jti: jti, personID: person)
            let presented = try #require(try h.present(.own, of: wallet, challenge: Base64URL.encode(challenge)))
            try await h.provider.login.reproveForPassword(presented.service, challenge: challenge, personID: person)
            let other = try await h.wallet(number: "E99999999")
            let otherPerson = try #require(try await h.holder(other))
            await #expect(throws: (any Error).self) {
                try await h.provider.login.reproveForPassword(presented.service, challenge: challenge, personID: otherPerson)
            }
            // Another person's challenge is refused.
            await #expect(throws: ProviderError.invalidChipChallenge()) {
                try h.provider.login.chipChallengeBytes(issued.challenge, purpose: .password, jti: jti, personID: otherPerson)
            }
            try await h.provider.passwords.set(personID: person, password: Self.password, chipProven: true, now: later)
            // A suspended number (its wallet may be a thief's) sets and changes nothing.
            _ = try await h.holder.apply(.suspend, personID: otherPerson, reason: "lost phone")
            await #expect(throws: ProviderError.personNotActive("")) {
                try await h.provider.passwords.set(personID: otherPerson, password: Self.password)
            }
            _ = try await h.holder.apply(.suspend, personID: person, reason: "lost phone")
            await #expect(throws: ProviderError.personNotActive("")) {
                try await h.provider.passwords.change(personID: person, current: Self.password, new: "73915062")
            }
        }
    }

    /// A platform registered with mode R02 (`admin client create --mode R02`).
    static func r02Platform(_ h: ProviderHarness) async throws -> (Client, String?) {
        var registration = ClientRegistration(name: "Bank", redirectURIs: [ProviderHarness.redirect])
        registration.defaultMode = .r02
        return try await h.provider.clients.register(registration)
    }

    @Test func discoveryListsTheModes() async throws {
        try await ProviderHarness.with { h in
            let metadata = h.provider.metadata
            #expect(metadata.acrValuesSupported.contains("urn:cyberid:mode:R04"))
            #expect(metadata.acrValuesSupported.contains("http://eidas.europa.eu/LoA/high"))
            #expect(metadata.claimsSupported.contains("amr"))
        }
    }
}
