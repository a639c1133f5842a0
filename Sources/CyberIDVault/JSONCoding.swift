public import Foundation

// The service's JSON for wallets and sealed records: snake_case keys, ISO 8601 dates, sorted
// keys. Every identity record ever sealed was encoded this way, so it never changes.

extension JSONEncoder {
    /// snake_case keys, ISO 8601 dates, sorted keys: the enrollment API's and the sealed records' JSON.
    public static var enrollment: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching ``JSONEncoder/enrollment``.
    public static var enrollment: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}
