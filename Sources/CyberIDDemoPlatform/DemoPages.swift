import CyberIDWeb
import Foundation
import Hummingbird
import Mustache
import NIOCore

/// The demo platform's pages: Mustache templates (`Tables/DemoTemplates.swift`) filled from the
/// string tables (`Tables/DemoStrings.swift`), served with the strict CSP (the one inline style
/// allowed by its hash, no script at all).
struct DemoPages: Sendable {
    /// The page templates; each is rendered into ``DemoTemplates/layout``.
    enum Template: String, CaseIterable, Sendable {
        case home, traditional, learned, error
    }

    /// The security headers of every page.
    static let policy = ContentSecurityPolicy(inlineStyles: [DemoTemplates.css])

    let configuration: DemoPlatform.Configuration
    let library: MustacheLibrary

    init(configuration: DemoPlatform.Configuration) {
        self.configuration = configuration
        var library = MustacheLibrary()
        // The templates are constants the tests parse: a failure here is a programming error.
        for template in Template.allCases {
            try! library.register(DemoTemplates.source(of: template), named: template.rawValue)
        }
        try! library.register(DemoTemplates.layout, named: "layout")
        self.library = library
    }

    /// `GET /`: the traditional form beside "Sign in with CyberID".
    func home(_ language: Language) -> Response {
        var values: [String: Any] = ["realName": configuration.realNameEnabled]
        if let basis = configuration.legalBasis { values["legalBasis"] = basis }
        return render(.home, language, path: "/", titleKey: "demo_home_title", values)
    }

    /// `POST /traditional`: what a platform would now keep.
    func traditional(_ language: Language) -> Response {
        render(.traditional, language, path: "/", titleKey: "demo_kept_title")
    }

    /// `GET /learned`: what the platform learned and did not, the figure and the payload.
    func learned(_ learned: DemoSessions.Learned, _ language: Language, csrf: String) -> Response {
        let report = learned.report
        let rows: [[String: Any]] = report.learned.map { row in
            [
                "claim": row.claim, "value": row.value, "explanation": DemoStrings.text(row.explanationKey, language),
                "personal": row.isPersonal,
            ]
        }
        let fields = report.receivedFields.map { DemoStrings.text($0.labelKey, language) }
        let collected = String(ClaimsReport.collected)
        let list =
            fields.isEmpty
            ? DemoStrings.text("demo_field_none", language)
            : fields.joined(separator: DemoStrings.text("demo_list_separator", language))
        let counts = ["received": String(report.received), "collected": collected]
        let sentence = DemoStrings.text("demo_figure_sentence", language, counts.merging(["fields": list]) { $1 })
        let values: [String: Any] = [
            "rows": rows, "notLearned": report.notLearned.map { DemoStrings.text($0.labelKey, language) },
            "payload": learned.payloadJSON, "csrf": csrf, "scope": learned.scope.requested,
            "received": report.received, "collected": ClaimsReport.collected,
            "figure": DemoStrings.text("demo_figure", language, counts),
            "figureSentence": sentence,
            "realName": configuration.realNameEnabled,
        ]
        return render(.learned, language, path: "/learned", titleKey: "demo_learned_title", values)
    }

    /// An error page.
    /// - Parameters:
    ///   - status: the HTTP status.
    ///   - messageKey: the string key of what happened, in plain words.
    ///   - detail: a technical detail (CyberID's error code and description, the SDK's reason).
    func error(
        _ status: HTTPResponse.Status, _ language: Language, messageKey: String, detail: String? = nil
    ) -> Response {
        var values: [String: Any] = ["message": DemoStrings.text(messageKey, language)]
        if let detail, !detail.isEmpty { values["detail"] = String(detail.prefix(500)) }
        return render(.error, language, path: "/", titleKey: "demo_error_title", status: status, values)
    }

    /// Renders a page into the layout.
    func render(
        _ template: Template, _ language: Language, path: String, titleKey: String, status: HTTPResponse.Status = .ok,
        _ values: [String: Any] = [:]
    ) -> Response {
        let strings = DemoStrings.table(language)
        var context = values
        context["t"] = strings
        context["lang"] = language.rawValue
        let body = library.render(context, withTemplate: template.rawValue) ?? ""
        let frame: [String: Any] = [
            "t": strings, "lang": language.rawValue, "title": DemoStrings.text(titleKey, language),
            "css": DemoTemplates.css, "main": body, "path": path, "isZh": language == .zhCN, "isEn": language == .en,
        ]
        return Self.html(library.render(frame, withTemplate: "layout") ?? "", status: status, language: language)
    }

    /// An HTML response with the security headers.
    static func html(_ page: String, status: HTTPResponse.Status, language: Language) -> Response {
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .contentLanguage: language.rawValue]
        for header in policy.headers { headers[.init(header.name)!] = header.value }
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: page)))
    }

    /// A `303 See Other`, setting one cookie if given.
    static func redirect(_ location: String, cookie: String? = nil) -> Response {
        var headers: HTTPFields = [.location: location, .cacheControl: "no-store"]
        if let cookie { headers[.setCookie] = cookie }
        return Response(status: .seeOther, headers: headers)
    }

    /// A field of an `application/x-www-form-urlencoded` body.
    static func formValue(_ name: String, in body: String) -> String? {
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard parts.count == 2, parts[0] == name else { continue }
            return String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
        }
        return nil
    }
}
