import Foundation
import Testing

@testable import CyberIDProvider

/// The wallet's view written by hand (`WalletLoginView+JSON.swift`) is `JSONEncoder`'s output,
/// byte for byte, on random views: every optional present or absent, strings of quotes,
/// backslashes, slashes, control characters, DEL, line separators and characters outside ASCII.
@Suite struct ViewJSONTests {
    static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return encoder
    }()

    static let pool: [Unicode.Scalar] =
        (0..<0x20).compactMap(Unicode.Scalar.init) + Array("aZ09 \"\\/<>&'=+-_~.\u{7F}\u{85}\u{2028}\u{2029}é中😀".unicodeScalars)

    static func text() -> String {
        var text = String.UnicodeScalarView()
        for _ in 0..<Int.random(in: 0...12) { text.append(pool.randomElement()!) }
        return String(text)
    }

    static func texts() -> [String] { (0..<Int.random(in: 0...3)).map { _ in text() } }
    static func maybe<T>(_ make: () -> T) -> T? { Bool.random() ? make() : nil }
    static func date() -> Date { Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...4_000_000_000))) }

    /// 2,000 random views, each compared with `JSONEncoder`'s bytes; the first difference is
    /// shown whole.
    @Test func theViewIsJSONEncodersOnRandomViews() throws {
        for _ in 0..<2_000 {
            let view = WalletLoginView(
                transactionID: Self.text(), nonce: Self.text(), clientID: Self.text(), clientName: Self.text(),
                scopes: Self.texts(), claims: Self.texts(), legalBasis: Self.maybe(Self.text), acrValues: Self.maybe(Self.text),
                prompt: Self.texts(), expiresAt: Self.date(), device: Self.text(), requestedAt: Self.date(),
                requestedFrom: Self.maybe(Self.text),
                matchChoices: Self.maybe { (0..<Int.random(in: 0...3)).map { _ in Int.random(in: -99...999) } },
                scan: Self.maybe(Self.text), aaChallenge: Self.text(), mode: Self.maybe(Self.text), requires: Self.maybe(Self.texts))
            let expected = Array(try Self.encoder.encode(view))
            guard view.json() == expected else {
                Issue.record("\(String(decoding: view.json(), as: UTF8.self)) is not \(String(decoding: expected, as: UTF8.self))")
                return
            }
        }
    }

    /// Every stored property is written when it is set: a field added to the view but not to
    /// its `json()` fails here (the random values would leave a new optional nil on both
    /// sides).
    @Test func everyFieldIsWritten() throws {
        func members(_ bytes: [UInt8]) throws -> Int {
            try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any]).count
        }
        let view = WalletLoginView(
            transactionID: "t", nonce: "n", clientID: "c", clientName: "Shop", scopes: ["openid"], claims: [], legalBasis: "law",
            acrValues: "acr", prompt: [], expiresAt: Date(), device: "same-device", requestedAt: Date(), requestedFrom: "192.0.2.1",
            matchChoices: [10, 20, 30], scan: "s", aaChallenge: "a", mode: "m", requires: ["password"])
        #expect(try members(view.json()) == Mirror(reflecting: view).children.count)
    }
}
