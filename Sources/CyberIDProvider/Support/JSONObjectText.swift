import Foundation

/// A JSON object written member by member, in the order given; `nil` members are left out.
/// Strings are escaped as `JSONEncoder` escapes them: `"` and `\`, the control characters
/// (`\b`, `\t`, `\n`, `\f`, `\r`, the others `\u00xx`), nothing else.
struct JSONObjectText {
    private static let hex = Array("0123456789abcdef".utf8)
    private var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    mutating func string(_ key: StaticString, _ value: String?) {
        guard let value else { return }
        member(key)
        append(value)
    }

    mutating func strings(_ key: StaticString, _ values: [String]?) {
        guard let values else { return }
        member(key)
        bytes.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            append(value)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func integers(_ key: StaticString, _ values: [Int]?) {
        guard let values else { return }
        member(key)
        bytes.append(UInt8(ascii: "["))
        bytes.append(contentsOf: values.map(String.init).joined(separator: ",").utf8)
        bytes.append(UInt8(ascii: "]"))
    }

    /// RFC 3339 in UTC, whole seconds (`JSONEncoder`'s `.iso8601`).
    mutating func date(_ key: StaticString, _ value: Date?) {
        guard let value else { return }
        member(key)
        append(value.formatted(.iso8601))
    }

    /// The object, closed.
    consuming func closed() -> [UInt8] {
        bytes.append(UInt8(ascii: "}"))
        return bytes
    }

    private mutating func member(_ key: StaticString) {
        if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
        bytes.append(UInt8(ascii: "\""))
        key.withUTF8Buffer { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: "\":".utf8)
    }

    private mutating func append(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        defer { bytes.append(UInt8(ascii: "\"")) }
        // Most text needs no escape (ids, nonces, names, claims): one copy.
        guard text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
            bytes.append(contentsOf: text.utf8)
            return
        }
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"): bytes.append(contentsOf: [UInt8(ascii: "\\"), byte])
            case 0x08: bytes.append(contentsOf: "\\b".utf8)
            case 0x09: bytes.append(contentsOf: "\\t".utf8)
            case 0x0A: bytes.append(contentsOf: "\\n".utf8)
            case 0x0C: bytes.append(contentsOf: "\\f".utf8)
            case 0x0D: bytes.append(contentsOf: "\\r".utf8)
            case 0..<0x20:
                bytes.append(contentsOf: "\\u00".utf8)
                bytes.append(contentsOf: [Self.hex[Int(byte >> 4)], Self.hex[Int(byte & 0xF)]])
            default: bytes.append(byte)
            }
        }
    }
}
