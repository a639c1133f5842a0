import Foundation

/// The strings of the web pages, one catalogue per language (issue 14): templates never hold
/// words, only keys (`{{t.nav_overview}}`), so a page is the same in every language.
///
/// Keys are flat, snake-case and prefixed by where they are used (`common_`, `nav_`,
/// `portal_`, `login_`, `demo_`, `console_`). A value may hold `%{name}` placeholders.
public struct Catalogue: Sendable {
    private let strings: [Language: [String: String]]

    /// The catalogues CyberID ships (`Tables/Catalogue+English.swift`, `+Chinese.swift`, and the
    /// console's administration pages in `+Console.swift`; a key is in one table only).
    public static let standard = Catalogue(strings: [
        .en: englishStrings.merging(consoleEnglishStrings) { _, _ in preconditionFailure("a key in two tables") },
        .zhCN: chineseStrings.merging(consoleChineseStrings) { _, _ in preconditionFailure("a key in two tables") },
    ])

    init(strings: [Language: [String: String]]) { self.strings = strings }

    /// Every key of a language, for templates (a dictionary swift-mustache reads).
    public func dictionary(for language: Language) -> [String: String] { strings[language] ?? [:] }

    /// The text of `key` in `language` with its placeholders filled; the key itself when it is
    /// missing (the tests make sure none is).
    public func text(_ key: String, _ language: Language, _ values: [String: String] = [:]) -> String {
        let text = strings[language]?[key] ?? key
        return values.isEmpty ? text : Self.filling(text, values)
    }

    /// `text` with each `%{name}` that `values` has replaced, in one pass over the bytes: an
    /// inserted value is not read again, so a platform's name that itself reads `%{client}` is
    /// shown as it is (the earlier `replacingOccurrences` per name, in the dictionary's order,
    /// could fill it — and cost 0.8 % of a login's server CPU through NSString). A placeholder
    /// without a value stays as it is. The demo platform's own table is filled the same way.
    public static func filling(_ text: String, _ values: [String: String]) -> String {
        let bytes = Array(text.utf8)
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + 64)
        var index = 0
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 1 < bytes.count, bytes[index + 1] == UInt8(ascii: "{"),
                let close = bytes[(index + 2)...].firstIndex(of: UInt8(ascii: "}")),
                let value = values[String(decoding: bytes[(index + 2)..<close], as: UTF8.self)]
            {
                out.append(contentsOf: value.utf8)
                index = close + 1
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Keys one language has and another lacks: `(language lacking it, key)`.
    public var missingKeys: [(Language, String)] {
        let all = Set(strings.values.flatMap(\.keys))
        return Language.allCases.flatMap { language in
            all.subtracting(strings[language]?.keys ?? [:].keys).sorted().map { (language, $0) }
        }
    }

    /// Keys whose placeholders differ between languages (a translation that drops `%{n}`).
    public var placeholderMismatches: [String] {
        let keys = Set(strings.values.flatMap(\.keys))
        return keys.sorted().filter { key in
            Set(Language.allCases.map { Self.placeholders(strings[$0]?[key] ?? "") }).count > 1
        }
    }

    static func placeholders(_ text: String) -> Set<String> {
        var found = Set<String>()
        var rest = Substring(text)
        while let start = rest.range(of: "%{"), let end = rest[start.upperBound...].firstIndex(of: "}") {
            found.insert(String(rest[start.upperBound..<end]))
            rest = rest[rest.index(after: end)...]
        }
        return found
    }
}
