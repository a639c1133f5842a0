import CyberIDCore
import CyberIDStore
import CyberIDWeb
import Foundation
import Testing

@testable import CyberIDKeys
@testable import CyberIDProvider
@testable import CyberIDServer
@testable import CyberIDServices

/// The console's administration pages (issue 15): platforms, policy, trust store, keys,
/// statistics and the audit filter — their ids, what each role is offered, the marks on what
/// ends soon, and that statistics hold counts only. (Common checks — one h1, no duplicate id,
/// nothing the CSP blocks — run on them through `ConsolePagesTests.everyPage`.)
@Suite struct ConsoleAdminPagesTests {
    let pages = ConsolePages()
    let base = ConsolePagesTests()
    static let now = ConsolePagesTests.now

    static let clients = [
        Client(
            id: "c_bank", name: "Bank <One>",
            metadata: ClientMetadata(
                redirectURIs: ["https://bank.example/cb"], sector: "bank.example", scopes: [.openid, .age, .realname],
                legalBasis: "AML law", authMethod: .clientSecretBasic, strict: false,
                eventsURI: "https://bank.example/events"),
            secretHash: [1], disabled: false, createdAt: now),
        Client(
            id: "c_shop", name: "Shop",
            metadata: ClientMetadata(
                redirectURIs: ["https://shop.example/cb"], sector: "shop.example", scopes: [.openid, .age],
                authMethod: .clientSecretBasic, strict: false),
            secretHash: [2], disabled: true, createdAt: now),
    ]
    static let delivery = [
        DeliveryStatusRecord(clientID: "c_bank", delivered: 12, waiting: 1, lastDeliveredAt: now, lastError: "HTTP 503")
    ]
    static let anchors = [
        TrustAnchorView(
            kind: .crl, fingerprint: String(repeating: "ab", count: 32), label: "CN=CSCA France", country: "FR",
            until: now - 60, addedAt: now, expiringSoon: false, expired: true),
        TrustAnchorView(
            kind: .csca, fingerprint: String(repeating: "cd", count: 32), label: "CN=CSCA France", country: "FR",
            until: now + 30 * 86_400, addedAt: now, expiringSoon: true, expired: false),
        TrustAnchorView(
            kind: .csca, fingerprint: String(repeating: "ef", count: 32), label: "CN=CSCA China", country: "CN",
            until: now + 3_000 * 86_400, addedAt: now, expiringSoon: false, expired: false),
    ]
    static let signingKeys = [
        SigningKeySet.Summary(kid: "k2", createdAt: now, retiredAt: nil, publishUntil: nil),
        SigningKeySet.Summary(kid: "k1", createdAt: now - 86_400, retiredAt: now, publishUntil: now + 86_400),
    ]
    static let authorities = [
        AuthorityView(name: "root", subject: "CN=CyberID Root", serial: "01", notAfter: now + 3_650 * 86_400),
        AuthorityView(name: "issuing", subject: "CN=CyberID Issuing", serial: "02", notAfter: now + 1_000 * 86_400),
    ]
    static let statistics = ConsoleStatistics(
        days: (0..<30).map { now - Double(29 - $0) * 86_400 }, enrollments: Array(repeating: 1, count: 30),
        logins: (0..<30).map { $0 }, refusals: Array(repeating: 0, count: 29) + [4],
        activePersons: Array(repeating: 2, count: 30),
        refusalReasons: [NamedCount(name: "declined", count: 3), NamedCount(name: "wrong-match-number", count: 1)],
        platforms: [NamedCount(name: "Bank <One>", count: 9)], personsByState: [NamedCount(name: "active", count: 7)])

    /// Every administration page with sample data, for `ConsolePagesTests.everyPage`.
    static func pages(_ language: Language, _ frame: (ConsolePage) -> ConsoleFrame) -> [(name: String, html: String)] {
        let pages = ConsolePages()
        let audit = AuditFilter(actor: "Ada", action: "client.", from: "2026-12-01", to: "2026-12-02")
        return [
            ("platforms", pages.platforms(frame(.platforms), clients: clients, delivery: delivery)),
            (
                "platforms-registered",
                pages.platforms(frame(.platforms), clients: clients, delivery: [], registered: ("c_new", "New", "s3cr3t"))
            ),
            ("platforms-problem", pages.platforms(frame(.platforms), clients: [], delivery: [], problem: "bad <uri>")),
            ("platform-edit", pages.platformEdit(frame(.platforms), client: clients[0])),
            ("policy", pages.policy(frame(.policy), intervals: [("*", 30 * 86_400, now), ("c_bank", 43_200, now)], clients: clients)),
            ("trust", pages.trust(frame(.trust), anchors: anchors)),
            ("keys", pages.keys(frame(.keys), signingKeys: signingKeys, authorities: authorities, masterKeys: [])),
            ("statistics", pages.statistics(frame(.statistics), statistics)),
            ("audit-filtered", pages.audit(frame(.audit), entries: [], verification: nil, filter: audit, total: 0)),
        ]
    }

    static let every: Set<OperatorRole> = Set(OperatorRole.allCases)

    func page(_ name: String, _ roles: Set<OperatorRole>, _ language: Language = .en) -> String {
        Self.pages(language) { base.frame(language, $0, roles: roles) }.first { $0.name == name }!.html
    }

    @Test func theNavigationNamesEveryAreaTheRolesAllow() {
        let cases: [(Set<OperatorRole>, [String])] = [
            ([.platforms], ["nav-pending", "nav-platforms", "nav-policy"]),
            ([.registrar], ["nav-pending", "nav-trust"]),
            ([.keys], ["nav-pending", "nav-keys"]),
            (
                [.auditor],
                [
                    "nav-persons", "nav-pending", "nav-operators", "nav-platforms", "nav-trust", "nav-keys", "nav-policy",
                    "nav-audit", "nav-statistics",
                ]
            ),
            ([.admin], ["nav-pending", "nav-operators", "nav-audit", "nav-statistics"]),
        ]
        let all = ConsolePages.navItems.map(\.id)
        for (roles, shown) in cases {
            let html = pages.home(base.frame(.en, .home, roles: roles), pendingCount: 0)
            #expect(all.filter { html.contains("id=\"\($0)\"") } == shown, "\(roles)")
        }
        let zh = pages.home(base.frame(.zhCN, .home, roles: [.auditor]), pendingCount: 0)
        for word in ["平台", "信任库", "密钥", "策略", "统计"] { #expect(zh.contains(">\(word)<"), "\(word)") }
    }

    @Test func formsAreOfferedOnlyToTheRolesThatChange() {
        let forms: [(page: String, id: String, role: OperatorRole)] = [
            ("platforms", "register-form", .platforms), ("platforms", "disable-1", .platforms),
            ("platforms", "edit-2", .platforms), ("policy", "policy-form", .platforms), ("policy", "clear-1", .platforms),
            ("trust", "trust-form", .registrar), ("trust", "remove-3", .registrar), ("keys", "rotate-form", .keys),
        ]
        for form in forms {
            #expect(page(form.page, [form.role]).contains("id=\"\(form.id)\""), "\(form)")
            // The auditor reads the same page without it, and so does every other role.
            let others = Self.every.subtracting([form.role])
            #expect(!page(form.page, others).contains("id=\"\(form.id)\""), "\(form)")
        }
        #expect(page("trust", [.auditor]).contains("id=\"trust-anchors\"") && page("keys", [.auditor]).contains("id=\"signing-keys\""))
    }

    @Test func platformsShowDeliveryTheSecretOnceAndWhatCannotChange() {
        let list = page("platforms", [.platforms])
        #expect(list.contains("Bank &lt;One&gt;") && !list.contains("Bank <One>"))
        #expect(list.contains("id=\"platform-delivery-1\">12 delivered, 1 waiting · last "))
        #expect(list.contains("Last error: <code>HTTP 503</code>") && list.contains("id=\"platform-delivery-2\">No event within the retention period"))
        #expect(list.contains("id=\"platform-state-2\">Disabled") && list.contains("value=\"0\"><button id=\"disable-2\""))
        #expect(list.contains("href=\"/console/platforms/edit?id=c_shop\"") && !list.contains("id=\"client-secret\""))
        let registered = page("platforms-registered", [.platforms])
        #expect(registered.contains("<code id=\"client-secret\" class=\"number\">s3cr3t</code>"))
        #expect(registered.contains("id=\"secret-once\"") && registered.contains("<code id=\"client-id\">c_new</code>"))
        let problem = page("platforms-problem", [.platforms])
        #expect(problem.contains("role=\"alert\"") && problem.contains("<code>bad &lt;uri&gt;</code>"))
        let edit = page("platform-edit", [.platforms])
        #expect(edit.contains("value=\"AML law\"") && edit.contains("value=\"https://bank.example/events\""))
        #expect(edit.contains("<code>bank.example</code>") && edit.contains("action=\"/console/platforms/change\""))
        let policy = page("policy", [.platforms])
        #expect(policy.contains("id=\"policy-days-1\">30<") && policy.contains("id=\"policy-days-2\">0.50<"))
        #expect(policy.contains("<td>Every platform</td>") && policy.contains("<option value=\"c_bank\">"))
    }

    @Test func theTrustStoreMarksWhatEndsSoonInWordsAndColour() {
        let html = page("trust", [.registrar])
        #expect(html.contains("<tr id=\"anchor-1\" class=\"alert\">") && html.contains("<strong>Update overdue</strong>"))
        #expect(html.contains("<tr id=\"anchor-2\" class=\"alert\">") && html.contains("<strong>Expires soon</strong>"))
        #expect(html.contains("<tr id=\"anchor-3\">") && html.contains("id=\"anchor-status-3\">Valid<"))
        #expect(html.contains("<td>FR</td>") && html.contains("value=\"\(String(repeating: "cd", count: 16))\""))
        let zh = page("trust", [.auditor], .zhCN)
        #expect(zh.contains("即将到期") && zh.contains("更新已逾期") && !zh.contains("id=\"trust-form\""))
    }

    @Test func keysShowIdentifiersAndDatesNeverAKey() {
        let html = page("keys", [.keys])
        #expect(html.contains("<code>k2</code></td><td>Active</td>") && html.contains("<code>k1</code></td><td>Retired</td>"))
        #expect(html.contains("<td>Root CA</td><td>CN=CyberID Root</td>") && html.contains("id=\"keys-offline\""))
        #expect(html.contains("<input type=\"hidden\" name=\"action\" value=\"rotate-signing-key\">"))
        #expect(html.contains("action=\"/console/requests\"") && html.contains("No master-key generation is recorded."))
    }

    @Test func statisticsAreChartsWithTheirNumbersAndCountsOnly() {
        let html = page("statistics", [.auditor])
        for id in ["enrollments", "logins", "refusals", "active"] {
            #expect(html.contains("<svg") && html.contains("aria-labelledby=\"chart-\(id)-title chart-\(id)-desc\""), "\(id)")
            #expect(html.contains("id=\"table-\(id)\""), "\(id)")
        }
        #expect(ConsolePagesTests.count("<svg", in: html) == 4 && ConsolePagesTests.count("<rect", in: html) == 120)
        #expect(html.contains("id=\"total-logins\">435<") && html.contains("id=\"total-refusals\">4<"))
        #expect(html.contains("<td>Declined by the person</td><td>3</td>") && html.contains("<td>Wrong matching number</td><td>1</td>"))
        #expect(html.contains("<td>Bank &lt;One&gt;</td><td>9</td>") && html.contains("<td>Active</td><td>7</td>"))
        #expect(ConsolePagesTests.duplicateIDs(html) == [])
    }

    @Test func theAuditFilterKeepsWhatWasTyped() {
        let html = page("audit-filtered", [.auditor])
        #expect(html.contains("<form id=\"audit-filter\" method=\"post\" action=\"/console/audit\">"))
        #expect(html.contains("id=\"filter-actor\" name=\"actor\" type=\"text\" value=\"Ada\""))
        #expect(html.contains("value=\"client.\"") && html.contains("value=\"2026-12-01\"") && html.contains("value=\"2026-12-02\""))
        #expect(html.contains("Showing 0 of 0 matching entries.") && html.contains("href=\"/console/audit/checkpoint\" download"))
        // The database matches (AuditStoreTests); the filter only passes what was typed on.
        #expect(
            AuditFilter(actor: "ada", action: "client.").query(from: Self.now, until: nil)
                == AuditQuery(actorContains: "ada", actionPrefix: "client.", from: Self.now))
    }
}
