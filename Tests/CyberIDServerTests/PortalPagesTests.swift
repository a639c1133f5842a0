import CyberIDCore
import CyberIDWeb
import Foundation
import Mustache
import Testing

@testable import CyberIDLifecycle
@testable import CyberIDProvider
@testable import CyberIDServer
@testable import CyberIDServices

/// The portal's pages as HTML (issue 14): every word in both catalogues, the element ids the
/// browser tests use, escaping, and nothing the CSP would block (the routes and sessions are
/// tested in PortalRoutesTests, the pages in a browser with axe in Tests/browser).
@Suite struct PortalPagesTests {
    let pages = PortalPages()
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-12-02 16:05 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_796_198_700)

    // MARK: Words

    @Test func everyKeyATemplateUsesIsInBothCatalogues() {
        let templates = PortalTemplates.all.map { ($0.name, $0.text) } + [("login", LoginPage.html)]
        var used = Set<String>()
        for (name, text) in templates {
            let keys = Self.catalogueKeys(in: text)
            #expect(!keys.isEmpty, "\(name) uses no catalogue key")
            used.formUnion(keys)
        }
        for language in Language.allCases {
            let strings = Catalogue.standard.dictionary(for: language)
            #expect(used.filter { strings[$0] == nil }.sorted() == [], "\(language)")
        }
    }

    /// The keys the pages build from stored names (events, states, claims…) and the keys the
    /// routes pass (flash, signed-out messages, errors).
    @Test func everyKeyThePagesBuildIsInBothCatalogues() {
        var keys = HistoryEvent.allCases.map { PortalPages.key("event_", $0.rawValue) }
        keys += HistoryOutcome.allCases.map { PortalPages.key("outcome_", $0.rawValue) }
        keys += PersonState.allCases.map { PortalPages.key("state_", $0.rawValue) }
        keys += PersonState.allCases.filter { $0 != .active }.map { PortalPages.key("portal_state_help_", $0.rawValue) }
        keys += AssuranceLevel.allCases.map { PortalPages.key("level_", $0.rawValue) }
        keys += ["age_over_14", "age_over_18", "name", "birthdate", "network_number", "nationality"].map {
            "claim_" + $0
        }
        keys += ["valid", "active", "revoked", "superseded", "expired"].map { "cert_" + $0 }
        keys += ["set", "changed", "reset", "wrong", "locked", "refused-locked"].map {
            PortalPages.key("portal_password_", $0)
        }
        keys += PortalPages.refusalReasons.map { "portal_refused_" + $0 }
        keys += ["forbidden", "not_found", "bad_request", "unavailable", "server", "status"].map {
            "portal_error_" + $0
        }
        keys += ["portal_flash_withdrawn", "portal_flash_ward_suspended", "portal_flash_ward_resumed"]
        keys += ["portal_signed_out", "portal_signed_out_everywhere", "portal_suspended_done"]
        keys += ["login_title", "login_portal_name", "login_portal_learns", "login_will_learn", "login_will_learn_and"]
        for language in Language.allCases {
            let strings = Catalogue.standard.dictionary(for: language)
            #expect(keys.filter { strings[$0] == nil } == [], "\(language)")
        }
        #expect(Catalogue.standard.missingKeys.isEmpty && Catalogue.standard.placeholderMismatches.isEmpty)
    }

    /// The labels issue 14 names, as they appear on the pages.
    @Test func buttonsSayWhatTheyDoInBothLanguages() {
        let zh = everyPage(.zhCN).map { $0.html }.joined()
        for word in ["登录", "退出", "概览", "平台", "历史", "撤回", "暂停", "下载 JSON", "下载 CSV", "中文", "English"] {
            #expect(zh.contains(word), "\(word)")
        }
        let en = everyPage(.en).map { $0.html }.joined()
        for word in ["Sign in", "Sign out", "Overview", "Platforms", "History", "Withdraw", "Suspend", "Download JSON"]
        {
            #expect(en.contains(word), "\(word)")
        }
        #expect(pages.landing(frame(.zhCN, .landing, signedIn: false)).contains(">登录您的账户</a>"))
    }

    // MARK: Pages and their ids

    @Test(arguments: Language.allCases)
    func everyPageRendersWithItsIDs(_ language: Language) {
        let expected: [String: [String]] = [
            "landing": ["sign-in", "lang-zh", "lang-en", "main"],
            "overview": [
                "network-number", "assurance-level", "person-state", "certificates", "phone", "guardian", "wards",
                "ward-1",
                "ward-suspend-1", "ward-2", "ward-resume-2", "suspend", "sign-out-everywhere", "sign-out",
                "nav-overview",
                "nav-platforms", "nav-history", "flash",
            ],
            "platforms": [
                "platform-c_abc", "pairwise-c_abc", "withdraw-c_abc", "reverification-c_abc", "platform-c_xyz",
            ],
            "history": [
                "history-filter", "filter-platform", "filter-kind", "filter-from", "filter-to", "history-table",
                "history-older",
                "history-newer", "download-json", "download-csv", "history-chart",
            ],
            "suspend": ["confirm-suspend", "cancel"], "ward-confirm": ["confirm-ward-suspend", "ward-number"],
            "signed-out": ["sign-in"], "refused": ["signin-refused", "sign-in"], "error": ["home", "error-message"],
        ]
        for (name, html) in everyPage(language) {
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"\(language.rawValue)\">"), "\(name)")
            #expect(html.contains("<main id=\"main\">") && html.contains("href=\"#main\""), "\(name)")
            #expect(Self.count("<h1", in: html) == 1, "\(name): one h1")
            for id in expected[name] ?? [] {
                #expect(html.contains("id=\"\(id)\""), "\(name) lacks #\(id)")
            }
        }
    }

    @Test func theOverviewShowsTheNumberStateAndWards() {
        let html = pages.overview(frame(.en, .overview, flash: "portal_flash_ward_suspended"), Self.overview)
        #expect(html.contains("<span id=\"network-number\" class=\"number\">KX7M2Q9P4R</span>"))
        #expect(html.contains("Substantial (document chip and phone)") && html.contains("+86 138****0000"))
        #expect(html.contains("<a id=\"nav-overview\" href=\"/account\" aria-current=\"page\">Overview</a>"))
        #expect(!html.contains("id=\"nav-platforms\" href=\"/account/platforms\" aria-current"))
        #expect(html.contains("id=\"flash\" role=\"status\">Your ward’s number is suspended.</p>"))
        #expect(html.contains("<input type=\"hidden\" name=\"ward\" value=\"WARD000001\">"))
        #expect(html.contains("<form method=\"post\" action=\"/account/wards/resume\">"))
        #expect(html.contains("name=\"csrf\" value=\"csrf-token-123\"") && html.contains("GUARD00001"))
        #expect(
            html.contains("href=\"/language/zh-CN?next=/account\"")
                && html.contains("lang=\"zh-CN\" hreflang=\"zh-CN\""))
        #expect(Self.count("name=\"csrf\"", in: html) == 4)  // sign out, two wards, sign out everywhere
        #expect(!html.contains("id=\"ward-suspend-2\"") && !html.contains("id=\"ward-resume-1\""))

        let zh = pages.overview(frame(.zhCN, .overview), Self.overview)
        #expect(zh.contains("<html lang=\"zh-CN\">") && zh.contains("<h1>概览</h1>") && zh.contains("2026年11月1日"))
        #expect(zh.contains("暂停我的网号（手机丢失）"))
    }

    @Test func aSuspendedPersonIsToldWhyAndWhatToDo() {
        var overview = Self.overview
        overview.state = .suspended
        overview.stateReason = "lost phone"
        overview.guardianNumber = nil
        overview.wards = []
        let html = pages.overview(frame(.en, .overview), overview)
        #expect(html.contains("Suspended") && html.contains("Reason: lost phone"))
        #expect(html.contains("cyberid wallet lifecycle resume"))
        #expect(!html.contains("id=\"guardian\"") && !html.contains("id=\"wards\""))
    }

    @Test func thePlatformsPageSaysWhatEachLearned() {
        let html = pages.platforms(frame(.en, .platforms), Self.platforms)
        #expect(html.contains("<code id=\"pairwise-c_abc\">pairwise-subject-abc</code>"))
        #expect(html.contains("that you are a verified person") && html.contains("whether you are 18 or older"))
        #expect(html.contains("custom_claim"))
        #expect(html.contains("<input type=\"hidden\" name=\"client\" value=\"c_abc\">"))
        #expect(html.contains("action=\"/account/platforms/withdraw\""))
        #expect(html.contains("id=\"reverification-c_abc\"") && html.contains("document expired"))
        // No consent: nothing to withdraw.
        #expect(!html.contains("id=\"withdraw-c_xyz\""))
        let none = pages.platforms(frame(.zhCN, .platforms), [])
        #expect(none.contains("id=\"no-platforms\"") && none.contains("<h1>平台</h1>"))
    }

    @Test func theHistoryKeepsItsFilterInEveryLink() throws {
        let from = try #require(DateText.parseDay("2026-11-01", Self.zone))
        let until = try #require(DateText.parseDay("2026-12-01", Self.zone))
        let query = HistoryQuery(clientID: "c_abc", event: "login", from: from, until: until)
        let html = pages.history(
            frame(.en, .history), Self.historyPage(older: 42), query: query,
            platforms: [("c_abc", "Shop"), ("c_xyz", "Forum")],
            weeks: Self.weeks, before: nil)
        #expect(html.contains("<option value=\"c_abc\" selected>Shop</option>"))
        #expect(html.contains("<option value=\"c_xyz\">Forum</option>"))
        #expect(html.contains("<option value=\"login\" selected>"))
        #expect(html.contains("<option value=\"enrollment\">Enrollment</option>"))
        #expect(html.contains("id=\"filter-from\" name=\"from\" value=\"2026-11-01\""))
        #expect(html.contains("id=\"filter-to\" name=\"to\" value=\"2026-11-30\""))  // until is exclusive
        let filter = "platform=c_abc&amp;kind=login&amp;from=2026-11-01&amp;to=2026-11-30"
        #expect(html.contains("id=\"download-csv\" href=\"/account/history.csv?\(filter)\" download>Download CSV</a>"))
        #expect(html.contains("id=\"download-json\" href=\"/account/history.json?\(filter)\" download>"))
        #expect(html.contains("id=\"history-older\" href=\"/account/history?\(filter)&amp;before=42\""))
        #expect(html.contains("id=\"history-newer\" href=\"/account/history?\(filter)\""))
        // The details worth reading, localized.
        #expect(html.contains("Legal basis: court order 7") && html.contains("By operators with roles: auditor"))
        #expect(html.contains("Shared: whether you are 18 or older, your name") && html.contains("Reason: lost phone"))
        #expect(html.contains("Password changed") && html.contains("2 Dec 2026, 16:05"))
        // The chart and its numbers as a table.
        #expect(html.contains("<svg") && html.contains("Week of 30 Nov 2026: 3 verifications"))
        #expect(html.contains("class=\"visually-hidden\"") && html.contains("<td>30 Nov 2026</td><td>3</td>"))
    }

    @Test func theHistoryWithoutFilterOrCursor() {
        let html = pages.history(
            frame(.zhCN, .history), HistoryPage(lines: [], olderCursor: nil, hasNewer: false), query: HistoryQuery(),
            platforms: [], weeks: [], before: nil)
        #expect(!html.contains("id=\"history-older\"") && !html.contains("id=\"history-newer\""))
        #expect(html.contains("id=\"history-empty\"") && html.contains("此筛选条件下没有记录"))
        #expect(html.contains("href=\"/account/history.csv\" download>下载 CSV</a>"))
        #expect(html.contains("<option value=\"\" selected>所有平台</option>"))
        #expect(html.contains("name=\"from\" value=\"\"") && !html.contains("id=\"history-chart\""))
        let second = pages.history(
            frame(.en, .history), HistoryPage(lines: [], olderCursor: nil, hasNewer: true), query: HistoryQuery(),
            platforms: [], weeks: [], before: 17)
        #expect(second.contains("id=\"history-newer\" href=\"/account/history\""))
    }

    @Test func filterValuesArePercentEncoded() {
        let query = HistoryQuery(clientID: "c_a b&c=d/é", event: "record-accessed")
        #expect(
            PortalPages.filterQuery(query, zone: Self.zone) == "platform=c_a%20b%26c%3Dd%2F%C3%A9&kind=record-accessed")
        #expect(PortalPages.filterQuery(HistoryQuery(), zone: Self.zone) == "")
    }

    @Test func refusalsAndErrorsExplainThemselves() {
        let inactive = pages.refused(frame(.en, .refused, signedIn: false), reason: "inactive")
        #expect(
            inactive.contains("<section id=\"signin-refused\"") && inactive.contains("cyberid wallet lifecycle resume"))
        let unknown = pages.refused(frame(.en, .refused, signedIn: false), reason: "<script>")
        #expect(unknown.contains("The sign-in did not succeed.") && !unknown.contains("<script>alert"))
        let error = pages.error(frame(.en, .error, signedIn: false), status: 403, messageKey: "portal_error_forbidden")
        #expect(error.contains("the form expired or came from another site") && error.contains("Error 403"))
        let other = pages.error(frame(.zhCN, .error, signedIn: false), status: 500, messageKey: "nav_overview")
        #expect(other.contains("我们这边出了问题"))
        let signedOut = pages.signedOut(frame(.zhCN, .signedOut, signedIn: false), messageKey: "portal_suspended_done")
        #expect(signedOut.contains("<h1>已退出</h1>") && signedOut.contains("您的网号已暂停"))
        #expect(!signedOut.contains("id=\"sign-out\"") && !signedOut.contains("id=\"nav-overview\""))
    }

    // MARK: Safety

    @Test(arguments: Language.allCases)
    func nothingTheCSPWouldBlockAndNothingFromElsewhere(_ language: Language) throws {
        let policy = PortalPages.contentSecurityPolicy
        for (name, html) in everyPage(language) {
            #expect(!html.contains("style="), "\(name)")
            #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(name)")
            #expect(
                !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("href=\"//"), "\(name)")
            #expect(Self.count("<script", in: html) == 1 && Self.count("<style", in: html) == 1, "\(name)")
            let script = try #require(Self.between(html, "<script>", "</script>"))
            let style = try #require(Self.between(html, "<style>", "</style>"))
            #expect(policy.scriptHashes == [ContentSecurityPolicy.source(script)], "\(name)")
            #expect(policy.styleHashes == [ContentSecurityPolicy.source(style)], "\(name)")
        }
        #expect(policy.header.contains("script-src 'sha256-") && policy.header.contains("default-src 'none'"))
        #expect(PortalTemplates.script.contains("__Host-cyberid_tz=") && !PortalTemplates.style.contains("url("))
    }

    @Test func whatPeopleAndPlatformsWroteIsEscaped() {
        var platforms = Self.platforms
        platforms[0].clientName = "<b>x</b>"
        let html = pages.platforms(frame(.en, .platforms), platforms)
        #expect(html.contains("&lt;b&gt;x&lt;/b&gt;") && !html.contains("<b>x</b>"))
        let lines = [Self.line(.recordAccessed, detail: ["legal_basis": .string("<img src=x onerror=alert(1)>")])]
        let history = pages.history(
            frame(.en, .history), HistoryPage(lines: lines, olderCursor: nil, hasNewer: false), query: HistoryQuery(),
            platforms: [("c_abc", "\"><script>")], weeks: [], before: nil)
        #expect(history.contains("&lt;img src=x onerror=alert(1)&gt;") && !history.contains("<img"))
        #expect(history.contains("&quot;&gt;&lt;script&gt;") && Self.count("<script", in: history) == 1)
    }

    // MARK: The login page

    @Test func theLoginPageSpeaksThePersonsLanguage() throws {
        let page = LoginPage(issuer: "http://127.0.0.1:9")
        let english = try page.render(Self.login(clientID: "c_abc", name: "Shop <&>"), language: .en)
        #expect(english.contains("<html lang=\"en\">") && english.contains("Waiting for your wallet"))
        #expect(
            english.contains("Log in to Shop &lt;&amp;&gt; with CyberID")
                && english.contains("whether you are 18 or older"))
        #expect(english.contains("data-msg-mismatch=\"The number chosen in the wallet did not match this page."))
        #expect(english.contains("data-msg-approved=\"Approved in your wallet. Continuing…\""))
        #expect(
            english.contains("data-msg-denied=\"Declined in the wallet.\"") && english.contains("This login expired."))
        #expect(
            english.contains("<a id=\"continue\" href=\"authorize/continue?r=REQ\">Continue</a> once you have answered")
        )
        let chinese = try page.render(Self.login(clientID: "c_abc", name: "Shop"), language: .zhCN)
        #expect(chinese.contains("<html lang=\"zh-CN\">") && !chinese.contains("Waiting for your wallet"))
        #expect(chinese.contains("使用 CyberID 登录Shop") && chinese.contains("您是否年满 18 周岁"))
        for id in ["login", "qr-code", "match-number", "wallet-link", "status", "continue"] {
            #expect(english.contains("id=\"\(id)\"") && chinese.contains("id=\"\(id)\""), "\(id)")
        }
        // One script for every language: the CSP's hash holds.
        #expect(Self.between(english, "<script>", "</script>") == LoginPage.script)
        #expect(Self.between(chinese, "<script>", "</script>") == LoginPage.script)
        let portal = try page.render(
            Self.login(clientID: LoginPage.portalClientID, name: "CyberID account"), language: .zhCN)
        #expect(portal.contains("登录您的 CyberID 账户") && !portal.contains("CyberID account"))
    }

    /// The page filled in two layers (words once per language, then the login) equals the page
    /// filled in one pass (its `[[ ]]` tags read as `{{ }}`), byte for byte, in both languages,
    /// for the portal and a platform, with and without claims. The catalogue's texts are the only
    /// text parsed twice (the login's values are data in the second layer, never parsed), so no
    /// catalogue text may hold a delimiter of the second layer. (The platform names that look
    /// like tags show that such values stay data; they could not fail this comparison alone.)
    @Test func theLayeredLoginPageEqualsOnePass() throws {
        let oneLayer = LoginPage.html.replacingOccurrences(of: "[[", with: "{{").replacingOccurrences(of: "]]", with: "}}")
        #expect(!oneLayer.contains("[["))
        let onePass = try MustacheTemplate(string: oneLayer)
        let page = LoginPage(issuer: "http://127.0.0.1:9")
        let samples: [(String, String, [String])] = [
            ("c_abc", "Shop <&> {{r}} {{{qr}}} [[t.login_scan]] [[&script]]", ["age_over_18", "name"]),
            (LoginPage.portalClientID, "CyberID account", []), ("c_abc", "{{#claims}}x{{/claims}}", []),
        ]
        for language in Language.allCases {
            for (clientID, name, claims) in samples {
                var login = Self.login(clientID: clientID, name: name)
                login.claims = claims
                let context = LoginPage.languageContext(language).merging(try LoginPage.loginContext(login, language: language)) {
                    first, _ in first
                }
                let layered = try page.render(login, language: language)
                #expect(layered == onePass.render(context), "\(language) \(name)")
                #expect(!layered.contains("[[lang]]") && !layered.contains("{{t.") && !layered.contains("[[&style]]"))
            }
            for (key, value) in Catalogue.standard.dictionary(for: language) where value.contains("{{") || value.contains("}}") {
                Issue.record("\(language) \(key) holds a Mustache delimiter")
            }
        }
    }

    // MARK: Samples

    func frame(_ language: Language, _ page: PortalPage, signedIn: Bool = true, flash: String? = nil) -> PageFrame {
        PageFrame(
            language: language, csrf: signedIn ? "csrf-token-123" : nil, page: page, flash: flash, zone: Self.zone)
    }

    /// Every page, with sample data, by name.
    func everyPage(_ language: Language) -> [(name: String, html: String)] {
        [
            ("landing", pages.landing(frame(language, .landing, signedIn: false))),
            ("overview", pages.overview(frame(language, .overview, flash: "portal_flash_withdrawn"), Self.overview)),
            ("platforms", pages.platforms(frame(language, .platforms), Self.platforms)),
            (
                "history",
                pages.history(
                    frame(language, .history), Self.historyPage(older: 42), query: HistoryQuery(clientID: "c_abc"),
                    platforms: [("c_abc", "Shop")], weeks: Self.weeks, before: 99)
            ),
            ("suspend", pages.suspendConfirm(frame(language, .suspend))),
            ("ward-confirm", pages.wardConfirm(frame(language, .overview), ward: Self.overview.wards[0], index: 1)),
            (
                "signed-out",
                pages.signedOut(frame(language, .signedOut, signedIn: false), messageKey: "portal_signed_out")
            ),
            ("refused", pages.refused(frame(language, .refused, signedIn: false), reason: "inactive")),
            (
                "error",
                pages.error(frame(language, .error, signedIn: false), status: 404, messageKey: "portal_error_not_found")
            ),
        ]
    }

    static let overview = PortalOverview(
        networkNumber: "KX7M2Q9P4R", level: .substantial, state: .active, stateReason: nil,
        certificates: [
            .init(serial: "0A1B2C", status: "valid", notAfter: now.addingTimeInterval(86_400 * 300), issuedAt: now),
            .init(
                serial: "09FFEE", status: "superseded", notAfter: now, issuedAt: now.addingTimeInterval(-86_400 * 365)),
        ],
        maskedPhone: "+86 138****0000", guardianNumber: "GUARD00001",
        wards: [
            .init(networkNumber: "WARD000001", state: .active, stateReason: nil),
            .init(networkNumber: "WARD000002", state: .suspended, stateReason: "lost phone"),
        ],
        restrictions: [.init(clientID: "c_abc", clientName: "Shop", reason: "document expired", since: now)],
        enrolledAt: now.addingTimeInterval(-86_400 * 31))

    static let platforms = [
        PlatformUse(
            clientID: "c_abc", clientName: "Shop", firstUsed: now.addingTimeInterval(-86_400 * 30), lastUsed: now,
            verifications: 3, claimsReleased: ["age_over_18", "custom_claim"], pairwiseSubject: "pairwise-subject-abc",
            consent: ConsentView(clientID: "c_abc", clientName: "Shop", claims: ["name"], grantedAt: now),
            reverificationReason: "document expired", reverificationSince: now),
        PlatformUse(
            clientID: "c_xyz", clientName: "Forum", firstUsed: nil, lastUsed: nil, verifications: 0, claimsReleased: [],
            pairwiseSubject: nil, consent: nil, reverificationReason: nil, reverificationSince: nil),
    ]

    static let weeks = [
        WeekCount(weekStart: Date(timeIntervalSince1970: 1_795_968_000), count: 3),  // Monday 2026-11-30
        WeekCount(weekStart: Date(timeIntervalSince1970: 1_795_363_200), count: 0),
    ]

    static func historyPage(older: Int64?) -> HistoryPage {
        HistoryPage(
            lines: [
                line(.login, detail: ["claims_released": .strings(["age_over_18", "name"])]),
                line(
                    .recordAccessed, detail: ["legal_basis": .string("court order 7"), "roles": .strings(["auditor"])]),
                line(.suspend, detail: ["reason": .string("lost phone")]),
                line(.password, detail: ["action": .string("changed")]),
                line(.enrollment, detail: [:]),
            ], olderCursor: older, hasNewer: true)
    }

    static func line(_ event: HistoryEvent, detail: [String: JSONValue]) -> HistoryView {
        HistoryView(
            id: 1, event: event.rawValue, outcome: "success", clientID: event == .login ? "c_abc" : nil,
            clientName: event == .login ? "Shop" : nil, detail: detail, occurredAt: now)
    }

    static func login(clientID: String, name: String) -> LoginStart {
        LoginStart(
            transactionID: "tx", walletURI: "cyberid://login?iss=x&t=y&r=REQ", qrURI: "cyberid://login?qt=0",
            matchNumber: 42,
            requestToken: "REQ", browserSecret: "secret", expiresAt: now, clientName: name, claims: ["age_over_18"],
            clientID: clientID)
    }

    // MARK: Helpers

    /// The catalogue keys a template reads: `{{t.KEY}}` and `{{{t.KEY}}}` (and the login page's
    /// language layer, `[[t.KEY]]`).
    static func catalogueKeys(in template: String) -> Set<String> {
        var keys = Set<String>()
        for open in ["{{t.", "[[t."] {
            var rest = Substring(template)
            while let start = rest.range(of: open) {
                let key = rest[start.upperBound...].prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                keys.insert(String(key))
                rest = rest[start.upperBound...]
            }
        }
        return keys
    }

    static func between(_ text: String, _ open: String, _ close: String) -> String? {
        guard let start = text.range(of: open), let end = text.range(of: close, range: start.upperBound..<text.endIndex)
        else { return nil }
        return String(text[start.upperBound..<end.lowerBound])
    }

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
}
