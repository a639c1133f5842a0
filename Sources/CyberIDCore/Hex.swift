/// Hexadecimal text (certificate serials, challenges on the command line).
public enum Hex {
    private static let digits = Array("0123456789abcdef".utf8)

    /// Lower-case hexadecimal text of `bytes`, with `separator` between bytes if given (`:` for
    /// fingerprints). Written straight into the string's storage: `String(format: "%02x")` per
    /// byte went through Foundation's formatter and was 2 % of a login's server CPU (rate-limit
    /// keys, the wallet certificate's serial; benchmarks.md, "Small strings").
    public static func encode(_ bytes: some Collection<UInt8>, separator: UInt8? = nil) -> String {
        guard !bytes.isEmpty else { return "" }
        let count = bytes.count * 2 + (separator == nil ? 0 : bytes.count - 1)
        return String(unsafeUninitializedCapacity: count) { buffer in
            var index = 0
            for byte in bytes {
                if let separator, index > 0 {
                    buffer[index] = separator
                    index += 1
                }
                buffer[index] = digits[Int(byte >> 4)]
                buffer[index + 1] = digits[Int(byte & 0x0F)]
                index += 2
            }
            return index
        }
    }

    /// Parses hexadecimal text (either case).
    /// - Returns: the bytes, or `nil` for odd length or non-hex characters.
    public static func decode(_ text: String) -> [UInt8]? {
        let characters = Array(text.utf8)
        guard characters.count % 2 == 0 else { return nil }
        var bytes = [UInt8]()
        bytes.reserveCapacity(characters.count / 2)
        for index in stride(from: 0, to: characters.count, by: 2) {
            guard let high = value(characters[index]), let low = value(characters[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        return bytes
    }

    private static func value(_ character: UInt8) -> UInt8? {
        switch character {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): character - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): character - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): character - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
