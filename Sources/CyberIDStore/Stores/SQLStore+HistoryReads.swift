public import CyberIDCore
import Foundation

/// A person's history read newest first (the wallet's list, the portal's pages).
///
/// On PostgreSQL verification lines live in month partitions (schema 20), and one
/// `ORDER BY occurred_at DESC, id DESC LIMIT n` over the partitioned table probes every month's
/// index before it can return the first line (a merge of all of them: the planner cannot read
/// the months in order through the list level above them). So the read goes by time windows,
/// newest first — the last month, then the year before it, then everything older — each one a
/// statement that PostgreSQL prunes to that window's months, and it stops as soon as the page is
/// full. A person with a line a day or more fills a portal page from the first window alone; when the
/// month found too few lines for a year of such months to fill the page, the year and the rest
/// are read as one window (``HistoryWindow/afterTheMonth(found:limit:_:)``). The
/// windows are disjoint and in descending time, so their lines, concatenated, are the one
/// statement's lines in the same order (the statements run one after the other, not in one
/// snapshot: a line committed meanwhile may show, never twice). SQLite keeps one table and one
/// index, where the plain statement is already the cheapest: it reads in one window; so does a
/// read of more than ``HistoryWindow/pageLimit`` lines, which reads every window anyway.
extension SQLStore {
    public func history(personID: String, limit: Int) async throws -> [HistoryEntry] {
        try await history(personID: personID, filter: HistoryFilter(), beforeID: nil, limit: limit)
    }

    public func history(personID: String, filter: HistoryFilter, beforeID: Int64?, limit: Int) async throws
        -> [HistoryEntry]
    {
        try await history(personID: personID, filter: filter, beforeID: beforeID, limit: limit, now: Date())
    }

    /// As ``history(personID:filter:beforeID:limit:)``, with the windows anchored at `now`.
    /// - Parameter windowed: read by windows (`nil`: on PostgreSQL, for a page of at most
    ///   ``HistoryWindow/pageLimit`` lines).
    func history(
        personID: String, filter: HistoryFilter, beforeID: Int64?, limit: Int, now: Date, windowed: Bool? = nil
    ) async throws -> [HistoryEntry] {
        guard limit > 0 else { return [] }
        let limit = min(limit, 10_000)
        // A read that wants everything (the downloads, the weekly chart) reads every window anyway.
        let windowed = windowed ?? (database.dialect == .postgres && limit <= HistoryWindow.pageLimit)
        return try await database.read { connection in
            var cursor: (time: Int64, id: Int64)?
            if let beforeID {
                // Newest first by (occurred_at, id): the cursor is the last line shown. A cursor
                // that is not this person's line shows nothing, as before.
                let row = try await connection.query(
                    "SELECT occurred_at FROM history WHERE id = $1 AND person_id = $2",
                    [.integer(beforeID), .text(personID)]
                ).first
                guard let row else { return [] }
                cursor = (try row.integer("occurred_at"), beforeID)
            }
            // The windows go back from the newest time the read can show.
            let anchor = [cursor.map { Date(milliseconds: $0.time) }, filter.until, now].compactMap { $0 }.min() ?? now
            var windows: ArraySlice<HistoryWindow> =
                windowed
                ? HistoryWindow.newestFirst(anchor: anchor, from: filter.from)[...] : [HistoryWindow(lower: nil, upper: nil)]
            var lines = [HistoryEntry]()
            while let window = windows.popFirst() {
                let (sql, binds) = Self.historyStatement(
                    personID: personID, filter: filter, cursor: cursor, window: window, limit: limit - lines.count)
                lines += try await connection.query(sql, binds).map { row throws(StoreError) in
                    HistoryEntry(
                        id: try row.integer("id"), personID: try row.text("person_id"),
                        clientID: try row.optionalText("client_id"), event: try row.text("event"),
                        outcome: try row.text("outcome"), detail: try row.text("detail"),
                        occurredAt: try row.time("occurred_at"))
                }
                if lines.count >= limit { break }
                windows = HistoryWindow.afterTheMonth(found: lines.count, limit: limit, windows)
            }
            return lines
        }
    }

    /// One window's statement. Its text depends only on which conditions are present, so each
    /// form is prepared once per connection.
    static func historyStatement(
        personID: String, filter: HistoryFilter, cursor: (time: Int64, id: Int64)?, window: HistoryWindow, limit: Int
    ) -> (String, [SQLValue]) {
        var conditions = ["person_id = $1"]
        var binds: [SQLValue] = [.text(personID)]
        func add(_ condition: (Int) -> String, _ value: SQLValue) {
            binds.append(value)
            conditions.append(condition(binds.count))
        }
        if let client = filter.clientID { add({ "client_id = $\($0)" }, .text(client)) }
        if let event = filter.event { add({ "event = $\($0)" }, .text(event)) }
        if let from = filter.from { add({ "occurred_at >= $\($0)" }, .time(from)) }
        if let until = filter.until { add({ "occurred_at < $\($0)" }, .time(until)) }
        if let lower = window.lower { add({ "occurred_at >= $\($0)" }, .time(lower)) }
        if let upper = window.upper { add({ "occurred_at < $\($0)" }, .time(upper)) }
        if let cursor {
            // `occurred_at <= t` on its own as well, so that PostgreSQL prunes by it.
            add({ "occurred_at <= $\($0)" }, .integer(cursor.time))
            binds.append(.integer(cursor.id))
            conditions.append("(occurred_at < $\(binds.count - 1) OR id < $\(binds.count))")
        }
        binds.append(.integer(Int64(limit)))
        return (
            """
            SELECT id, person_id, client_id, event, outcome, detail, occurred_at FROM history
            WHERE \(conditions.joined(separator: " AND ")) ORDER BY occurred_at DESC, id DESC LIMIT $\(binds.count)
            """, binds
        )
    }
}

extension HistoryWindow {
    /// The windows left once the month found `found` of `limit` lines. When the year and the rest
    /// are what is left: the two as they are when the year may fill the page — a year is about
    /// twelve such months — and else as one, so that a person with a line a month costs two
    /// statements, not three. Any other windows are left as they are.
    static func afterTheMonth(found: Int, limit: Int, _ windows: ArraySlice<HistoryWindow>) -> ArraySlice<HistoryWindow> {
        guard windows.count == 2, found * 12 < limit, let year = windows.first, let rest = windows.last else { return windows }
        return [HistoryWindow(lower: rest.lower, upper: year.upper)]
    }
}

/// A slice of time a history read covers: `lower` inclusive, `upper` exclusive, `nil` open.
struct HistoryWindow: Sendable, Equatable {
    var lower: Date?
    var upper: Date?

    /// The largest read that goes by windows: the portal's pages (26 lines) and the wallet's
    /// list (100, at most 1,000).
    static let pageLimit = 1_000

    /// How far back the first and the second window reach from the anchor.
    static let reaches: [TimeInterval] = [31 * 86_400, 366 * 86_400]

    /// The windows of a read newest first: everything from `anchor − 31 days` on (no upper
    /// bound, so a line stamped a little ahead by another node's clock is read too), then back to
    /// `anchor − 366 days`, then everything older. Windows wholly before `from` are left out.
    static func newestFirst(anchor: Date, from: Date?) -> [HistoryWindow] {
        var windows = [HistoryWindow]()
        var upper: Date?
        for reach in reaches {
            let lower = anchor.addingTimeInterval(-reach)
            windows.append(HistoryWindow(lower: lower, upper: upper))
            if let from, from >= lower { return windows }
            upper = lower
        }
        windows.append(HistoryWindow(lower: nil, upper: upper))
        return windows
    }
}
