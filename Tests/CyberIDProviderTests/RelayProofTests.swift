import CyberIDBase64URL
import CyberIDCore
import CyberIDStore
import CyberIDWallet
import Foundation
import Testing

@testable import CyberIDProvider

/// Issue 12, finding 2: a login started by someone else and forwarded to the victim (a QR code
/// or a link in a message) must not log the forwarder in. Animated QR codes, number matching
/// and the same-device response code (docs/relying-parties.md §4a).
@Suite struct RelayProofTests {
    /// The view of the page's QR content at `now`.
    static func scan(_ h: ProviderHarness, _ login: LoginStart, at now: Date) async throws -> (WalletLoginURI, WalletLoginView) {
        let link = try WalletLoginURI(try h.provider.login.currentQR(requestToken: login.requestToken, now: now))
        let view = try await h.provider.login.walletView(
            ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator, now: now)
        return (link, view)
    }

    @Test func theQRCodeChangesEachStepAndAnOldOneIsRefused() async throws {
        try await ProviderHarness.with { h in
            let (client, _) = try await h.client()
            let now = Date()
            let login = try await h.start(ProviderHarness.request(client: client.id), now: now)
            let first = try h.provider.login.currentQR(requestToken: login.requestToken, now: now)
            let later = try h.provider.login.currentQR(requestToken: login.requestToken, now: now.addingTimeInterval(5))
            #expect(first != later)
            let link = try WalletLoginURI(first)
            let sameDevice = try WalletLoginURI(login.walletURI)
            #expect(link.isCrossDevice && link.request == nil && link.ticket == sameDevice.ticket)
            // Fresh: accepted, with three numbers to pick from and a scan proof.
            let view = try await h.provider.login.walletView(
                ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator, now: now.addingTimeInterval(29))
            #expect(view.device == "cross-device" && view.scan != nil)
            // The same content 31 s later: refused, though the login is still open.
            await #expect(throws: ProviderError.qrCodeExpired()) {
                try await h.provider.login.walletView(
                    ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator,
                    now: now.addingTimeInterval(32))
            }
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken, now: now.addingTimeInterval(32)) == .pending)
            // A forged step (a later time with the old authenticator), a missing authenticator: refused.
            for (step, authenticator) in [
                ("40", link.qrAuthenticator), (link.qrStep, nil), (nil, link.qrAuthenticator),
                (link.qrStep.map { "+" + $0 }, link.qrAuthenticator),
            ] {
                await #expect(throws: ProviderError.invalidLoginTicket()) {
                    try await h.provider.login.walletView(
                        ticket: link.ticket, qrStep: step, qrAuthenticator: authenticator, now: now.addingTimeInterval(40))
                }
            }
            // A step of the future (a page whose clock someone moved): refused.
            let future = try WalletLoginURI(try h.provider.login.currentQR(requestToken: login.requestToken, now: now.addingTimeInterval(20)))
            await #expect(throws: ProviderError.invalidLoginTicket()) {
                try await h.provider.login.walletView(
                    ticket: future.ticket, qrStep: future.qrStep, qrAuthenticator: future.qrAuthenticator, now: now)
            }
            // The step of another transaction's QR code does not fit this one.
            let other = try await h.start(ProviderHarness.request(client: client.id))
            let foreign = try WalletLoginURI(try h.provider.login.currentQR(requestToken: other.requestToken, now: now))
            await #expect(throws: ProviderError.invalidLoginTicket()) {
                try await h.provider.login.walletView(
                    ticket: link.ticket, qrStep: foreign.qrStep, qrAuthenticator: foreign.qrAuthenticator, now: now)
            }
            // The page's status answers the current content.
            let progress = try await h.provider.login.loginProgress(requestToken: login.requestToken, now: now.addingTimeInterval(5))
            #expect(progress.status == .pending && progress.qr == later)
        }
    }

    /// The page shows each code for `qrStepSeconds` (5 by default): the codes' steps are the
    /// login's age rounded down to a multiple of it, the status says which step is current, and a
    /// code is accepted for 30 s from its step — a code shown for its last second included.
    @Test(arguments: [1, 5, 10, 30])
    func theCodeChangesOncePerStepPeriod(period: Int) async throws {
        try await ProviderHarness.with(configure: { $0.qrStepSeconds = period }) { h in
            let (client, _) = try await h.client()
            // The login's step 0 is the whole second it began.
            let startedAt = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
            let login = try await h.start(ProviderHarness.request(client: client.id), now: startedAt.addingTimeInterval(0.25))
            let period = min(period, 10)  // a longer setting is taken as 10
            var steps: [Int] = []
            var contents = Set<String>()
            for second in 0..<25 {
                let now = startedAt.addingTimeInterval(Double(second) + 0.5)
                let progress = try await h.provider.login.loginProgress(requestToken: login.requestToken, now: now)
                let content = try #require(progress.qr)
                #expect(try WalletLoginURI(content).qrStep == progress.qrStep.map(String.init))
                #expect(content == (try h.provider.login.currentQR(requestToken: login.requestToken, now: now)))
                steps.append(try #require(progress.qrStep))
                contents.insert(content)
            }
            let ages = (0..<25).map { $0 - $0 % period }
            #expect(steps == ages, "period \(period)")
            #expect(contents.count == Set(ages).count)
            // The code of step 0 scanned in the last second it is shown, and 29.5 s after its step:
            // accepted; 31 s after its step: refused — however long it was shown.
            let shownLast = startedAt.addingTimeInterval(Double(period) - 0.5)
            let (link, view) = try await Self.scan(h, login, at: shownLast)
            #expect(link.qrStep == "0" && view.device == "cross-device")
            _ = try await h.provider.login.walletView(
                ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator, now: startedAt.addingTimeInterval(29.5))
            await #expect(throws: ProviderError.qrCodeExpired()) {
                try await h.provider.login.walletView(
                    ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator,
                    now: startedAt.addingTimeInterval(31))
            }
        }
    }

    /// The wallet's `qt` and the page's `qr_step` are read alike: one to seven ASCII digits.
    @Test func aStepIsOneToSevenASCIIDigits() {
        for (text, value) in [("0", 0), ("5", 5), ("0005", 5), ("9999999", 9_999_999)] {
            #expect(LoginService.parseQRStep(text) == value, "\(text)")
        }
        for text in ["", "-1", "+5", " 5", "5 ", "5.0", "12345678", "٥", "５", "0x5"] {
            #expect(LoginService.parseQRStep(text) == nil, "\(text)")
        }
    }

    @Test func theWalletOffersThreeNumbersOneOfThemThePagesOwn() async throws {
        try await ProviderHarness.with { h in
            let (client, _) = try await h.client()
            var seen = Set<Int>()
            for _ in 0..<20 {
                let login = try await h.start(ProviderHarness.request(client: client.id))
                let (_, view) = try await Self.scan(h, login, at: Date())
                let choices = try #require(view.matchChoices)
                #expect(choices.count == 3 && Set(choices).count == 3 && choices.allSatisfy { (10...99).contains($0) })
                #expect(choices.contains(login.matchNumber))
                seen.insert(choices.firstIndex(of: login.matchNumber) ?? -1)
            }
            // The right number is not always in the same place.
            #expect(seen.count > 1)
        }
    }

    /// Someone sending a person login QR codes without the page, again and again, gets one guess
    /// in ninety each time the person types a number. After three wrong numbers within an hour
    /// the person's cross-device approvals are refused — the right number too — until the sliding
    /// estimate allows one again; the login stays open, a refusal (deny) and a same-device login
    /// still work, another person is not touched. Seen to fail without the limit (the fourth
    /// approval, with the right number, logs the sender in).
    @Test func wrongNumbersAreLimitedPerPersonAndHour() async throws {
        try await ProviderHarness.with(rateLimited: true) { h in
            let victim = try await h.wallet()
            let bystander = try await h.wallet(number: "E99887766")
            let (client, _) = try await h.client()
            let now = Date()
            for _ in 0..<3 { try await Self.pickWrong(h, victim, client: client.id, at: now) }
            // The fourth: refused though the number is right, and the login is still open.
            let fourth = try await h.start(ProviderHarness.request(client: client.id))
            let limited = await #expect(throws: RateLimitExceeded.self) { _ = try await h.approve(fourth, with: victim, now: now) }
            #expect(limited?.code == "wrong-match-number-rate-limited")
            #expect(try await h.provider.login.loginStatus(requestToken: fourth.requestToken) == .pending)
            // Saying no is not refused.
            #expect(try await h.approve(fourth, with: victim, approve: false, now: now).status == "denied")
            // Another person's cross-device login is not touched.
            let theirs = try await h.start(ProviderHarness.request(client: client.id))
            _ = try await h.approve(theirs, with: bystander, now: now)
            #expect(try await h.provider.login.loginStatus(requestToken: theirs.requestToken) == .approved)
            // The person's own same-device login still works.
            let own = try await h.start(ProviderHarness.request(client: client.id))
            let link = try WalletLoginURI(own.walletURI)
            let view = try await h.provider.login.walletView(ticket: link.ticket)
            let approval = try victim.decision(on: ProviderHarness.requestView(view), approve: true, consent: [])
            _ = try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
            #expect(try await h.provider.login.loginStatus(requestToken: own.requestToken) == .approved)
            // At the Retry-After the refusal named, a cross-device login goes through again (not a
            // second before).
            let wait = Double(try #require(limited?.retryAfter))
            // (1.5 s early: the estimate's slack is a millisecond of time at this limit, so a whole
            // second early could fall inside it when `now` is a hair before a whole second.)
            let later = try await h.start(ProviderHarness.request(client: client.id), now: now.addingTimeInterval(wait - 1.5))
            await #expect(throws: RateLimitExceeded.self) { _ = try await h.approve(later, with: victim, now: now.addingTimeInterval(wait - 1.5)) }
            _ = try await h.approve(later, with: victim, now: now.addingTimeInterval(wait))
            #expect(try await h.provider.login.loginStatus(requestToken: later.requestToken) == .approved)
        }
    }

    /// A wrong pick on one node and the next on another count together (the second node reads the
    /// shared count though it has not seen the person fail), and a wrong pick sent again to the
    /// login it ended counts once.
    @Test func wrongNumbersCountAcrossNodesAndOncePerLogin() async throws {
        try await ProviderHarness.with(rateLimited: true) { h in
            let victim = try await h.wallet()
            let (client, _) = try await h.client()
            let other = h.node(rateLimited: true) { _ in }
            let now = Date()
            // One login, its wrong pick sent three times: one ended login, counted once.
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let (_, view) = try await Self.scan(h, login, at: now)
            let wrong = try #require(view.matchChoices?.first { $0 != login.matchNumber })
            await #expect(throws: ProviderError.wrongMatchNumber()) { _ = try await h.approve(login, with: victim, pick: wrong, now: now) }
            for _ in 0..<2 {
                await #expect(throws: ProviderError.loginAlreadyDecided()) {
                    _ = try await h.approve(login, with: victim, pick: wrong, now: now)
                }
            }
            // Two more wrong picks, one on each node: three in all.
            try await Self.pickWrong(h, victim, client: client.id, at: now)
            try await Self.pickWrong(other, victim, client: client.id, at: now)
            // The other node has seen one failure, this one two; both refuse the fourth.
            for node in [other, h] {
                let next = try await node.start(ProviderHarness.request(client: client.id))
                await #expect(throws: RateLimitExceeded.self) { _ = try await node.approve(next, with: victim, now: now) }
            }
            // A third node that has seen none refuses it too.
            let third = h.node(rateLimited: true) { _ in }
            let fresh = try await third.start(ProviderHarness.request(client: client.id))
            await #expect(throws: RateLimitExceeded.self) { _ = try await third.approve(fresh, with: victim, now: now) }
        }
    }

    /// The ended login and its count are one write: a count the store refuses (a SQLite trigger
    /// standing for a full disk or a crash) leaves the login open and uncounted, never ended and
    /// uncounted — and the same pick, sent again once the store writes, ends it and counts.
    /// (Seen to fail with the count written after the decision's transaction: the login ended.)
    @Test func aWrongPickEndsItsLoginOnlyTogetherWithItsCount() async throws {
        try await ProviderHarness.with(rateLimited: true) { h in
            let victim = try await h.wallet()
            let (client, _) = try await h.client()
            let now = Date()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let (_, view) = try await Self.scan(h, login, at: now)
            let wrong = try #require(view.matchChoices?.first { $0 != login.matchNumber })
            _ = try await h.store.database.write {
                try await $0.execute(
                    "CREATE TRIGGER refuse_counts BEFORE INSERT ON rate_counters BEGIN SELECT RAISE(ABORT, 'disk full'); END", [])
            }
            await #expect(throws: StoreError.self) { _ = try await h.approve(login, with: victim, pick: wrong, now: now) }
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken) == .pending)
            _ = try await h.store.database.write { try await $0.execute("DROP TRIGGER refuse_counts", []) }
            await #expect(throws: ProviderError.wrongMatchNumber()) {
                _ = try await h.approve(login, with: victim, pick: wrong, now: now)
            }
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken) == .denied)
        }
    }

    /// A cross-device login of `client` that `wallet` ends with a wrong pick.
    static func pickWrong(_ h: ProviderHarness, _ wallet: Wallet, client: String, at now: Date) async throws {
        let login = try await h.start(ProviderHarness.request(client: client))
        let (_, view) = try await Self.scan(h, login, at: now)
        let wrong = try #require(view.matchChoices?.first { $0 != login.matchNumber })
        await #expect(throws: ProviderError.wrongMatchNumber()) { _ = try await h.approve(login, with: wallet, pick: wrong, now: now) }
    }

    @Test func aWrongPickEndsTheLogin() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let (_, view) = try await Self.scan(h, login, at: Date())
            let wrong = try #require(view.matchChoices?.first { $0 != login.matchNumber })
            await #expect(throws: ProviderError.wrongMatchNumber()) { try await h.approve(login, with: wallet, pick: wrong) }
            let progress = try await h.provider.login.loginProgress(requestToken: login.requestToken)
            #expect(progress.status == .denied && progress.reason == "wrong-match-number")
            // The right number afterwards: too late.
            await #expect(throws: ProviderError.loginAlreadyDecided()) { try await h.approve(login, with: wallet) }
            #expect(try await h.finish(login)["error"] == "access_denied")
        }
    }

    @Test func aCrossDeviceApprovalNeedsAPickAndItsOwnScan() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let (link, view) = try await Self.scan(h, login, at: Date())
            let noPick = try wallet.decision(on: ProviderHarness.requestView(view), approve: true, consent: [])
            await #expect(throws: ProviderError.matchNumberRequired()) {
                try await h.provider.login.decide(ticket: link.ticket, approval: noPick)
            }
            // Another transaction's scan proof with this transaction's approval.
            let other = try await h.start(ProviderHarness.request(client: client.id))
            let (_, otherView) = try await Self.scan(h, other, at: Date())
            var borrowed = ProviderHarness.requestView(view)
            borrowed.scan = otherView.scan
            let forged = try wallet.decision(on: borrowed, approve: true, consent: [], match: login.matchNumber)
            await #expect(throws: ProviderError.invalidWalletSignature("")) {
                try await h.provider.login.decide(ticket: link.ticket, approval: forged)
            }
            // Neither decided anything: the real pick still logs in.
            #expect(try await h.provider.login.loginStatus(requestToken: login.requestToken) == .pending)
            #expect(try await h.approve(login, with: wallet).status == "approved")
            let progress = try await h.provider.login.loginProgress(requestToken: login.requestToken)
            #expect(progress.status == .approved && progress.sameDevice == false)
            #expect(try await h.finish(login)["code"] != nil)
        }
    }

    /// The forwarded same-device link: the victim's wallet approves, the response code goes to
    /// the victim's device; the forwarder's browser, which holds the login's cookie, cannot
    /// continue without it.
    @Test func aSameDeviceApprovalContinuesOnlyWithItsResponseCode() async throws {
        try await ProviderHarness.with { h in
            let wallet = try await h.wallet()
            let (client, _) = try await h.client()
            let login = try await h.start(ProviderHarness.request(client: client.id))
            let link = try WalletLoginURI(login.walletURI)
            #expect(!link.isCrossDevice && link.request == login.requestToken)
            let view = try await h.provider.login.walletView(ticket: link.ticket)
            #expect(view.device == "same-device" && view.matchChoices == nil && view.scan == nil)
            let approval = try wallet.decision(on: ProviderHarness.requestView(view), approve: true, consent: [])
            // A request token of another login does not fit this ticket.
            let other = try await h.start(ProviderHarness.request(client: client.id))
            await #expect(throws: ProviderError.invalidLoginTicket()) {
                try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: other.requestToken)
            }
            let result = try await h.provider.login.decide(ticket: link.ticket, approval: approval, request: link.request)
            let code = try #require(result.responseCode)
            let returnURL = try #require(result.returnURL)
            #expect(returnURL.hasPrefix(ProviderHarness.issuer + "/authorize/continue?"))
            #expect(ProviderHarness.query(returnURL)["response_code"] == code)
            #expect(ProviderHarness.query(returnURL)["r"] == login.requestToken)
            let progress = try await h.provider.login.loginProgress(requestToken: login.requestToken)
            #expect(progress.status == .approved && progress.sameDevice == true && progress.qr == nil)
            // The forwarder's browser: the cookie, but no code (or a guessed one).
            await #expect(throws: ProviderError.responseCodeRequired()) { try await h.finish(login) }
            await #expect(throws: ProviderError.invalidResponseCode()) { try await h.finish(login, responseCode: "guess") }
            // The victim's browser: the code, but not the cookie.
            await #expect(throws: ProviderError.browserNotBound()) {
                try await h.provider.login.continueLogin(requestToken: login.requestToken, browserSecret: nil, responseCode: code)
            }
            // The person who started it on this device: both.
            #expect(try await h.finish(login, responseCode: code)["code"] != nil)
        }
    }

    @Test func theWalletIsToldWhereAndWhenTheLoginStarted() async throws {
        try await ProviderHarness.with { h in
            let (client, _) = try await h.client()
            for address in ["203.0.113.7", "2001:db8::1"] {
                let now = Date()
                guard case .login(let login) = try await h.provider.login.authorize(
                    ProviderHarness.request(client: client.id).form, browserAddress: address, now: now)
                else { throw CancellationError() }
                let view = try await h.provider.login.walletView(ticket: try WalletLoginURI(login.walletURI).ticket, now: now)
                #expect(view.requestedFrom == address)
                #expect(abs(view.requestedAt.timeIntervalSince(now)) < 1)
            }
        }
    }

    @Test func aTicketRoundTripsAndTruncatedBytesAreRejected() {
        let ticket = LoginTicket(
            transaction: Array(repeating: 1, count: 16), nonce: Array(repeating: 2, count: 16), clientID: "c_1",
            sector: "shop.example", scopes: [.openid, .age], requiredLevel: .substantial, prompt: ["consent"],
            expiresAt: 1_800_000_120, startedAt: 1_800_000_000, browserAddress: [127, 0, 0, 1])
        #expect(LoginTicket(bytes: ticket.bytes) == ticket)
        for length in 0..<ticket.bytes.count {
            #expect(LoginTicket(bytes: Array(ticket.bytes.prefix(length))) == nil)
        }
        #expect(LoginTicket(bytes: ticket.bytes + [0]) == nil)
    }

    /// A ticket made from a request's scopes and prompts in any order, with repeats, is the one
    /// its sealed bytes give back: the view the page's link carries is made from the first, the
    /// decision's from the second, and they must be the same bytes (LinkViewTests).
    @Test func aTicketKeepsTheSealedOrderOfScopesAndPrompts() throws {
        let ticket = LoginTicket(
            transaction: Array(repeating: 1, count: 16), nonce: Array(repeating: 2, count: 16), clientID: "c_1",
            sector: "shop.example", scopes: [.realname, .openid, .age, .openid], requiredLevel: .high,
            mode: try #require(AuthenticationMode.allCases.last), modeInACR: false, prompt: ["consent", "login", "login"],
            expiresAt: 1_800_000_120, startedAt: 1_800_000_000, browserAddress: Array(repeating: 0x20, count: 16))
        #expect(ticket.scopes == [.openid, .age, .realname] && ticket.prompt == ["login", "consent"])
        #expect(LoginTicket(bytes: ticket.bytes) == ticket)
    }
}
