/// A JSON value of the small kinds the service returns in open-ended objects (userinfo claims,
/// history details).
public enum JSONValue: Sendable, Equatable, Encodable {
    case string(String)
    case strings([String])
    case number(Double)
    case bool(Bool)

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .string(let value): try container.encode(value)
        case .strings(let value): try container.encode(value)
        case .number(let value): try container.encode(value)
        case .bool(let value): try container.encode(value)
        }
    }
}
