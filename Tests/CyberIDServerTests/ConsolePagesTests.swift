import CyberIDCore
import CyberIDStore
import CyberIDWeb
import Foundation
import Testing

@testable import CyberIDServer
@testable import CyberIDServices

/// The operator console's pages as HTML (issue 15): every word in both catalogues, the element
/// ids the browser tests use, navigation and forms only as the roles allow, escaping, and nothing
/// the CSP would block (routes and sessions are tested elsewhere, the pages in a browser with axe).
@Suite struct ConsolePagesTests {
    let pages = ConsolePages()
    static let zone = TimeZone(identifier: "Asia/Shanghai")!
    /// 2026-12-02 16:05 in Shanghai.
    static let now = Date(timeIntervalSince1970: 1_796_198_700)
    /// Valid numbers (any will do: the pages only format them).
    static let number = NetworkNumber.generate().canonical
    static let formatted = try! NetworkNumber(parsing: number).formatted
    static let otherNumber = NetworkNumber.generate().canonical

    // MARK: Words

    @Test func everyKeyATemplateUsesIsInBothCatalogues() {
        var used = Set<String>()
        for (name, text) in ConsoleTemplates.all {
            let keys = PortalPagesTests.catalogueKeys(in: text)
            #expect(!keys.isEmpty, "\(name) uses no catalogue key")
            used.formUnion(keys)
        }
        for language in Language.allCases {
            let strings = Catalogue.standard.dictionary(for: language)
            #expect(used.filter { strings[$0] == nil }.sorted() == [], "\(language)")
        }
    }

    /// The keys the pages build from names (roles, actions, refusals, states, statuses…) and the
    /// keys the routes pass (flash, errors, record fields).
    @Test func everyKeyThePagesBuildIsInBothCatalogues() {
        var keys = OperatorRole.allCases.map { "role_" + $0.rawValue }
        keys += OperatorAction.allCases.map { PortalPages.key("action_", $0.rawValue) }
        keys += ConsolePages.refusalReasons.map { PortalPages.key("console_refused_", $0) }
        keys += ConsolePages.navItems.map { PortalPages.key("console_home_", $0.page.rawValue) }
        keys += ConsolePages.lifecycleActs.map { "console_do_" + $0.rawValue }
        keys += LifecycleActor.allCases.map { "console_actor_" + $0.rawValue }
        keys += ["pending", "approved", "refused", "executed", "expired"].map { "console_status_" + $0 }
        keys += ["active", "retired"].map { "console_number_" + $0 }
        keys += ["forbidden", "not_allowed", "not_found", "bad_request", "unavailable", "server", "status"]
            .map { "console_error_" + $0 } + ["console_error_reapprove"]
        keys += ["applied", "requested", "approved", "refused", "granted", "grant_requested", "revoked", "carried_out"]
            .map { "console_flash_" + $0 }
        keys += Self.recordFields.map(\.key)
        keys += [
            "console_signed_in_as", "console_person_not_found", "console_revoke_role", "console_open_record",
            "console_carry_out", "console_home_pending_count", "console_audit_verified", "console_audit_broken",
        ]
        keys += LifecycleEvent.allCases.map { "event_" + $0.rawValue }
        for language in Language.allCases {
            let strings = Catalogue.standard.dictionary(for: language)
            #expect(keys.filter { strings[$0] == nil } == [], "\(language)")
        }
        #expect(Catalogue.standard.missingKeys.isEmpty && Catalogue.standard.placeholderMismatches.isEmpty)
    }

    /// The words issue 15 names, as they appear on the pages.
    @Test func navigationAndButtonsInPlainWords() {
        let zh = everyPage(.zhCN).map(\.html).joined()
        for word in ["人员", "待审批", "操作员", "审计", "查询", "授予", "批准", "拒绝", "验证", "CyberID 管理控制台"] {
            #expect(zh.contains(word), "\(word)")
        }
        let en = everyPage(.en).map(\.html).joined()
        for word in ["Persons", "Pending", "Operators", "Audit", "Look up", "Grant", "Approve", "Refuse", "Verify"] {
            #expect(en.contains(">\(word)<"), "\(word)")
        }
        #expect(en.contains("<title>Persons · CyberID console</title>"))
        #expect(en.contains("Signed in as Ada Admin (support, records, auditor, admin)"))
        #expect(zh.contains("当前登录：Ada Admin（客服、档案、审计员、管理员）"))
        let html = pages.audit(frame(.en, .audit, roles: [.auditor]), entries: [], verification: nil)
        #expect(html.contains(#"hreflang="zh-CN" href="/language/zh-CN?next=/console/audit""#))
        #expect(html.contains(#"id="lang-en" lang="en" hreflang="en" href="/language/en?next=/console/audit""#))
        #expect(html.contains(#"<a id="nav-audit" href="/console/audit" aria-current="page">Audit</a>"#))
        #expect(html.contains(#"<a id="nav-pending" href="/console/pending">Pending</a>"#))
    }

    // MARK: Pages and their ids

    @Test(arguments: Language.allCases)
    func everyPageRendersWithItsIDs(_ language: Language) {
        let r = Self.requestID
        let expected: [String: [String]] = [
            "sign-in": ["console-sign-in", "lang-zh", "lang-en", "main"],
            "refused": ["console-refused", "console-sign-in", "refused-reason", "portal"],
            "home": ["pending-count", "pending-link", "nav-persons", "nav-pending", "nav-operators", "nav-audit"],
            "persons": [
                "person-lookup", "lookup-number", "look-up", "person-state", "person-number-status", "person-level",
                "person-certificates", "person-events", "person-action", "action-event", "action-reason",
                "action-submit", "person-cancel", "cancel-reason", "request-cancel", "record-request", "legal-basis",
                "request-record", "flash", "sign-out",
            ],
            "persons-unknown": ["person-lookup", "person-not-found"],
            "pending": [
                "pending-requests", "request-\(r)", "approve-\(r)", "refuse-\(r)", "decide-reason-\(r)",
                "request-fe_mine", "open-fe_mine",
            ],
            "pending-empty": ["no-requests"],
            "operators": [
                "operators", "revoke-1-support", "revoke-1-admin", "revoke-2-records", "grant-form", "grant-number",
                "grant-name", "grant-role", "grant",
            ],
            "audit": ["audit-verify", "verify", "audit-verification", "audit-entries"],
            "record": ["record", "record-warning", "record-basis", "record-number"],
            "signed-out": ["console-sign-in"], "error": ["error-message", "home"],
        ]
        for (name, html) in everyPage(language) {
            #expect(html.hasPrefix("<!doctype html>\n<html lang=\"\(language.rawValue)\">"), "\(name)")
            #expect(html.contains("<main id=\"main\">") && html.contains("href=\"#main\""), "\(name)")
            #expect(Self.count("<h1", in: html) == 1, "\(name): one h1")
            #expect(html.contains("href=\"/language/zh-CN?next=") && html.contains("href=\"/language/en?next="))
            for id in expected[name] ?? [] {
                #expect(html.contains("id=\"\(id)\""), "\(name) lacks #\(id)")
            }
            #expect(Self.duplicateIDs(html) == [], "\(name)")
        }
    }

    // MARK: Roles

    @Test func theNavigationShowsOnlyWhatTheRolesAllow() {
        let cases: [(Set<OperatorRole>, [String])] = [
            ([.support], ["nav-persons", "nav-pending"]),
            ([.records], ["nav-persons", "nav-pending"]),
            ([.auditor], ["nav-persons", "nav-pending", "nav-operators", "nav-audit"]),
            ([.admin], ["nav-pending", "nav-operators", "nav-audit"]),
            ([.keys], ["nav-pending"]),
            ([], []),
        ]
        let all = ["nav-persons", "nav-pending", "nav-operators", "nav-audit"]
        for (roles, shown) in cases {
            let html = pages.home(frame(.en, .home, roles: roles), pendingCount: 3)
            for id in all {
                #expect(html.contains("id=\"\(id)\"") == shown.contains(id), "\(roles): \(id)")
            }
            #expect(html.contains("id=\"sign-out\"") && html.contains("action=\"/console/signout\""))
        }
        let support = pages.home(frame(.en, .home, roles: [.support]), pendingCount: 3)
        #expect(support.contains("Requests waiting for a decision: 3."))
        #expect(support.contains("suspend, resume, restrict or lift") && !support.contains("verify its hash chain"))
    }

    @Test func actionFormsAppearOnlyForTheirRoles() {
        func persons(_ roles: Set<OperatorRole>) -> String {
            pages.persons(frame(.en, .persons, roles: roles), lookedUp: Self.number, summary: Self.summary)
        }
        let support = persons([.support])
        #expect(support.contains("id=\"person-action\"") && support.contains("id=\"person-cancel\""))
        #expect(!support.contains("id=\"record-request\""))
        let records = persons([.records])
        #expect(records.contains("id=\"record-request\"") && !records.contains("id=\"person-action\""))
        #expect(!records.contains("id=\"person-cancel\""))
        let auditor = persons([.auditor])
        #expect(auditor.contains("id=\"person-state\"") && !auditor.contains("id=\"person-action\""))
        #expect(!auditor.contains("id=\"record-request\""))

        let rows = [(name: "Bo", networkNumber: Optional(Self.number), roles: [OperatorRole.support])]
        let admin = pages.operators(frame(.en, .operators, roles: [.admin]), operators: rows)
        #expect(admin.contains("id=\"grant-form\"") && admin.contains("id=\"revoke-1-support\""))
        let watcher = pages.operators(frame(.en, .operators, roles: [.auditor]), operators: rows)
        #expect(!watcher.contains("id=\"grant-form\"") && !watcher.contains("id=\"revoke-1-support\""))
        #expect(watcher.contains(Self.formatted) && watcher.contains("<td>support</td>"))
    }

    // MARK: Page contents

    @Test func thePersonsPageShowsTheSummaryAndPostsTheNumber() {
        let html = pages.persons(
            frame(.en, .persons, roles: [.support, .records]), lookedUp: Self.number.lowercased(),
            summary: Self.summary)
        #expect(html.contains("<form id=\"person-lookup\" method=\"post\" action=\"/console/persons/lookup\">"))
        #expect(html.contains("id=\"lookup-number\" name=\"number\"") && html.contains("value=\"\(Self.formatted)\""))
        #expect(html.contains("<label for=\"lookup-number\">Network number</label>"))
        #expect(html.contains("never searches by name") && !html.contains("method=\"get\""))
        #expect(html.contains("id=\"person-state\"><strong>Cancelled</strong>"))
        #expect(html.contains("Retired (cancelled, never reused)") && html.contains("High (document chip"))
        #expect(html.contains("<code>0a1b</code></td><td>Revoked</td>"))
        #expect(html.contains("Active → Suspended") && html.contains("An operator") && html.contains("lost phone"))
        #expect(html.contains("<input type=\"hidden\" name=\"number\" value=\"\(Self.number)\">"))
        #expect(html.contains("<option value=\"lift\">Lift the restriction</option>"))
        #expect(html.contains("<input type=\"hidden\" name=\"action\" value=\"cancel-person\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"action\" value=\"read-record\">"))
        #expect(html.contains("<label for=\"legal-basis\">Legal basis</label>"))
        #expect(html.contains("id=\"legal-basis\" name=\"reason\" type=\"text\" required"))
        #expect(html.contains("id=\"cancel-reason\" name=\"reason\" type=\"text\" required"))
        #expect(html.contains("Ask to read the identity record (needs a second records operator)"))

        let unknown = pages.persons(frame(.zhCN, .persons, roles: [.support]), lookedUp: Self.number, summary: nil)
        #expect(unknown.contains("id=\"person-not-found\"") && unknown.contains("从未签发过网号 \(Self.formatted)"))
        #expect(!unknown.contains("id=\"person-action\""))
        let empty = pages.persons(frame(.en, .persons, roles: [.support]), lookedUp: nil, summary: nil)
        #expect(!empty.contains("id=\"person-not-found\"") && !empty.contains("id=\"person-state\""))
    }

    @Test func thePendingPageOffersOnlyTheOperatorsDecisions() {
        let html = pages.pending(frame(.en, .pending, roles: [.records]), requests: Self.requests)
        let r = Self.requestID
        #expect(html.contains("<tr id=\"request-\(r)\">") && html.contains("Read an identity record"))
        #expect(html.contains("<span class=\"number\">\(Self.formatted)</span>") && html.contains("court order 7"))
        #expect(html.contains("<form method=\"post\" action=\"/console/requests/decide\">"))
        #expect(html.contains("<input type=\"hidden\" name=\"id\" value=\"\(r)\">"))
        #expect(html.contains("<button id=\"approve-\(r)\" type=\"submit\" name=\"decision\" value=\"approve\""))
        #expect(html.contains(#"id="refuse-\#(r)" class="danger" type="submit" name="decision" value="refuse""#))
        #expect(html.contains("<label for=\"decide-reason-\(r)\">"))
        #expect(html.contains("action=\"/console/requests/open\"") && html.contains(">Show the record</button>"))
        #expect(html.contains(">Carry out</button>") && html.contains("Grant or revoke admin or records"))
        #expect(html.contains("<br>records</td>") && html.contains("Waiting for approval") && html.contains("Approved"))
        #expect(!html.contains("id=\"approve-fe_mine\"") && !html.contains("id=\"open-\(r)\""))
        #expect(html.contains("within 24 hours"))
        let empty = pages.pending(frame(.zhCN, .pending, roles: [.support]), requests: [])
        #expect(empty.contains("id=\"no-requests\"") && !empty.contains("id=\"pending-requests\""))
    }

    @Test func theAuditAndRecordPages() {
        let audit = pages.audit(
            frame(.en, .audit, roles: [.auditor]), entries: Self.entries, verification: "The audit log verifies.")
        #expect(audit.contains("<form id=\"audit-verify\" method=\"post\" action=\"/console/audit/verify\">"))
        #expect(audit.contains("<p id=\"audit-verification\" role=\"status\">The audit log verifies.</p>"))
        #expect(audit.contains("<td>2</td>") && audit.contains("<code class=\"action\">person.suspend</code>"))
        let (first, second) = (audit.range(of: "<td>2</td>")!, audit.range(of: "<td>1</td>")!)
        #expect(first.lowerBound < second.lowerBound, "newest first as given")
        let unverified = pages.audit(frame(.en, .audit, roles: [.admin]), entries: [], verification: nil)
        #expect(!unverified.contains("id=\"audit-verification\""))

        let record = pages.record(
            frame(.zhCN, .record, roles: [.records]), request: Self.requests[1], fields: Self.recordFields)
        #expect(record.contains("<h1>身份档案</h1>") && record.contains("<th scope=\"row\">姓</th><td>ZHANG</td>"))
        #expect(record.contains("id=\"record-basis\">court order 7</dd>") && record.contains("历史记录"))
        let english = pages.record(
            frame(.en, .record, roles: [.records]), request: Self.requests[1], fields: Self.recordFields)
        #expect(english.contains("shown to you only") && english.contains("for 15 minutes") && english.contains("<th scope=\"row\">Surname</th>"))
    }

    @Test func refusalsAndErrorsExplainThemselves() {
        let noRole = pages.refused(frame(.en, .refused, signedIn: false), reason: "no-role")
        #expect(noRole.contains("<section id=\"console-refused\"") && noRole.contains("hold no operator role"))
        #expect(noRole.contains("<a id=\"console-sign-in\" class=\"button\" href=\"/console/signin\">"))
        #expect(noRole.contains("href=\"/\"") && !noRole.contains("id=\"sign-out\""))
        let level = pages.refused(frame(.zhCN, .refused, signedIn: false), reason: "level")
        #expect(level.contains("证件芯片、手机和人脸"))
        let unknown = pages.refused(frame(.en, .refused, signedIn: false), reason: "<script>")
        #expect(unknown.contains("The sign-in did not succeed.") && Self.count("<script", in: unknown) == 1)
        let error = pages.error(frame(.en, .error), status: 403, messageKey: "console_error_not_allowed")
        #expect(error.contains("Your roles do not allow this action.") && error.contains("Error 403"))
        let other = pages.error(frame(.zhCN, .error), status: 500, messageKey: "portal_error_forbidden")
        #expect(other.contains("我们这边出了问题"))
        let signIn = pages.signIn(frame(.en, .home, signedIn: false))
        #expect(signIn.contains("<h1>Operator console</h1>") && signIn.contains("level high"))
        #expect(signIn.contains(">Sign in</a>") && !signIn.contains("id=\"nav-pending\""))
    }

    // MARK: Safety

    @Test(arguments: Language.allCases)
    func nothingTheCSPWouldBlockAndNothingFromElsewhere(_ language: Language) throws {
        let policy = ConsolePages.contentSecurityPolicy
        for (name, html) in everyPage(language) {
            #expect(!html.contains("style="), "\(name)")
            #expect(html.range(of: #"\son[a-z]+\s*="#, options: .regularExpression) == nil, "\(name)")
            #expect(
                !html.contains("src=\"http") && !html.contains("href=\"http") && !html.contains("href=\"//"), "\(name)")
            #expect(Self.count("<script", in: html) == 1 && Self.count("<style", in: html) == 1, "\(name)")
            let script = try #require(PortalPagesTests.between(html, "<script>", "</script>"))
            let style = try #require(PortalPagesTests.between(html, "<style>", "</style>"))
            #expect(policy.scriptHashes == [ContentSecurityPolicy.source(script)], "\(name)")
            #expect(policy.styleHashes == [ContentSecurityPolicy.source(style)], "\(name)")
        }
        // The script is the portal's: one hash for both.
        #expect(policy.scriptHashes == PortalPages.contentSecurityPolicy.scriptHashes)
        #expect(ConsoleTemplates.style.hasPrefix(PortalTemplates.style) && !ConsoleTemplates.style.contains("url("))
    }

    @Test func whatOperatorsAndPeopleTypedIsEscaped() {
        let evil = "<img src=x onerror=alert(1)>"
        let escaped = "&lt;img src=x onerror=alert(1)&gt;"
        var f = frame(.en, .pending, roles: [.records])
        f.operatorName = evil
        var request = Self.requests[0]
        request.reason = evil
        request.requesterName = "\"><script>"
        let pending = pages.pending(f, requests: [request])
        #expect(pending.contains(escaped) && !pending.contains("<img"))
        #expect(pending.contains("&quot;&gt;&lt;script&gt;") && Self.count("<script", in: pending) == 1)

        let record = pages.record(f, request: request, fields: [("console_record_surname", evil)])
        #expect(record.contains("<td>\(escaped)</td>") && !record.contains("<img"))
        let entry = AuditEntryRecord(
            seq: 1, occurredAt: Self.now, actor: evil, action: "record.read", target: evil, reason: evil,
            previousHash: [], entryHash: [])
        let audit = pages.audit(frame(.en, .audit, roles: [.auditor]), entries: [entry], verification: evil)
        #expect(!audit.contains("<img") && audit.contains("role=\"status\">\(escaped)</p>"))
        let rows = [(name: evil, networkNumber: Optional(evil), roles: [OperatorRole.admin])]
        let operators = pages.operators(frame(.en, .operators, roles: [.admin]), operators: rows)
        #expect(!operators.contains("<img") && operators.contains(escaped))
        var summary = Self.summary
        summary.events[0].reason = evil
        let persons = pages.persons(frame(.en, .persons, roles: [.support]), lookedUp: evil, summary: summary)
        #expect(!persons.contains("<img") && persons.contains(escaped))
    }

    // MARK: Samples

    func frame(
        _ language: Language, _ page: ConsolePage, signedIn: Bool = true, roles: Set<OperatorRole> = [],
        flash: String? = nil
    ) -> ConsoleFrame {
        ConsoleFrame(
            language: language, csrf: signedIn ? "csrf-token-123" : nil, page: page, flash: flash, zone: Self.zone,
            operatorName: signedIn ? "Ada Admin" : nil, roles: signedIn ? roles : [])
    }

    /// Every page, with sample data, by name; the operator holds every role the pages use.
    func everyPage(_ language: Language) -> [(name: String, html: String)] {
        let all: Set<OperatorRole> = [.support, .records, .auditor, .admin]
        let operators: [ConsolePages.OperatorRow] = [
            ("Ada Admin", Self.number, [.admin, .support]), ("Bo Records", Self.otherNumber, [.records]),
            ("Retired", nil, []),
        ]
        func on(_ page: ConsolePage) -> ConsoleFrame { frame(language, page, roles: all) }
        let applied = frame(language, .persons, roles: all, flash: "console_flash_applied")
        return [
            ("sign-in", pages.signIn(frame(language, .home, signedIn: false))),
            ("refused", pages.refused(frame(language, .refused, signedIn: false), reason: "no-role")),
            ("home", pages.home(on(.home), pendingCount: 2)),
            ("persons", pages.persons(applied, lookedUp: Self.number, summary: Self.summary)),
            ("persons-unknown", pages.persons(on(.persons), lookedUp: "X", summary: nil)),
            ("pending", pages.pending(on(.pending), requests: Self.requests)),
            ("pending-empty", pages.pending(on(.pending), requests: [])),
            ("operators", pages.operators(on(.operators), operators: operators)),
            ("audit", pages.audit(on(.audit), entries: Self.entries, verification: "ok")),
            ("record", pages.record(on(.record), request: Self.requests[1], fields: Self.recordFields)),
            ("signed-out", pages.signedOut(frame(language, .signedOut, signedIn: false))),
            ("error", pages.error(frame(language, .error), status: 404, messageKey: "console_error_not_found")),
        ] + ConsoleAdminPagesTests.pages(language) { frame(language, $0, roles: ConsoleAdminPagesTests.every) }
    }

    static let requestID = "fe_AbC-12_x"
    static let requests = [
        ConsoleRequest(
            id: requestID, action: "read-record", target: number, reason: "court order 7", requesterName: "Bo Records",
            requestedAt: now, status: "pending", deciderName: nil, canDecide: true, canCarryOut: false),
        ConsoleRequest(
            id: "fe_mine", action: "read-record", target: number, reason: "court order 7", requesterName: "Ada Admin",
            requestedAt: now, status: "approved", deciderName: "Bo Records", canDecide: false, canCarryOut: true),
        ConsoleRequest(
            id: "fe_grant", action: "grant-sensitive-role", target: otherNumber + ":records", reason: "new colleague",
            requesterName: "Ada Admin", requestedAt: now, status: "approved", deciderName: "Cy Admin",
            canDecide: false, canCarryOut: true),
    ]

    static let summary = PersonSummary(
        personID: "p_1", state: .cancelled, numberStatus: "retired", level: .high,
        certificates: [
            NetworkCertificateRecord(
                serial: "0a1b", personID: "p_1", networkNumber: number, der: [], status: .revoked,
                notAfter: now.addingTimeInterval(86_400 * 300), issuedAt: now)
        ],
        events: [event("suspend", .active, .suspended, "lost phone"), event("cancel", .suspended, .cancelled, "death")])

    static func event(_ name: String, _ from: PersonState, _ to: PersonState, _ why: String) -> LifecycleEventRecord {
        LifecycleEventRecord(
            personID: "p_1", event: name, from: from, to: to, actor: "administrator", reason: why, occurredAt: now)
    }

    static let entries = [(2, "Ada Admin", "person.suspend", "lost phone"), (1, "Bo", "operator.grant", "")].map {
        AuditEntryRecord(
            seq: Int64($0.0), occurredAt: ConsolePagesTests.now, actor: $0.1, action: $0.2, target: "p_1",
            reason: $0.3, previousHash: [], entryHash: [])
    }

    static let recordFields: [(key: String, value: String)] = [
        ("surname", "ZHANG"), ("given_names", "SAN"), ("birth_date", "1990-01-02"), ("nationality", "CHN"),
        ("sex", "M"), ("document_number", "E12345678"), ("document_expiry", "2030-01-01"),
        ("personal_number", "110101199001020000"), ("phone", "+86 138 0000 0000"),
    ].map { ("console_record_" + $0.0, $0.1) }

    // MARK: Helpers

    static func count(_ needle: String, in text: String) -> Int { text.components(separatedBy: needle).count - 1 }
    /// Element ids that occur more than once.
    static func duplicateIDs(_ html: String) -> [String] {
        var seen = [String: Int]()
        var rest = Substring(html)
        while let start = rest.range(of: " id=\"") {
            let id = rest[start.upperBound...].prefix { $0 != "\"" }
            seen[String(id), default: 0] += 1
            rest = rest[start.upperBound...]
        }
        return seen.filter { $0.value > 1 }.keys.sorted()
    }
}
