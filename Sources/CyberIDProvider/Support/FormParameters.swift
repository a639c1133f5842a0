/// `application/x-www-form-urlencoded` parameters (query strings and form bodies), with the
/// OAuth rule that a parameter must not be sent twice (RFC 6749 §3.1; tolerated with the same value) and that an empty
/// value counts as absent.
public struct FormParameters: Sendable, Equatable {
    /// Parameter values by name.
    public private(set) var values: [String: String]

    /// Creates parameters from decoded values.
    public init(_ values: [String: String] = [:]) { self.values = values }

    /// Parses an encoded query string or form body.
    /// - Throws: ``ProviderError`` `invalid_request` for a repeated parameter or bad encoding.
    public init(encoded text: some StringProtocol) throws(ProviderError) {
        var values = [String: String]()
        for pair in text.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let name = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw .invalidRequest("a parameter is not correctly URL-encoded")
            }
            if value.isEmpty { continue }
            // A repeat with the same value is harmless (a client library sending client_id both as
            // a request parameter and for client_secret_post); a different value is ambiguous.
            guard values[name] == nil || values[name] == value else {
                throw .invalidRequest("the parameter \(name) is repeated with different values")
            }
            values[name] = value
        }
        self.values = values
    }

    /// The value of `name`, if present and not empty.
    public subscript(_ name: String) -> String? { values[name] }

    /// Encodes `pairs` (in order) for a URL query.
    public static func encode(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(escape($0.0))=\(escape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    public static func escape(_ text: String) -> String {
        var out = ""
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.unicodeScalars.append(Unicode.Scalar(byte))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }

    private static func decode(_ text: some StringProtocol) -> String? {
        var bytes = [UInt8]()
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hexValue), let low = iterator.next().flatMap(hexValue) else {
                    return nil
                }
                bytes.append(high << 4 | low)
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

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
