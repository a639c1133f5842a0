import CyberIDCore
import CyberIDServices
import CyberIDWeb
import Foundation
import Mustache

/// The citizen portal's pages (issue 14): each view model turned into a Mustache context and
/// rendered, in the person's language and time zone, into the shared layout.
///
/// Every word comes from the catalogue (`t` in the templates, ``text(_:_:_:)`` here); every
/// value is escaped by Mustache (`{{…}}`) except the layout's constants, the page body and the
/// chart's SVG (built here and by `BarChart`, which escape their own text). The pages carry no
/// `style=` attribute and no event handler, so ``contentSecurityPolicy`` can allow exactly the
/// layout's inline style and script.
struct PortalPages: Sendable {
    private let library: MustacheLibrary
    let catalogue = Catalogue.standard

    /// The CSP of every portal page (the layout's one inline `<style>` and one inline `<script>`,
    /// by hash).
    static let contentSecurityPolicy = ContentSecurityPolicy(
        inlineScripts: [PortalTemplates.script], inlineStyles: [PortalTemplates.style])

    init() {
        var library = MustacheLibrary()
        for (name, text) in PortalTemplates.all {
            // Constants: a parse failure is a programming error the tests catch.
            library.register(try! MustacheTemplate(string: text), named: name)
        }
        self.library = library
    }

    /// `/`: what CyberID is, the way in, and where platforms and wallet makers read more.
    func landing(_ frame: PageFrame) -> String {
        render("landing", frame, title: text("portal_landing_heading", frame.language))
    }

    /// After signing out, signing out everywhere or suspending (`messageKey` says which).
    func signedOut(_ frame: PageFrame, messageKey: String) -> String {
        let key = has(messageKey, frame.language) ? messageKey : "portal_signed_out"
        return render(
            "signed-out", frame, title: text("portal_signed_out_title", frame.language),
            ["message": text(key, frame.language)])
    }

    /// The reasons a sign-in is refused that the page explains; any other is `failed`.
    static let refusalReasons: Set<String> = ["denied", "inactive", "level", "reverify", "expired", "state", "failed"]

    /// The portal's sign-in did not succeed: why, what to do, and a way to try again.
    func refused(_ frame: PageFrame, reason: String) -> String {
        let known = Self.refusalReasons.contains(reason) ? reason : "failed"
        let values: [String: Any] = [
            "reasonText": text("portal_refused_" + known, frame.language), "isInactive": known == "inactive",
        ]
        return render("refused", frame, title: text("portal_refused_title", frame.language), values)
    }

    /// An error page (`messageKey` is a `portal_error_…` key; another becomes `portal_error_server`).
    func error(_ frame: PageFrame, status: Int, messageKey: String) -> String {
        let language = frame.language
        let key =
            messageKey.hasPrefix("portal_error_") && has(messageKey, language) ? messageKey : "portal_error_server"
        let values: [String: Any] = [
            "message": text(key, language),
            "statusText": text("portal_error_status", language, ["status": String(status)]),
        ]
        return render("error", frame, title: text("common_error_title", language), values)
    }

    /// `/account/suspend`: what suspending does, then the confirming form.
    func suspendConfirm(_ frame: PageFrame) -> String {
        render("suspend-confirm", frame, title: text("portal_suspend_title", frame.language))
    }

    /// The same for a ward (the guardian's first POST); `index` is the ward's 1-based row.
    func wardConfirm(_ frame: PageFrame, ward: PortalOverview.Ward, index: Int) -> String {
        render(
            "ward-confirm", frame, title: text("portal_ward_suspend_title", frame.language),
            ["wardNumber": Self.displayNumber(ward.networkNumber), "wardIndex": String(index)])
    }

    // MARK: Rendering

    /// A page: its template, then the layout around it.
    /// - Parameters:
    ///   - name: the template (`PortalTemplates.all`).
    ///   - title: the page's title, before " · CyberID".
    ///   - values: the page's own context, beside the frame's.
    func render(_ name: String, _ frame: PageFrame, title: String, _ values: [String: Any] = [:]) -> String {
        var context = frameContext(frame, title: title)
        context.merge(values) { _, page in page }
        context["body"] = library.render(context, withTemplate: name) ?? ""
        return library.render(context, withTemplate: "layout") ?? ""
    }

    /// What the layout needs: words, language, the switch, and (signed in) navigation and CSRF.
    func frameContext(_ frame: PageFrame, title: String) -> [String: Any] {
        let language = frame.language
        var context: [String: Any] = [
            "t": catalogue.dictionary(for: language), "lang": language.rawValue, "title": title,
            "signedIn": frame.signedIn, "style": PortalTemplates.style, "script": PortalTemplates.script,
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
            let items: [(id: String, href: String, key: String, page: PortalPage)] = [
                ("nav-overview", PortalPage.overview.path, "nav_overview", .overview),
                ("nav-platforms", PortalPage.platforms.path, "nav_platforms", .platforms),
                ("nav-history", PortalPage.history.path, "nav_history", .history),
            ]
            context["nav"] = items.map { item -> [String: Any] in
                [
                    "navID": item.id, "navHref": item.href, "navLabel": text(item.key, language),
                    "navCurrent": item.page == frame.page,
                ]
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

    /// The catalogue key of a stored name: `prefix` + the name with `-` written `_`
    /// (`event_` + `record-accessed` → `event_record_accessed`).
    static func key(_ prefix: String, _ name: String) -> String {
        prefix + name.replacingOccurrences(of: "-", with: "_")
    }

    /// The label of a stored name (an event, a state, a claim…), or the name itself when the
    /// catalogue does not know it (a value newer than this page).
    /// The reasons the portal itself writes, so a Chinese page does not show English; any
    /// other reason (an operator's, a platform's) is shown as written.
    enum Reason {
        static let selfSuspended = "suspended by the person in the portal"
        static let guardianSuspended = "suspended by the guardian in the portal"
        static let guardianResumed = "resumed by the guardian in the portal"
        static let keys = [
            selfSuspended: "portal_reason_self_suspended", guardianSuspended: "portal_reason_guardian_suspended",
            guardianResumed: "portal_reason_guardian_resumed",
        ]
    }

    /// "Reason: …" with a reason the portal wrote in the page's language.
    func reasonText(_ reason: String, _ language: Language) -> String {
        let shown = Reason.keys[reason].map { text($0, language) } ?? reason
        return text("portal_detail_reason", language, ["reason": shown])
    }

    /// A network number as people read it: `XXXX-XXXX-XXXX-XXXX-C`.
    static func displayNumber(_ number: String) -> String {
        (try? NetworkNumber(parsing: number))?.formatted ?? number
    }

    func label(_ prefix: String, _ name: String, _ language: Language) -> String {
        catalogue.dictionary(for: language)[Self.key(prefix, name)] ?? name
    }

    /// Items as one phrase: "a, b" / "a、b".
    func list(_ items: [String], _ language: Language) -> String {
        items.joined(separator: text("common_list_separator", language))
    }

    /// What a platform learns from a claim, e.g. "whether you are 18 or older".
    func claim(_ name: String, _ language: Language) -> String { label("claim_", name, language) }
}
