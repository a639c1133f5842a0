/// One result row, read by column name.
public struct SQLRow: Sendable {
    /// Column names in select order.
    public let columns: [String]
    /// Values in select order.
    public let values: [SQLValue]

    /// Creates a row; drivers call this.
    public init(columns: [String], values: [SQLValue]) {
        self.columns = columns
        self.values = values
    }

    /// The raw value of a column.
    /// - Throws: ``StoreError/corrupt`` when the column was not selected.
    public func value(_ column: String) throws(StoreError) -> SQLValue {
        guard let index = columns.firstIndex(of: column) else {
            throw .corrupt("column \(column) missing from result")
        }
        return values[index]
    }

    /// A non-null integer column.
    public func integer(_ column: String) throws(StoreError) -> Int64 {
        guard let value = try optionalInteger(column) else { throw .corrupt("column \(column) is NULL") }
        return value
    }

    /// An integer column that may be NULL.
    public func optionalInteger(_ column: String) throws(StoreError) -> Int64? {
        switch try value(column) {
        case .null: return nil
        case .integer(let value): return value
        case .text(let text):
            guard let value = Int64(text) else { throw .corrupt("column \(column) is not an integer") }
            return value
        case .blob: throw .corrupt("column \(column) is not an integer")
        }
    }

    /// A non-null text column.
    public func text(_ column: String) throws(StoreError) -> String {
        guard let value = try optionalText(column) else { throw .corrupt("column \(column) is NULL") }
        return value
    }

    /// A text column that may be NULL.
    public func optionalText(_ column: String) throws(StoreError) -> String? {
        switch try value(column) {
        case .null: return nil
        case .text(let value): return value
        case .integer(let value): return String(value)
        case .blob(let bytes): return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// A non-null byte column.
    public func blob(_ column: String) throws(StoreError) -> [UInt8] {
        guard let value = try optionalBlob(column) else { throw .corrupt("column \(column) is NULL") }
        return value
    }

    /// A byte column that may be NULL.
    public func optionalBlob(_ column: String) throws(StoreError) -> [UInt8]? {
        switch try value(column) {
        case .null: return nil
        case .blob(let value): return value
        case .text(let text): return Array(text.utf8)
        case .integer: throw .corrupt("column \(column) is not bytes")
        }
    }

    /// A Boolean stored as 0/1.
    public func bool(_ column: String) throws(StoreError) -> Bool { try integer(column) != 0 }
}
