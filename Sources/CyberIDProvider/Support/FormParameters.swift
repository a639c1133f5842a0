/// `application/x-www-form-urlencoded` parameters (query strings and form bodies), with the
/// OAuth rule that a parameter must not be sent twice (RFC 6749 §3.1; tolerated with the same value) and that an empty
/// value counts as absent.
public struct FormParameters: Sendable, Equatable {
    /// Parameter values by name.
    public private(set) var values: [String: String]

    /// Creates parameters from decoded values.
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Parses an encoded query string or form body.
    ///
    /// Works on the UTF-8 bytes (a `&` or `=` is a separator wherever it stands, as in the WHATWG
    /// URL standard's form parser), not on `Character`s: splitting by grapheme cost a login more
    /// than the rest of the parse (benchmarks.md, "The fourth step"). The one difference from the
    /// `Character` split it replaced is raw (unencoded) non-ASCII text: a `&` or `=` that forms one
    /// grapheme with a neighbour (a combining mark or joiner after it, a prepend character such as
    /// U+0600 before it) was not a separator there and is one now.
    /// - Throws: ``ProviderError`` `invalid_request` for a repeated parameter or bad encoding.
    public init(encoded text: some StringProtocol) throws(ProviderError) {
        var string = String(text)
        let parsed = string.withUTF8 { Self.parse($0) }
        switch parsed {
        case .success(let values): self.values = values
        case .failure(let error): throw error
        }
    }

    private static func parse(_ bytes: UnsafeBufferPointer<UInt8>) -> Result<[String: String], ProviderError> {
        var values = [String: String]()
        var start = 0
        while start <= bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != UInt8(ascii: "&") { end += 1 }
            defer { start = end + 1 }
            guard end > start else { continue }
            var equals = start
            while equals < end && bytes[equals] != UInt8(ascii: "=") { equals += 1 }
            guard let name = decode(UnsafeBufferPointer(rebasing: bytes[start..<equals])),
                let value = decode(UnsafeBufferPointer(rebasing: bytes[min(equals + 1, end)..<end]))
            else {
                return .failure(.invalidRequest("a parameter is not correctly URL-encoded"))
            }
            if value.isEmpty { continue }
            // A repeat with the same value is harmless (a client library sending client_id both as
            // a request parameter and for client_secret_post); a different value is ambiguous.
            if let earlier = values[name], !earlier.utf8.elementsEqual(value.utf8) {
                return .failure(.invalidRequest("the parameter \(name) is repeated with different values"))
            }
            values[name] = value
        }
        return .success(values)
    }

    /// The value of `name`, if present and not empty.
    public subscript(_ name: String) -> String? { values[name] }

    /// Encodes `pairs` (in order) for a URL query.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func escape(_ text: String) -> String {
        let digits: StaticString = "0123456789ABCDEF"
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count * 3)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out.append(UInt8(ascii: "%"))
                out.append(digits.utf8Start[Int(byte >> 4)])
                out.append(digits.utf8Start[Int(byte & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    private static func decode(_ text: UnsafeBufferPointer<UInt8>) -> String? {
        // Most names and values need no decoding: validate and copy them as they are.
        if !text.contains(where: { $0 == UInt8(ascii: "%") || $0 == UInt8(ascii: "+") }) {
            return String(validating: text, as: UTF8.self)
        }
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.count)
        var index = 0
        while index < text.count {
            let byte = text[index]
            index += 1
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard index + 2 <= text.count,
                    let high = hexValue(text[index]), let low = hexValue(text[index + 1])
                else { return nil }
                bytes.append(high << 4 | low)
                index += 2
            default: bytes.append(byte)
            }
        }
        return String(validating: bytes, as: UTF8.self)
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
