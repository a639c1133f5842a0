/// A value bound to, or read from, a SQL statement.
///
/// The store keeps to four portable storage classes so that every statement runs unchanged on
/// SQLite and PostgreSQL: 64-bit integers (times are Unix milliseconds), text, bytes and NULL.
public enum SQLValue: Sendable, Hashable {
    case null
    case integer(Int64)
    case text(String)
    case blob([UInt8])
}

extension SQLValue: ExpressibleByStringLiteral {
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLValue: ExpressibleByIntegerLiteral {
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLValue {
    /// Binds an optional string as text or NULL.
    public static func text(_ value: String?) -> SQLValue { value.map(SQLValue.text) ?? .null }
    /// Binds an optional integer as an integer or NULL.
    public static func integer(_ value: Int64?) -> SQLValue { value.map(SQLValue.integer) ?? .null }
    /// Binds optional bytes as a blob or NULL.
    public static func blob(_ value: [UInt8]?) -> SQLValue { value.map(SQLValue.blob) ?? .null }
    /// Binds a Boolean as 0 or 1 (portable across both dialects).
    public static func bool(_ value: Bool) -> SQLValue { .integer(value ? 1 : 0) }
}
