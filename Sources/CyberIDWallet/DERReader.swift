import Foundation

/// Just enough of a DER (X.690) reader to find the validity and key of an X.509 certificate.
///
/// It splits bytes into TLVs without interpreting them; callers walk the structure they expect.
enum DERReader {
    /// One TLV.
    struct Element {
        /// The identifier octet (only low tag numbers are supported).
        let tag: UInt8
        /// The content octets.
        let content: ArraySlice<UInt8>
        /// The whole TLV: tag, length and content.
        let encoded: ArraySlice<UInt8>
    }

    /// The TLVs that exactly fill `bytes`.
    /// - Throws: ``WalletError/invalidCertificate`` for truncated input, indefinite lengths or
    ///   high tag numbers.
    static func elements(_ bytes: ArraySlice<UInt8>) throws -> [Element] {
        var result: [Element] = []
        var index = bytes.startIndex
        while index < bytes.endIndex {
            let start = index
            let tag = bytes[index]
            guard tag & 0x1F != 0x1F else { throw malformed("high tag numbers are not supported") }
            index += 1
            guard index < bytes.endIndex else { throw malformed("truncated length") }
            let first = bytes[index]
            index += 1
            var length = 0
            if first < 0x80 {
                length = Int(first)
            } else {
                let count = Int(first & 0x7F)
                guard count >= 1, count <= 4 else { throw malformed("unsupported length form") }
                guard bytes.endIndex - index >= count else { throw malformed("truncated length") }
                for _ in 0..<count {
                    length = (length << 8) | Int(bytes[index])
                    index += 1
                }
            }
            guard bytes.endIndex - index >= length else { throw malformed("truncated content") }
            let content = bytes[index..<(index + length)]
            index += length
            result.append(Element(tag: tag, content: content, encoded: bytes[start..<index]))
        }
        return result
    }

    /// The children of a constructed element with the given tag.
    static func children(of element: Element, tag: UInt8) throws -> [Element] {
        guard element.tag == tag else { throw malformed("unexpected tag \(element.tag), wanted \(tag)") }
        return try elements(element.content)
    }

    /// A UTCTime (tag 0x17, `YYMMDDHHMMSSZ`) or GeneralizedTime (tag 0x18, `YYYYMMDDHHMMSSZ`,
    /// fractional seconds tolerated) in UTC, as RFC 5280 §4.1.2.5 restricts them.
    static func time(_ element: Element) throws -> Date {
        var text = Array(element.content)
        let yearDigits: Int
        switch element.tag {
        case 0x17: yearDigits = 2
        case 0x18: yearDigits = 4
        default: throw malformed("a certificate time must be UTCTime or GeneralizedTime")
        }
        guard text.last == UInt8(ascii: "Z") else { throw malformed("a certificate time must be in UTC") }
        text.removeLast()
        // RFC 5280 forbids fractional seconds, but some issuers write them in GeneralizedTime.
        var fraction: [UInt8] = []
        if element.tag == 0x18, let dot = text.firstIndex(of: UInt8(ascii: ".")) {
            fraction = Array(text[(dot + 1)...])
            text = Array(text[..<dot])
            guard !fraction.isEmpty else { throw malformed("empty fractional seconds") }
        }
        guard text.count == yearDigits + 10 else { throw malformed("a certificate time must have whole seconds") }
        var digits: [Int] = []
        for byte in text + fraction {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { throw malformed("bad time digit") }
            digits.append(Int(byte - UInt8(ascii: "0")))
        }
        func number(_ from: Int, _ count: Int) -> Int {
            digits[from..<(from + count)].reduce(0) { $0 * 10 + $1 }
        }
        var year = number(0, yearDigits)
        if yearDigits == 2 { year += year >= 50 ? 1900 : 2000 }
        let month = number(yearDigits, 2)
        let day = number(yearDigits + 2, 2)
        let hour = number(yearDigits + 4, 2)
        let minute = number(yearDigits + 6, 2)
        let second = number(yearDigits + 8, 2)
        guard (1...12).contains(month), (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
            (0...60).contains(second)
        else { throw malformed("time out of range") }
        let days = daysSinceEpoch(year: year, month: month, day: day)
        var seconds = TimeInterval(days * 86_400 + hour * 3_600 + minute * 60 + second)
        var scale = 0.1
        for digit in digits.dropFirst(yearDigits + 10) {
            seconds += Double(digit) * scale
            scale /= 10
        }
        return Date(timeIntervalSince1970: seconds)
    }

    /// Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`).
    static func daysSinceEpoch(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let monthFromMarch = (month + 9) % 12
        let dayOfYear = (153 * monthFromMarch + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    private static func malformed(_ reason: String) -> WalletError {
        .invalidCertificate("malformed DER: \(reason)")
    }
}
