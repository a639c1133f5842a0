import Foundation

/// The decoded payload of an ID token the SDK has verified: the JSON as CyberID signed it
/// (pretty-printed for the page) and each claim's value as shown in the claims table.
struct IDTokenPayload: Sendable, Equatable {
    /// A JSON value, decoded without loss of its kind (a boolean stays a boolean).
    enum Value: Codable, Sendable, Equatable {
        case bool(Bool)
        case integer(Int64)
        case number(Double)
        case string(String)
        case array([Value])
        case object([String: Value])
        case null

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let value = try? container.decode(Bool.self) {
                self = .bool(value)
            } else if let value = try? container.decode(Int64.self) {
                self = .integer(value)
            } else if let value = try? container.decode(Double.self) {
                self = .number(value)
            } else if let value = try? container.decode(String.self) {
                self = .string(value)
            } else if let value = try? container.decode([Value].self) {
                self = .array(value)
            } else {
                self = .object(try container.decode([String: Value].self))
            }
        }

        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            switch self {
            case .bool(let value): try container.encode(value)
            case .integer(let value): try container.encode(value)
            case .number(let value): try container.encode(value)
            case .string(let value): try container.encode(value)
            case .array(let value): try container.encode(value)
            case .object(let value): try container.encode(value)
            case .null: try container.encodeNil()
            }
        }

        /// The value as the claims table shows it: arrays joined by ", ", objects as JSON.
        var text: String {
            switch self {
            case .bool(let value): value ? "true" : "false"
            case .integer(let value): String(value)
            case .number(let value): String(value)
            case .string(let value): value
            case .array(let values): values.map(\.text).joined(separator: ", ")
            case .object: (try? IDTokenPayload.encoder.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            case .null: "null"
            }
        }
    }

    /// The claims whose values are times (seconds since 1970), shown with their UTC date too.
    static let timeClaims: Set<String> = ["iat", "exp", "auth_time", "nbf"]

    /// The payload, pretty-printed with sorted keys.
    let json: String
    /// Each claim's value as shown.
    let claims: [String: String]

    /// Decodes the payload (the second part) of a compact JWS.
    /// - Returns: `nil` when it is not a JWS with a JSON object as payload.
    init?(idToken: String) {
        let parts = idToken.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3, let data = Self.base64URLDecode(parts[1]),
            let object = try? JSONDecoder().decode([String: Value].self, from: data),
            let pretty = try? Self.prettyEncoder.encode(object)
        else { return nil }
        json = String(decoding: pretty, as: UTF8.self)
        var claims = [String: String]()
        for (name, value) in object {
            if Self.timeClaims.contains(name), case .integer(let seconds) = value {
                claims[name] = "\(seconds) (\(Self.utc(seconds)))"
            } else {
                claims[name] = value.text
            }
        }
        self.claims = claims
    }

    /// Compact JSON with sorted keys (a fresh encoder each time: JSONEncoder is a class).
    static var encoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// Pretty-printed JSON with sorted keys.
    static var prettyEncoder: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return encoder
    }

    /// `2026-01-31 08:00:00 UTC`.
    static func utc(_ seconds: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? .current
        let parts = calendar.dateComponents(
            [.year, .month, .day, .hour, .minute, .second], from: Date(timeIntervalSince1970: TimeInterval(seconds)))
        func two(_ value: Int?) -> String { String(format: "%02d", value ?? 0) }
        return "\(parts.year ?? 0)-\(two(parts.month))-\(two(parts.day)) "
            + "\(two(parts.hour)):\(two(parts.minute)):\(two(parts.second)) UTC"
    }

    /// base64url without padding (RFC 7515 §2).
    static func base64URLDecode(_ text: Substring) -> Data? {
        var base64 = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        base64 += String(repeating: "=", count: (4 - base64.count % 4) % 4)
        return Data(base64Encoded: base64)
    }
}
