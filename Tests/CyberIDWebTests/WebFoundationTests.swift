import Crypto
import Foundation
#if canImport(FoundationXML)
    import FoundationXML
#endif
import Testing

@testable import CyberIDWeb

@Suite struct LanguageTests {
    @Test(arguments: [
        (nil, nil, Language.zhCN), (nil, "en-GB,en;q=0.9", .en), (nil, "zh-CN,zh;q=0.9,en;q=0.8", .zhCN),
        (nil, "fr-FR, en;q=0.5, zh;q=0.4", .en), (nil, "en;q=0.2, zh-TW;q=0.8", .zhCN), (nil, "zh;q=0, en", .en),
        (nil, "fr, de", .zhCN), (nil, "*", .zhCN), ("en", "zh-CN", .en), ("zh-CN", "en", .zhCN), ("xx", "en", .en),
        (nil, "en;q=abc, zh;q=0.1", .zhCN), (nil, ";;,,", .zhCN),
    ] as [(String?, String?, Language)])
    func theRememberedChoiceWinsThenTheBrowsersBestThenChinese(_ cookie: String?, _ header: String?, _ expected: Language) {
        #expect(Language.negotiate(cookie: cookie, acceptLanguage: header) == expected)
    }

    @Test func theSwitchNamesEachLanguageInItself() {
        #expect(Language.allCases.map(\.switchLabel) == ["中文", "English"])
    }
}

@Suite struct CatalogueTests {
    @Test func bothLanguagesHaveTheSameKeysAndPlaceholders() {
        #expect(Catalogue.standard.missingKeys.isEmpty, "\(Catalogue.standard.missingKeys)")
        #expect(Catalogue.standard.placeholderMismatches.isEmpty, "\(Catalogue.standard.placeholderMismatches)")
    }

    /// The labels issue 14 names, in both languages.
    @Test func theButtonsSayWhatTheyDoInPlainWords() {
        let labels: [(String, String, String)] = [
            ("common_sign_in", "Sign in", "登录"), ("common_sign_out", "Sign out", "退出"), ("nav_overview", "Overview", "概览"),
            ("nav_platforms", "Platforms", "平台"), ("nav_history", "History", "历史"), ("portal_withdraw", "Withdraw", "撤回"),
            ("portal_suspend", "Suspend", "暂停"), ("portal_download_json", "Download JSON", "下载 JSON"),
            ("portal_download_csv", "Download CSV", "下载 CSV"),
        ]
        for (key, english, chinese) in labels {
            #expect(Catalogue.standard.text(key, .en) == english)
            #expect(Catalogue.standard.text(key, .zhCN) == chinese)
        }
    }

    @Test func placeholdersAreFilledAndAMissingKeyShowsItself() {
        let text = Catalogue.standard.text("portal_chart_bar", .en, ["week": "2026-11-23", "count": "4"])
        #expect(text == "Week of 2026-11-23: 4 verifications")
        #expect(Catalogue.standard.text("no_such_key", .zhCN) == "no_such_key")
        let broken = Catalogue(strings: [.en: ["a": "%{n} left", "b": "x"], .zhCN: ["a": "剩余"]])
        #expect(broken.placeholderMismatches == ["a", "b"].filter { $0 == "a" } && broken.missingKeys.map(\.1) == ["b"])
    }

    /// One pass: values are not read again for placeholders (a platform named `%{client}` is
    /// shown as it is, whatever the dictionary's order), unknown and broken placeholders stay,
    /// and text around them (any script) is kept.
    @Test func fillingIsOnePassAndLeavesTheRest() {
        #expect(Catalogue.filling("%{a} and %{b}", ["a": "%{b}", "b": "二"]) == "%{b} and 二")
        #expect(Catalogue.filling("%{b} and %{a}", ["a": "%{b}", "b": "二"]) == "二 and %{b}")
        #expect(Catalogue.filling("平台 %{client} 将获得 %{x}", ["client": "示例 & <b>"]) == "平台 示例 & <b> 将获得 %{x}")
        #expect(Catalogue.filling("100% {x} %{ %{open", ["x": "y"]) == "100% {x} %{ %{open")
        #expect(Catalogue.filling("%{x}%{x}%", ["x": ""]) == "%")
        #expect(Catalogue.filling("", ["x": "y"]) == "")
    }
}

@Suite struct WebCookieTests {
    @Test func cookiesAreHostPrefixedSecureLaxAndHttpOnly() {
        #expect(
            WebCookie.setCookie(name: "cyberid_session", value: "abc-_123")
                == "__Host-cyberid_session=abc-_123; Path=/; Secure; SameSite=Lax; HttpOnly")
        #expect(
            WebCookie.setCookie(name: "cyberid_lang", value: "en", maxAge: 31_536_000, httpOnly: false)
                == "__Host-cyberid_lang=en; Path=/; Secure; SameSite=Lax; Max-Age=31536000")
        #expect(WebCookie.clearing(name: "cyberid_session").hasSuffix("HttpOnly; Max-Age=0"))
    }

    @Test func onlyThePrefixedCookieIsReadAndOnlyACleanValue() {
        let headers = ["cyberid_session=plain; __Host-cyberid_session=tok1; other=x", "__Host-cyberid_session=tok2"]
        #expect(WebCookie.value(named: "cyberid_session", in: headers) == "tok1")
        #expect(WebCookie.value(named: "cyberid_session", in: ["cyberid_session=plain"]) == nil)
        #expect(WebCookie.value(named: "cyberid_session", in: ["__Host-cyberid_session=\"quoted\""]) == nil)
        #expect(WebCookie.value(named: "cyberid_lang", in: ["a=b;__Host-cyberid_lang=zh-CN"]) == "zh-CN")
        #expect(WebCookie.value(named: "x", in: []) == nil)
    }
}

@Suite struct CSRFTokenTests {
    @Test func aTokenBelongsToItsSessionOnly() {
        let token = CSRFToken.token(forSession: "session-a")
        #expect(CSRFToken.isValid(token, forSession: "session-a"))
        #expect(!CSRFToken.isValid(token, forSession: "session-b"))
        #expect(!CSRFToken.isValid(nil, forSession: "session-a"))
        #expect(!CSRFToken.isValid("", forSession: "session-a"))
        #expect(!CSRFToken.isValid(String(token.dropLast()), forSession: "session-a"))
        // It does not reveal the session's cookie.
        #expect(!token.contains("session-a") && token.count == 43)
    }
}

@Suite struct ContentSecurityPolicyTests {
    @Test func inlineBlocksAreAllowedByTheirHashAndNothingElse() {
        let script = "document.documentElement.dataset.ready = '1';"
        let policy = ContentSecurityPolicy(inlineScripts: [script], inlineStyles: ["body{margin:0}"])
        let digest = Data(SHA256.hash(data: Data(script.utf8))).base64EncodedString()
        #expect(policy.scriptHashes == ["'sha256-\(digest)'"])
        #expect(policy.header.hasPrefix("default-src 'none'; script-src 'sha256-\(digest)'; style-src 'sha256-"))
        for directive in ["form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'", "img-src 'self' data:"] {
            #expect(policy.header.contains(directive))
        }
        #expect(ContentSecurityPolicy().header.contains("script-src 'none'; style-src 'none'"))
        let names = policy.headers.map(\.name)
        #expect(names == ["Content-Security-Policy", "X-Frame-Options", "Referrer-Policy", "X-Content-Type-Options", "Cache-Control"])
    }
}

@Suite struct BarChartTests {
    @Test func theChartIsWellFormedAccessibleSVGWithoutStyleAttributes() throws {
        let chart = BarChart(bars: [
            BarChart.Bar(label: "11-16", value: 2, title: "Week of 2026-11-16: 2 verifications"),
            BarChart.Bar(label: "11-23", value: 0, title: "Week of 2026-11-23: 0 verifications"),
            BarChart.Bar(label: "<&>", value: 5, title: "a \"quoted\" & <tagged> title"),
        ])
        let svg = chart.svg(title: "Verifications per week", description: "Logins & in-person checks")
        let parser = XMLParser(data: Data(svg.utf8))
        let counter = ElementCounter()
        parser.delegate = counter
        #expect(parser.parse(), "\(parser.parserError.map { "\($0)" } ?? "")")
        #expect(counter.counts["rect"] == 3 && counter.counts["title"] == 4 && counter.counts["desc"] == 1)
        #expect(!svg.contains("style=") && svg.contains("role=\"img\""))
        #expect(counter.texts.contains("a \"quoted\" & <tagged> title") && counter.texts.contains("<&>"))
        // The tallest bar fills the plot; an empty week has no height.
        #expect(svg.contains("height=\"128\" fill") && svg.contains("height=\"0\" fill"))
    }
}

/// Counts elements and collects text, to check a drawing with an XML parser.
final class ElementCounter: NSObject, XMLParserDelegate, @unchecked Sendable {
    var counts = [String: Int]()
    var texts = [String]()
    private var current = ""

    func parser(
        _ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
        attributes: [String: String] = [:]
    ) {
        counts[name, default: 0] += 1
        current = ""
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        if !current.isEmpty { texts.append(current) }
        current = ""
    }

    @Test func aFormPostIsSameOriginOnlyWhenTheBrowserSaysSo() {
        let site = "http://127.0.0.1:8080"
        #expect(SameOrigin.allows(origin: site, fetchSite: "same-origin", expected: site))
        #expect(SameOrigin.allows(origin: nil, fetchSite: nil, expected: site))
        // Chromium under Referrer-Policy: no-referrer.
        #expect(SameOrigin.allows(origin: "null", fetchSite: "same-origin", expected: site))
        #expect(!SameOrigin.allows(origin: "null", fetchSite: nil, expected: site))
        #expect(!SameOrigin.allows(origin: "null", fetchSite: "cross-site", expected: site))
        #expect(!SameOrigin.allows(origin: "http://evil.example", fetchSite: nil, expected: site))
        #expect(!SameOrigin.allows(origin: site, fetchSite: "cross-site", expected: site))
        // Another port of the same host is another origin.
        #expect(!SameOrigin.allows(origin: "http://127.0.0.1:9", fetchSite: "same-site", expected: site))
    }
}
