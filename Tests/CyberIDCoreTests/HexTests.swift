import Foundation
import Testing

@testable import CyberIDCore

@Suite struct HexTests {
    /// Foundation's formatter, which `Hex.encode` replaced on the login path: the two must agree.
    static func reference(_ bytes: [UInt8], separator: String = "") -> String {
        bytes.map { String(format: "%02x", $0) }.joined(separator: separator)
    }

    @Test func encodesLikeTheFormatterItReplaced() {
        var generator = SystemRandomNumberGenerator()
        for length in [0, 1, 2, 15, 16, 17, 20, 32, 255] {
            let bytes = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            #expect(Hex.encode(bytes) == Self.reference(bytes))
            #expect(Hex.encode(bytes, separator: UInt8(ascii: ":")) == Self.reference(bytes, separator: ":"))
            #expect(Hex.decode(Hex.encode(bytes)) == bytes)
        }
        #expect(Hex.encode((0...255).map(UInt8.init)) == Self.reference((0...255).map(UInt8.init)))
    }

    @Test func encodesSlicesAndDigests() {
        let bytes: [UInt8] = [0x00, 0x0f, 0xf0, 0xff, 0x7f, 0x80, 0xab]
        #expect(Hex.encode(bytes.prefix(3)) == "000ff0")
        #expect(Hex.encode(bytes.dropFirst(3)) == "ff7f80ab")
        #expect(Hex.encode([0xde, 0xad], separator: UInt8(ascii: ":")) == "de:ad")
        #expect(Hex.encode([0x01], separator: UInt8(ascii: ":")) == "01")
    }

    @Test(arguments: ["0", "abc", "zz", "0g", "12 3"])
    func refusesWhatIsNotHex(_ text: String) {
        #expect(Hex.decode(text) == nil)
    }

    @Test func decodesEitherCase() {
        #expect(Hex.decode("DEADbeef") == [0xde, 0xad, 0xbe, 0xef])
        #expect(Hex.decode("") == [])
    }
}
