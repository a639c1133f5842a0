import CyberIDCore
import CyberIDServices
import CyberIDWeb
import Foundation
import Mustache

/// The operator console's pages (issue 15): each view model turned into a Mustache context and
/// rendered, in the operator's language and time zone, into the console's layout.
///
/// Built like ``PortalPages``: every word comes from the catalogue (`t` in the templates,
/// ``text(_:_:_:)`` here), every value — names, reasons, legal bases, record fields — is escaped
/// by Mustache (`{{…}}`); only the layout's constants and the page body are inserted raw. The
/// navigation and the action forms show only what the operator's roles allow
/// (``OperatorRules/allows(_:_:)``); the routes check again, this is not the enforcement.
struct ConsolePages: Sendable {
    private let library: MustacheLibrary
    let catalogue = Catalogue.standard

    /// The CSP of every console page (the layout's one inline `<style>` and one inline `<script>`,
    /// by hash; the script is the portal's).
    static let contentSecurityPolicy = ContentSecurityPolicy(
        inlineScripts: [ConsoleTemplates.script], inlineStyles: [ConsoleTemplates.style])

    init() {
        var library = MustacheLibrary()
        for (name, text) in ConsoleTemplates.all {
            // Constants: a parse failure is a programming error the tests catch.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        self.library = library
    }

    /// `/console` signed out: who the console is for and the way in.
    func signIn(_ frame: ConsoleFrame) -> String {
        render("sign-in", frame, title: text("console_heading", frame.language))
    }

    /// The reasons a console sign-in is refused that the page explains; any other is `failed`.
    static let refusalReasons: Set<String> = [
        "no-role", "level", "denied", "inactive", "reverify", "expired", "state", "failed",
    ]

    /// The console refused the sign-in (403): why (`console_refused_<reason>`, `-` written `_`),
    /// a way to try again and the way to the portal.
    func refused(_ frame: ConsoleFrame, reason: String) -> String {
        let known = Self.refusalReasons.contains(reason) ? reason : "failed"
        return render(
            "refused", frame, title: text("console_refused_title", frame.language),
            ["reasonText": text(PortalPages.key("console_refused_", known), frame.language)])
    }

    /// `/console` signed in: what each area the roles allow is for, and how many requests wait.
    func home(_ frame: ConsoleFrame, pendingCount: Int) -> String {
        let language = frame.language
        let areas: [[String: Any]] = Self.navigation(frame.roles).map { item -> [String: Any] in
            [
                "areaHref": item.page.path, "areaLabel": text(item.key, language),
                "areaText": text(PortalPages.key("console_home_", item.page.rawValue), language),
            ]
        }
        let values: [String: Any] = [
            "areas": areas, "hasAreas": !areas.isEmpty,
            "pendingText": text("console_home_pending_count", language, ["count": String(pendingCount)]),
        ]
        return render("home", frame, title: text("console_heading", language), values)
    }

    /// After signing out: the way back in.
    func signedOut(_ frame: ConsoleFrame) -> String {
        render("signed-out", frame, title: text("console_signed_out_title", frame.language))
    }

    /// An error page (`messageKey` is a `console_error_…` key; another becomes `console_error_server`).
    func error(_ frame: ConsoleFrame, status: Int, messageKey: String) -> String {
        let language = frame.language
        let key =
            messageKey.hasPrefix("console_error_") && has(messageKey, language) ? messageKey : "console_error_server"
        let values: [String: Any] = [
            "message": text(key, language),
            "statusText": text("console_error_status", language, ["status": String(status)]),
        ]
        return render("error", frame, title: text("common_error_title", language), values)
    }

    // MARK: Navigation

    /// One navigation item: its element id, catalogue key, page, and the action that shows it
    /// (`nil`: any operator, i.e. any role).
    typealias NavItem = (id: String, key: String, page: ConsolePage, action: OperatorAction?)

    static let navItems: [NavItem] = [
        ("nav-persons", "console_nav_persons", .persons, .lookUpPerson),
        ("nav-pending", "console_nav_pending", .pending, nil),
        ("nav-operators", "console_nav_operators", .operators, .viewOperators),
        ("nav-platforms", "console_nav_platforms", .platforms, .viewPlatforms),
        ("nav-trust", "console_nav_trust", .trust, .viewTrustStore),
        ("nav-keys", "console_nav_keys", .keys, .viewKeys),
        ("nav-policy", "console_nav_policy", .policy, .viewPlatforms),
        ("nav-audit", "console_nav_audit", .audit, .readAudit),
        ("nav-statistics", "console_nav_statistics", .statistics, .viewStatistics),
    ]

    /// The items an operator holding `roles` sees (none without a role).
    static func navigation(_ roles: Set<OperatorRole>) -> [NavItem] {
        guard !roles.isEmpty else { return [] }
        return navItems.filter { item in item.action.map { OperatorRules.allows(roles, $0) } ?? true }
    }

    // MARK: Rendering

    /// A page: its template, then the layout around it.
    /// - Parameters:
    ///   - name: the template (`ConsoleTemplates.all`).
    ///   - title: the page's title, before " · CyberID console".
    ///   - values: the page's own context, beside the frame's.
    func render(_ name: String, _ frame: ConsoleFrame, title: String, _ values: [String: Any] = [:]) -> String {
        var context = frameContext(frame, title: title)
        context.merge(values) { _, page in page }
        context["body"] = library.render(context, withTemplate: name) ?? ""
        return library.render(context, withTemplate: "layout") ?? ""
    }

    /// What the layout needs: words, language, the switch, and (signed in) who, the navigation
    /// and CSRF.
    func frameContext(_ frame: ConsoleFrame, title: String) -> [String: Any] {
        let language = frame.language
        var context: [String: Any] = [
            "t": catalogue.dictionary(for: language), "lang": language.rawValue, "title": title,
            "signedIn": frame.signedIn, "style": ConsoleTemplates.style, "script": ConsoleTemplates.script,
            "languages": Language.allCases.map { other -> [String: Any] in
                [
                    "langID": other == .zhCN ? "lang-zh" : "lang-en", "langCode": other.rawValue,
                    "langHref": "/language/\(other.rawValue)?next=\(frame.page.path)", "langLabel": other.switchLabel,
                    "langCurrent": other == language,
                ]
            },
        ]
        if let csrf = frame.csrf {
            context["csrf"] = csrf
            let nav: [[String: Any]] = Self.navigation(frame.roles).map { item -> [String: Any] in
                [
                    "navID": item.id, "navHref": item.page.path, "navLabel": text(item.key, language),
                    "navCurrent": item.page == frame.page,
                ]
            }
            context["nav"] = nav
            context["hasNav"] = !nav.isEmpty
            if let name = frame.operatorName {
                let roles = frame.roles.isEmpty ? text("common_none", language) : roleList(frame.roles, language)
                context["signedInAs"] = text("console_signed_in_as", language, ["name": name, "roles": roles])
            }
        }
        if let flash = frame.flash { context["flash"] = text(flash, language) }
        return context
    }

    // MARK: Words

    /// The catalogue's text of `key` with its placeholders filled.
    func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        catalogue.text(key, language, values)
    }

    /// Whether the catalogue has `key`.
    func has(_ key: String, _ language: Language) -> Bool { catalogue.dictionary(for: language)[key] != nil }

    /// The label of a stored name (`prefix` + the name with `-` written `_`), or the name itself
    /// when the catalogue does not know it.
    func label(_ prefix: String, _ name: String, _ language: Language) -> String {
        catalogue.dictionary(for: language)[PortalPages.key(prefix, name)] ?? name
    }

    /// A role's name in the page's language (`role_support`, …).
    func role(_ role: OperatorRole, _ language: Language) -> String { label("role_", role.rawValue, language) }

    /// Roles as one phrase, in the roles' order: "support, records" / "客服、档案".
    func roleList(_ roles: some Collection<OperatorRole>, _ language: Language) -> String {
        roles.sorted().map { role($0, language) }.joined(separator: text("common_list_separator", language))
    }

    /// A network number as people read it: `XXXX-XXXX-XXXX-XXXX-C` (as given when it does not parse).
    static func displayNumber(_ number: String) -> String { PortalPages.displayNumber(number) }

    /// A network number as forms send it back: canonical when it parses, else as given.
    static func formNumber(_ number: String) -> String {
        (try? NetworkNumber(parsing: number))?.canonical ?? number
    }

    func option(_ value: String, _ label: String) -> [String: Any] { ["optionValue": value, "optionLabel": label] }
}
