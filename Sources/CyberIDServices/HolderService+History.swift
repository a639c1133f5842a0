public import CyberIDCore
public import CyberIDLifecycle
import CyberIDProvider
import CyberIDStore
public import Foundation

extension HolderService {
    /// One page of the person's history, newest first.
    /// - Parameters:
    ///   - before: the id of the last line of the newer page (the `older` cursor).
    ///   - size: lines per page (1…200).
    public func historyPage(personID: String, query: HistoryQuery, before: Int64? = nil, size: Int = 25) async throws
        -> HistoryPage
    {
        let size = max(1, min(size, 200))
        let entries = try await store.history(
            personID: personID, filter: Self.filter(query), beforeID: before, limit: size + 1)
        let shown = Array(entries.prefix(size))
        return HistoryPage(
            lines: try await history.views(shown), olderCursor: entries.count > size ? shown.last?.id : nil,
            hasNewer: before != nil)
    }

    /// Every line matching the filter (at most 10,000, newest first), for the downloads.
    public func historyExport(personID: String, query: HistoryQuery) async throws -> [HistoryView] {
        try await history.views(
            try await store.history(personID: personID, filter: Self.filter(query), beforeID: nil, limit: 10_000))
    }

    /// Successful verifications (logins at platforms and in-person codes) per week, Monday to
    /// Sunday in `zone`, for the last `weeks` weeks, oldest first.
    public func weeklyVerifications(personID: String, weeks: Int = 12, zone: TimeZone, now: Date = Date()) async throws
        -> [WeekCount]
    {
        var calendar = Calendar(identifier: .iso8601)
        calendar.timeZone = zone
        guard let thisWeek = calendar.dateInterval(of: .weekOfYear, for: now)?.start,
            let first = calendar.date(byAdding: .weekOfYear, value: -(weeks - 1), to: thisWeek)
        else { return [] }
        let starts = (0..<weeks).compactMap { calendar.date(byAdding: .weekOfYear, value: $0, to: first) }
        var counts = [Int](repeating: 0, count: starts.count)
        for event in [HistoryEvent.login, .inPersonVerification] {
            let lines = try await store.history(
                personID: personID, filter: HistoryFilter(event: event.rawValue, from: first), beforeID: nil,
                limit: 10_000)
            // Signing in to the portal itself is not a verification by a platform.
            for line in lines
            where line.outcome == HistoryOutcome.success.rawValue && !FirstPartyClient.isReserved(line.clientID ?? "") {
                guard let index = starts.lastIndex(where: { $0 <= line.occurredAt }) else { continue }
                counts[index] += 1
            }
        }
        return zip(starts, counts).map { WeekCount(weekStart: $0, count: $1) }
    }

    static func filter(_ query: HistoryQuery) -> HistoryFilter {
        HistoryFilter(clientID: query.clientID, event: query.event, from: query.from, until: query.until)
    }
}

/// The history as a download (issue 14): JSON (the wallet API's shape) and CSV (RFC 4180).
public enum HistoryExport {
    /// JSON: an array of lines, times in ISO 8601.
    public static func json(_ lines: [HistoryView]) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        encoder.dateEncodingStrategy = .iso8601
        return try encoder.encode(lines)
    }

    /// CSV with a header row; every cell quoted, quotes doubled, and a cell a spreadsheet would
    /// read as a formula (`=`, `+`, `-`, `@`, tab, carriage return first) prefixed with `'`.
    public static func csv(_ lines: [HistoryView]) -> String {
        let formatter = ISO8601DateFormatter()
        var rows = [["occurred_at", "event", "outcome", "client_id", "client_name", "detail"]]
        for line in lines {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            let detail = (try? encoder.encode(line.detail)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
            rows.append([
                formatter.string(from: line.occurredAt), line.event, line.outcome, line.clientID ?? "",
                line.clientName ?? "", detail,
            ])
        }
        return rows.map { $0.map(cell).joined(separator: ",") }.joined(separator: "\r\n") + "\r\n"
    }

    static func cell(_ text: String) -> String {
        var text = text
        if let first = text.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) { text = "'" + text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
