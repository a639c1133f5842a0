import Foundation
import Testing

@testable import CyberIDProvider

/// The hot path's answers written by hand (`AnswerJSON.swift`) are `JSONEncoder`'s output, byte
/// for byte, on random values: every optional present or absent, strings of quotes,
/// backslashes, slashes, control characters, DEL, line separators and characters outside ASCII.
@Suite struct AnswerJSONTests {
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
    static func number() -> Int { Int.random(in: -1_000_000...Int.max) }
    static func date() -> Date { Date(timeIntervalSince1970: TimeInterval(Int.random(in: 0...4_000_000_000))) }

    /// 2,000 random values of one answer, each compared with `JSONEncoder`'s bytes; the first
    /// difference is shown whole.
    static func compare<T: Encodable>(_ make: () -> T, _ json: (T) -> [UInt8]) throws {
        for _ in 0..<2_000 {
            let value = make()
            let expected = Array(try encoder.encode(value))
            guard json(value) == expected else {
                Issue.record("\(String(decoding: json(value), as: UTF8.self)) is not \(String(decoding: expected, as: UTF8.self))")
                return
            }
        }
    }

    @Test func theWalletsView() throws {
        try Self.compare(
            {
                WalletLoginView(
                    transactionID: Self.text(), nonce: Self.text(), clientID: Self.text(), clientName: Self.text(),
                    scopes: Self.texts(), claims: Self.texts(), legalBasis: Self.maybe(Self.text), acrValues: Self.maybe(Self.text),
                    prompt: Self.texts(), expiresAt: Self.date(), device: Self.text(), requestedAt: Self.date(),
                    requestedFrom: Self.maybe(Self.text),
                    matchChoices: Self.maybe { (0..<Int.random(in: 0...3)).map { _ in Int.random(in: -99...999) } },
                    scan: Self.maybe(Self.text), aaChallenge: Self.text(), mode: Self.maybe(Self.text), requires: Self.maybe(Self.texts))
            }, { $0.json() })
    }

    @Test func thePagesStatus() throws {
        try Self.compare(
            {
                LoginProgress(
                    status: [.pending, .approved, .denied, .expired].randomElement()!, qr: Self.maybe(Self.text),
                    qrStep: Self.maybe(Self.number), qrImage: Self.maybe(Self.text), sameDevice: Self.maybe { Bool.random() },
                    reason: Self.maybe(Self.text))
            }, { $0.json() })
    }

    @Test func theWalletsDecision() throws {
        try Self.compare(
            {
                WalletDecision(
                    status: Self.text(), released: Self.texts(), responseCode: Self.maybe(Self.text), returnURL: Self.maybe(Self.text))
            }, { $0.json() })
    }

    @Test func theTokenAnswer() throws {
        try Self.compare(
            {
                var answer = TokenResponse(
                    accessToken: Self.text(), expiresIn: Self.number(), idToken: Self.text(), scope: Self.text())
                answer.tokenType = Self.text()
                return answer
            }, { $0.json() })
    }

    /// The status with a real QR image (its text form, ≈ 6 KB, no character to escape).
    @Test func aStatusWithItsImage() throws {
        let image = "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg' viewBox='0 0 41 41'><path d='M4 4h7v7H4z'/></svg>"
        let progress = LoginProgress(status: .pending, qr: "cyberid://login?iss=x&t=y", qrStep: 5, qrImage: image)
        #expect(progress.json() == Array(try Self.encoder.encode(progress)))
    }
}
