@testable import CyberIDQR

/// Helpers shared by the QR code tests.
enum QRTestSupport {
    /// Bytes from lower- or upper-case hexadecimal; traps on malformed input (fixtures are generated).
    static func bytes(hex: String) -> [UInt8] {
        let digits = Array(hex.utf8)
        precondition(digits.count % 2 == 0, "hexadecimal comes in pairs")
        var result: [UInt8] = []
        result.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            result.append(value(of: digits[index]) << 4 | value(of: digits[index + 1]))
            index += 2
        }
        return result
    }

    private static func value(of digit: UInt8) -> UInt8 {
        switch digit {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): digit - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): digit - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): digit - UInt8(ascii: "A") + 10
        default: preconditionFailure("not a hexadecimal digit")
        }
    }

    /// The modules as rows of "0" (light) and "1" (dark), the fixtures' notation.
    static func rows(of code: QRCode) -> [String] {
        var rows: [String] = []
        for y in 0..<code.size {
            var row = ""
            for x in 0..<code.size {
                row += code[x: x, y: y] ? "1" : "0"
            }
            rows.append(row)
        }
        return rows
    }

    /// How many times `needle` occurs in `text` (byte-wise, overlapping), without Foundation.
    static func occurrences(of needle: String, in text: String) -> Int {
        let haystack = Array(text.utf8)
        let pattern = Array(needle.utf8)
        guard !pattern.isEmpty, pattern.count <= haystack.count else { return 0 }
        var count = 0
        for start in 0...(haystack.count - pattern.count)
        where haystack[start..<(start + pattern.count)].elementsEqual(pattern) {
            count += 1
        }
        return count
    }

    /// Deterministic URL-safe text of a given length, for payloads that fill a version exactly.
    static func text(count: Int, seed: UInt64) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var state = seed
        var result: [UInt8] = []
        result.reserveCapacity(count)
        for _ in 0..<count {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            result.append(alphabet[Int(state >> 58)])
        }
        return result
    }

    /// An SVG path's commands (a letter and its numbers, separated by spaces or signs), for the
    /// tests that redraw a path; numbers may be negative or fractional.
    static func pathCommands(_ path: String) -> [(letter: Character, numbers: [Double])] {
        var commands = [(letter: Character, numbers: [Double])]()
        var number = ""
        func endNumber() {
            if !number.isEmpty, !commands.isEmpty { commands[commands.count - 1].numbers.append(Double(number) ?? .nan) }
            number = ""
        }
        for character in path {
            if character.isLetter {
                endNumber()
                commands.append((character, []))
            } else if character == " " {
                endNumber()
            } else if character == "-" {
                endNumber()
                number = "-"
            } else {
                number.append(character)
            }
        }
        endNumber()
        return commands
    }
}
