import Foundation
import Testing

@testable import CyberIDProvider

@Suite struct FormParametersTests {
    @Test func decodesPercentAndPlus() throws {
        let form = try FormParameters(encoded: "scope=openid+age&redirect_uri=https%3A%2F%2Fa.example%2Fcb%3Fx%3D1&empty=")
        #expect(form["scope"] == "openid age")
        #expect(form["redirect_uri"] == "https://a.example/cb?x=1")
        #expect(form["empty"] == nil)
    }

    @Test func refusesRepeatedParameters() {
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=a&state=b") }
    }

    @Test func refusesBadEncoding() {
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=%zz") }
        #expect(throws: ProviderError.invalidRequest("")) { try FormParameters(encoded: "state=%C3%28") }
    }

    @Test func encodingRoundTrips() throws {
        let text = "a b&c=d/é~"
        let encoded = FormParameters.encode([("k", text)])
        #expect(encoded == "k=a%20b%26c%3Dd%2F%C3%A9~")
        #expect(try FormParameters(encoded: encoded)["k"] == text)
    }

    @Test func refusesTruncatedEscapes() {
        for text in ["state=%", "state=%4", "a=1&state=%4&b=2", "%=x", "na%2me=x"] {
            #expect(throws: ProviderError.invalidRequest(""), "\(text)") { try FormParameters(encoded: text) }
        }
    }

    /// The byte parser against the `Character`-splitting parser it replaced (kept below as the
    /// reference), on random strings of separators, escapes (good and broken), `+`, ASCII and
    /// multi-byte text: the same values, or the same refusal.
    @Test func equalsTheCharacterParser() {
        let pieces = ["&", "=", "+", "%", "%2", "%20", "%3D", "%26", "%C3%A9", "%C3", "%zz", "%e4%b8%ad", "a", "b", "state",
            "code", "é", "中", "~", ".", "-", "_", "/", "?"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<5000 {
            let text = (0..<Int.random(in: 0...14, using: &generator)).map { _ in pieces.randomElement(using: &generator)! }.joined()
            let reference = Self.referenceParse(text)
            let parsed = try? FormParameters(encoded: text).values
            #expect(parsed == reference, "\(text)")
            let substring = try? FormParameters(encoded: ("x" + text).dropFirst()).values
            #expect(substring == reference, "\(text) as a substring")
        }
    }

    /// A `&` followed by a combining mark is one `Character` but still a separator (the WHATWG
    /// form parser works on bytes); the old parser kept it inside the value.
    @Test func splitsOnBytesNotGraphemes() throws {
        let form = try FormParameters(encoded: "a=1&\u{301}b=2")
        #expect(form["a"] == "1")
        #expect(form["\u{301}b"] == "2")
        // `=` followed by a combining mark, `&` after a prepend character (U+0600): separators.
        #expect(try FormParameters(encoded: "a=\u{301}").values == ["a": "\u{301}"])
        #expect(try FormParameters(encoded: "x=\u{600}&y=2").values == ["x": "\u{600}", "y": "2"])
        #expect(Self.referenceParse("a=\u{301}") == [:])
    }

    @Test func escapeEqualsTheFormatter() throws {
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<500 {
            let scalars = (0..<Int.random(in: 0...20, using: &generator)).compactMap { _ in
                Unicode.Scalar(UInt32.random(in: 0...0x2FFF, using: &generator))
            }
            let text = String(String.UnicodeScalarView(scalars))
            let reference = text.utf8.map { byte -> String in
                let unreserved = (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x30 && byte <= 0x39)
                    || [0x2D, 0x2E, 0x5F, 0x7E].contains(byte)
                return unreserved ? String(UnicodeScalar(byte)) : "%" + String(format: "%02X", byte)
            }.joined()
            #expect(FormParameters.escape(text) == reference)
            #expect(try FormParameters(encoded: "k=" + FormParameters.escape(text))["k"] == (text.isEmpty ? nil : text))
        }
    }

    /// The parser before the byte rewrite (stop 32): split by `Character`, decode each side.
    static func referenceParse(_ text: String) -> [String: String]? {
        var values = [String: String]()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = referenceDecode(parts[0]), let value = referenceDecode(parts.count > 1 ? parts[1] : "") else {
                return nil
            }
            if value.isEmpty { continue }
            guard values[name] == nil || values[name] == value else { return nil }
            values[name] = value
        }
        return values
    }

    static func referenceDecode(_ text: Substring) -> String? {
        var bytes = [UInt8]()
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap({ UInt8(String(UnicodeScalar($0)), radix: 16) }),
                    let low = iterator.next().flatMap({ UInt8(String(UnicodeScalar($0)), radix: 16) })
                else { return nil }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }
}
