/// Crockford's base32 alphabet and its forgiving decoder.
///
/// Network numbers are read aloud, typed on phones and copied from screens, so the alphabet
/// leaves out I, L, O and U, and decoding maps the look-alikes I/L to 1 and O to 0
/// (<https://www.crockford.com/base32.html>).
package enum CrockfordBase32 {
    /// The 32 symbols, in value order.
    package static let alphabet: [UInt8] = Array("0123456789ABCDEFGHJKMNPQRSTVWXYZ".utf8)

    /// The value of one ASCII symbol, case-insensitively, with I/L→1 and O→0; `nil` if the
    /// symbol is not part of the alphabet (U included).
    package static func value(of symbol: UInt8) -> UInt8? {
        decodeTable[Int(symbol)]
    }

    private static let decodeTable: [UInt8?] = {
        var table = [UInt8?](repeating: nil, count: 256)
        for (value, symbol) in alphabet.enumerated() {
            table[Int(symbol)] = UInt8(value)
            // Lower-case letters decode like upper-case ones.
            if symbol >= UInt8(ascii: "A") && symbol <= UInt8(ascii: "Z") {
                table[Int(symbol + 32)] = UInt8(value)
            }
        }
        for alias in "IiLl".utf8 { table[Int(alias)] = 1 }
        for alias in "Oo".utf8 { table[Int(alias)] = 0 }
        return table
    }()
}
