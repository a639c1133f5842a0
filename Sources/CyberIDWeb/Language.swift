import Foundation

/// The languages of CyberID's web pages (issue 14): Simplified Chinese first, English.
///
/// A page's language is the person's remembered choice (the language switch sets a cookie),
/// else the best of the browser's `Accept-Language` that CyberID speaks, else Chinese.
public enum Language: String, CaseIterable, Sendable {
    case zhCN = "zh-CN"
    case en = "en"

    /// The language of a visitor who states no preference CyberID speaks.
    public static let fallback = Language.zhCN

    /// The switch's label, in the language itself: 中文, English.
    public var switchLabel: String {
        switch self {
        case .zhCN: "中文"
        case .en: "English"
        }
    }

    /// The page's language.
    /// - Parameters:
    ///   - cookie: the remembered choice (`zh-CN` or `en`), if any.
    ///   - acceptLanguage: the browser's `Accept-Language` header.
    public static func negotiate(cookie: String?, acceptLanguage: String?) -> Language {
        if let cookie, let chosen = Language(rawValue: cookie) { return chosen }
        for tag in preferences(acceptLanguage ?? "") {
            if let language = Language(tag: tag) { return language }
            if tag == "*" { return fallback }
        }
        return fallback
    }

    /// A language tag's language, if CyberID speaks it: any `zh…` (the pages are in simplified
    /// characters) or `en…`.
    init?(tag: String) {
        let primary = tag.lowercased().split(separator: "-").first.map(String.init) ?? ""
        switch primary {
        case "zh": self = .zhCN
        case "en": self = .en
        default: return nil
        }
    }

    /// The tags of an `Accept-Language` value by preference (RFC 9110 §12.5.4): highest `q`
    /// first, ties in the order given; `q=0` means "not this one".
    static func preferences(_ header: String) -> [String] {
        var weighted = [(tag: String, q: Double, index: Int)]()
        for (index, item) in header.split(separator: ",").enumerated() {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first, !tag.isEmpty, tag.count <= 35 else { continue }
            var q = 1.0
            for parameter in parts.dropFirst() where parameter.lowercased().hasPrefix("q=") {
                q = Double(parameter.dropFirst(2)) ?? 0
            }
            if q > 0, q <= 1 { weighted.append((tag, q, index)) }
        }
        return weighted.sorted { $0.q != $1.q ? $0.q > $1.q : $0.index < $1.index }.map(\.tag)
    }
}
