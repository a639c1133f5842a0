import Foundation

/// Parses the RFC 3339 timestamps of the enrollment API (`2026-11-25T10:10:00Z`, with or
/// without fractional seconds).
enum RFC3339 {
    /// The date, or `nil` when `text` is not an RFC 3339 timestamp.
    static func parse(_ text: String) -> Date? {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.date(from: text)
    }
}
