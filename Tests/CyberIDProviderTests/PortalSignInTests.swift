import CyberIDCore
import CyberIDLifecycle
@testable import CyberIDProvider
import CyberIDRelyingParty
import CyberIDServices
import CyberIDStore
import CyberIDWallet
import Foundation
import Testing

/// The portal's sign-in (CyberID's own first-party client through the relay-proof login), its
/// web sessions, and what the portal shows a person (issue 14).
@Suite struct PortalSignInTests {
    /// Starts a portal sign-in: the browser's cookie and the login page.
    func startSignIn(_ h: ProviderHarness) async throws -> (FirstPartyLogin, String, LoginStart) {
        try await h.provider.clients.ensure(.portal, issuer: ProviderHarness.issuer)
        let signIn = h.provider.firstPartyLogin(.portal)
        let (location, cookie) = try signIn.start()
        #expect(location.hasPrefix(ProviderHarness.issuer + "/authorize?"))
        let query = try FormParameters(encoded: try #require(URLComponents(string: location)?.percentEncodedQuery))
        #expect(query["acr_values"] == AssuranceLevel.substantial.acr && query["client_id"] == "cyberid-portal")
        guard case .login(let login) = try await h.provider.login.authorize(query) else {
            Issue.record("expected the login page")
            throw CancellationError()
        }
        #expect(login.clientID == "cyberid-portal")
        return (signIn, cookie, login)
    }

    func callback(_ h: ProviderHarness, _ login: LoginStart) async throws -> FormParameters {
        FormParameters(try await h.finish(login))
    }

    @Test func aWalletSignsInOnceAndTheCodeCannotBeReplayed() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (signIn, cookie, login) = try await startSignIn(h)
            _ = try await h.approve(login, with: wallet)
            let query = try await callback(h, login)
            let person = try await signIn.finish(query, cookie: cookie)
            #expect(try await person.personID == h.holder(wallet))
            #expect(person.level >= .substantial)
            // The same callback again (a replayed URL): the code is spent.
            await #expect(throws: FirstPartyRefusal(reason: "failed")) { try await signIn.finish(query, cookie: cookie) }
            // The history says the person signed in to their account.
            let lines = try await h.holder.history(personID: try #require(await h.holder(wallet)))
            #expect(lines.contains { $0.event == "login" && $0.clientID == "cyberid-portal" && $0.outcome == "success" })
        }
    }

    /// A second review's finding (R8): the global re-verification policy applied to CyberID's own
    /// sign-ins — one `platforms` operator could make every portal and console sign-in a
    /// document check. It applies to platforms only.
    @Test func theGlobalReverificationPolicyIsForPlatformsOnly() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            try await h.store.setReverificationInterval(scope: "*", seconds: 1, at: Date())
            try await Task.sleep(for: .milliseconds(1_200))
            let (client, _) = try await h.client()
            let platform = try await h.start(ProviderHarness.request(client: client.id))
            await #expect(throws: ProviderError.reverificationRequiredByPolicy(interval: "")) {
                try await h.approve(platform, with: wallet)
            }
            let (signIn, cookie, login) = try await startSignIn(h)
            _ = try await h.approve(login, with: wallet)
            #expect(try await signIn.finish(try await callback(h, login), cookie: cookie).personID == h.holder(wallet))
        }
    }

    @Test func aPlatformCannotTakeTheNameOfCyberIDsOwnApplications() async throws {
        try await ProviderHarness.with { h in
            for name in ["CyberID account", "cyberid OPERATOR console"] {
                await #expect(throws: ProviderError.self) {
                    try await h.provider.clients.register(ClientRegistration(name: name, redirectURIs: [ProviderHarness.redirect]))
                }
            }
            _ = try await h.provider.clients.register(
                ClientRegistration(name: "CyberID demo platform", redirectURIs: [ProviderHarness.redirect]))
        }
    }

    @Test func aCallbackWithoutThisBrowsersCookieOrWithAnotherStateIsRefused() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (signIn, cookie, login) = try await startSignIn(h)
            let (_, otherCookie) = try signIn.start()
            _ = try await h.approve(login, with: wallet)
            var query = try await callback(h, login)
            await #expect(throws: FirstPartyRefusal(reason: "state")) { try await signIn.finish(query, cookie: nil) }
            await #expect(throws: FirstPartyRefusal(reason: "state")) { try await signIn.finish(query, cookie: otherCookie) }
            await #expect(throws: FirstPartyRefusal(reason: "state")) { try await signIn.finish(query, cookie: "forged") }
            await #expect(throws: FirstPartyRefusal(reason: "expired")) {
                try await signIn.finish(query, cookie: cookie, now: Date().addingTimeInterval(3_600))
            }
            let good = query
            query = FormParameters(["code": good["code"] ?? "", "state": good["state"] ?? "", "iss": "https://evil.example"])
            await #expect(throws: FirstPartyRefusal(reason: "state")) { try await signIn.finish(query, cookie: cookie) }
            // The genuine callback still works: refusals spent nothing.
            _ = try await signIn.finish(good, cookie: cookie)
        }
    }

    @Test func aDeclinedOrSuspendedSignInSaysWhy() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (signIn, cookie, login) = try await startSignIn(h)
            _ = try await h.approve(login, with: wallet, approve: false)
            await #expect(throws: FirstPartyRefusal(reason: "denied")) {
                try await signIn.finish(try await callback(h, login), cookie: cookie)
            }
            let person = try #require(try await h.holder(wallet))
            _ = try await h.holder.apply(.suspend, personID: person, reason: "lost phone")
            let (_, cookie2, login2) = try await startSignIn(h)
            _ = try? await h.approve(login2, with: wallet)
            await #expect(throws: FirstPartyRefusal(reason: "inactive")) {
                try await signIn.finish(try await callback(h, login2), cookie: cookie2)
            }
        }
    }

    @Test func aLoginErrorBecomesAReasonThePersonCanActOn() {
        let reason = { (error: String, description: String) in FirstPartyLogin.reason(error: error, description: description) }
        #expect(reason("access_denied", "the person declined") == "denied")
        #expect(reason("access_denied", ProviderError.personNotActive("suspended").reason) == "inactive")
        #expect(reason("access_denied", ProviderError.reverificationRequiredByPolicy(interval: "1 day").reason) == "reverify")
        #expect(reason("unmet_authentication_requirements", "anything") == "level")
        #expect(reason("access_denied", "the login transaction expired") == "expired")
        #expect(reason("server_error", "boom") == "failed")
    }

    @Test func aSessionEndsWhenIdleAtItsLimitOnSignOutEverywhereAndOnSuspension() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let person = try #require(try await h.holder(wallet))
            let sessions = WebSessionService(store: h.store, idleLifetime: 900, absoluteLifetime: 3_600)
            let t0 = Date()
            let signIn = FirstPartySignIn(personID: person, level: .substantial, authTime: t0)
            let first = try await sessions.create(signIn, audience: "portal", now: t0)
            #expect(try await sessions.authenticate(token: first.token, audience: "portal", now: t0 + 10)?.personID == person)
            #expect(try await sessions.authenticate(token: first.token, audience: "console", now: t0 + 10) == nil)
            // Another first character (the token is random: it may begin with "A" itself, 1 in 64).
            let other = (first.token.first == "A" ? "B" : "A") + first.token.dropFirst()
            #expect(try await sessions.authenticate(token: other, audience: "portal", now: t0) == nil)
            #expect(try await sessions.authenticate(token: "short", audience: "portal", now: t0) == nil)
            // Used within the idle time, the session slides on; left alone, it ends.
            #expect(try await sessions.authenticate(token: first.token, audience: "portal", now: t0 + 800) != nil)
            #expect(try await sessions.authenticate(token: first.token, audience: "portal", now: t0 + 1_600) != nil)
            #expect(try await sessions.authenticate(token: first.token, audience: "portal", now: t0 + 2_501) == nil)
            // However busy, it ends at the absolute limit.
            let busy = try await sessions.create(signIn, audience: "portal", now: t0)
            for minute in stride(from: 600.0, to: 3_600, by: 600) {
                #expect(try await sessions.authenticate(token: busy.token, audience: "portal", now: t0 + minute) != nil)
            }
            #expect(try await sessions.authenticate(token: busy.token, audience: "portal", now: t0 + 3_601) == nil)
            // Sign out everywhere ends every portal session of the person.
            let a = try await sessions.create(signIn, audience: "portal", now: t0)
            let b = try await sessions.create(signIn, audience: "portal", now: t0)
            #expect(try await sessions.signOutEverywhere(personID: person, audience: "portal") == 2)
            #expect(try await sessions.authenticate(token: a.token, audience: "portal", now: t0 + 1) == nil)
            #expect(try await sessions.authenticate(token: b.token, audience: "portal", now: t0 + 1) == nil)
            // A suspension, by anyone, ends access at once.
            let c = try await sessions.create(signIn, audience: "portal", now: t0)
            _ = try await h.holder.apply(.suspend, personID: person, reason: "lost phone")
            #expect(try await sessions.authenticate(token: c.token, audience: "portal", now: t0 + 1) == nil)
        }
    }

    @Test func thePortalShowsTheOverviewPlatformsAndHistoryOfAPerson() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet(birth: "2000-01-01")
            let person = try #require(try await h.holder(wallet))
            let (client, secret) = try await h.client(scopes: ["openid", "age"])
            let (_, token) = try await h.login(client: client, secret: secret, wallet: wallet, scope: "openid age")
            try await h.provider.clients.ensure(.portal, issuer: ProviderHarness.issuer)
            let overview = try await h.holder.overview(personID: person)
            #expect(overview.networkNumber == (try NetworkNumber(parsing: wallet.file.networkNumber)).canonical)
            #expect(overview.state == .active && overview.maskedPhone == "+86 138****0000")
            #expect(overview.certificates.count == 1 && overview.certificates.first?.status == "valid")
            #expect(overview.guardianNumber == nil && overview.wards.isEmpty)
            let platforms = try await h.holder.platforms(personID: person)
            let shop = try #require(platforms.first)
            #expect(platforms.count == 1 && shop.clientID == client.id && shop.verifications == 1)
            #expect(shop.pairwiseSubject == token.sub && shop.claimsReleased.contains("age_over_18"))
            #expect(shop.consent?.claims.contains("age_over_18") == true)
            // History: the enrollment first, then the login; filtered by platform and by kind.
            let all = try await h.holder.historyPage(personID: person, query: HistoryQuery())
            #expect(all.lines.map(\.event) == ["login", "enrollment"] && all.olderCursor == nil && !all.hasNewer)
            let logins = try await h.holder.historyPage(personID: person, query: HistoryQuery(clientID: client.id))
            #expect(logins.lines.count == 1)
            let small = try await h.holder.historyPage(personID: person, query: HistoryQuery(), size: 1)
            let older = try await h.holder.historyPage(
                personID: person, query: HistoryQuery(), before: try #require(small.olderCursor), size: 1)
            #expect(older.lines.map(\.event) == ["enrollment"] && older.hasNewer && older.olderCursor == nil)
            let weeks = try await h.holder.weeklyVerifications(personID: person, zone: TimeZone(identifier: "Asia/Shanghai")!)
            #expect(weeks.count == 12 && weeks.last?.count == 1 && weeks.dropLast().allSatisfy { $0.count == 0 })
        }
    }

    @Test func theDownloadsAreSpreadsheetSafe() throws {
        let line = HistoryView(
            id: 1, event: "login", outcome: "success", clientID: "c_1", clientName: "=HYPERLINK(\"x\")",
            detail: ["reason": .string("a,b")], occurredAt: Date(timeIntervalSince1970: 0))
        let csv = HistoryExport.csv([line])
        #expect(csv.hasPrefix("\"occurred_at\",\"event\""))
        #expect(csv.contains("\"'=HYPERLINK(\"\"x\"\")\""))
        #expect(csv.contains("\"1970-01-01T00:00:00Z\",\"login\",\"success\",\"c_1\""))
        let json = try JSONSerialization.jsonObject(with: try HistoryExport.json([line])) as? [[String: Any]]
        #expect(json?.first?["client_name"] as? String == "=HYPERLINK(\"x\")")
    }

    @Test func aPhoneIsMaskedToItsFirstThreeAndLastFourDigits() {
        #expect(HolderService.mask("+8613800000000") == "+86 138****0000")
        #expect(HolderService.mask("+447700900123") == "+44 770***0123")
    }
}
