import CyberIDCore
@testable import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// A person's history read newest first by time windows (issue 16): on PostgreSQL the last month,
/// then the year, then the rest, stopping when the page is full. Whatever the windows, the lines
/// and their order are the one statement's — the oracle here is that statement itself.
@Suite struct HistoryReadTests {
    /// The read's "now": far from the fixed times of the shared fixtures (2027-01).
    let now = Date(timeIntervalSince1970: 1_876_132_800)  // 2029-06-15T12:00:00Z
    static let day: TimeInterval = 86_400

    /// p1's lines around every window boundary (and a line a minute ahead, as another node's
    /// clock may stamp it; two lines at the same instant), in month partitions on PostgreSQL;
    /// p2's lines interleaved.
    func prepare(_ store: SQLStore) async throws {
        try await PortalStoreTests().prepare(store)
        var month = HistoryMonth(containing: now.addingTimeInterval(-820 * Self.day))
        while month.start < now.addingTimeInterval(60 * Self.day) {
            _ = try await store.maintainHistory(events: [], before: nil, now: month.start)
            for _ in 0..<3 { month = month.next }
        }
        let offsets: [TimeInterval] = [
            60, -Self.day, -Self.day, -10 * Self.day, -30.9 * Self.day, -31 * Self.day, -31 * Self.day - 0.001,
            -200 * Self.day, -366 * Self.day, -366 * Self.day - 0.001, -367 * Self.day, -800 * Self.day,
            // Ties on the boundaries, across a month partition and the record's partition.
            -31 * Self.day, -31 * Self.day, -366 * Self.day,
        ]
        let events: [HistoryEvent] = [.login, .password, .suspend, .inPersonVerification]
        for (index, offset) in offsets.enumerated() {
            let at = now.addingTimeInterval(offset)
            _ = try await store.append(
                HistoryEntry(personID: "p1", clientID: index % 3 == 0 ? "c1" : nil, event: events[index % 4], at: at))
            _ = try await store.append(HistoryEntry(personID: "p2", clientID: "c1", event: .login, at: at))
        }
    }

    /// The one statement the windows replace: p1's lines matching `filter`, newest first.
    func oracle(_ database: any SQLDatabase, _ filter: HistoryFilter = HistoryFilter()) async throws -> [Int64] {
        let lines = try await database.read { connection in
            try await connection.query(
                """
                SELECT id, client_id, event, occurred_at FROM history WHERE person_id = 'p1'
                ORDER BY occurred_at DESC, id DESC
                """, []
            ).map { row throws(StoreError) in
                (id: try row.integer("id"), client: try row.optionalText("client_id"), event: try row.text("event"),
                 at: try row.time("occurred_at"))
            }
        }
        return lines.filter { line in
            (filter.clientID.map { $0 == line.client } ?? true) && (filter.event.map { $0 == line.event } ?? true)
                && (filter.from.map { line.at >= $0 } ?? true) && (filter.until.map { line.at < $0 } ?? true)
        }.map(\.id)
    }

    /// Every page size, paged through with the cursor, gives the statement's lines in its order —
    /// by windows on both backends (`windowed: true`) and as each backend reads by default.
    @Test(arguments: Backend.available, [true, nil])
    func pagesEqualTheOneStatement(_ backend: Backend, windowed: Bool?) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let filters = [
                HistoryFilter(), HistoryFilter(event: HistoryEvent.login.rawValue), HistoryFilter(clientID: "c1"),
                HistoryFilter(from: now.addingTimeInterval(-366 * Self.day)),
                HistoryFilter(from: now.addingTimeInterval(-20 * Self.day)),
                HistoryFilter(until: now.addingTimeInterval(-31 * Self.day)),
                HistoryFilter(from: now.addingTimeInterval(-400 * Self.day), until: now.addingTimeInterval(-5 * Self.day)),
                HistoryFilter(until: now.addingTimeInterval(1000 * Self.day)),
                HistoryFilter(clientID: "c1", event: HistoryEvent.login.rawValue),
            ]
            for filter in filters {
                let expected = try await oracle(database, filter)
                #expect(!expected.isEmpty)
                for size in [1, 2, 3, 5, 8, 26, 100] {
                    var shown = [Int64]()
                    var cursor: Int64?
                    repeat {
                        let page = try await store.history(
                            personID: "p1", filter: filter, beforeID: cursor, limit: size, now: now, windowed: windowed)
                        #expect(page.count <= size)
                        #expect(page.allSatisfy { $0.personID == "p1" })
                        shown += page.compactMap(\.id)
                        cursor = page.count == size ? page.last?.id : nil
                    } while cursor != nil && shown.count <= expected.count
                    #expect(shown == expected, "filter \(filter), page size \(size)")
                }
            }
            // The wallet's read (no filter, no cursor) at every limit.
            let all = try await oracle(database)
            for limit in 0...all.count + 1 {
                let lines = try await store.history(
                    personID: "p1", filter: HistoryFilter(), beforeID: nil, limit: limit, now: now, windowed: windowed)
                #expect(lines.compactMap(\.id) == Array(all.prefix(limit)))
            }
            // A cursor that is not p1's line shows nothing.
            let other = try #require(try await store.history(personID: "p2", limit: 1).first?.id)
            #expect(try await store.history(personID: "p1", filter: HistoryFilter(), beforeID: other, limit: 5).isEmpty)
        }
    }

    @Test func aSparseMonthJoinsTheYearAndTheRest() {
        let windows = HistoryWindow.newestFirst(anchor: now, from: nil)
        let after = windows.dropFirst()
        // 2 lines in the month: a year of such months (≈ 24) may fill a page of 20.
        #expect(HistoryWindow.afterTheMonth(found: 2, limit: 20, after) == after)
        // 1 line: the year would not; one statement for everything older than the month.
        #expect(
            HistoryWindow.afterTheMonth(found: 1, limit: 20, after) == [HistoryWindow(lower: nil, upper: windows[0].lower)])
        #expect(
            HistoryWindow.afterTheMonth(found: 0, limit: 20, after) == [HistoryWindow(lower: nil, upper: windows[0].lower)])
        // With `from` inside the year only the year is left, and it stays; so does the rest alone.
        let bounded = HistoryWindow.newestFirst(anchor: now, from: now.addingTimeInterval(-100 * Self.day)).dropFirst()
        #expect(HistoryWindow.afterTheMonth(found: 0, limit: 20, bounded) == bounded)
        #expect(HistoryWindow.afterTheMonth(found: 0, limit: 20, after.dropFirst()) == after.dropFirst())
    }

    @Test func windowsGoBackFromTheAnchorAndStopAtFrom() {
        let anchor = now
        let month = anchor.addingTimeInterval(-31 * Self.day)
        let year = anchor.addingTimeInterval(-366 * Self.day)
        #expect(
            HistoryWindow.newestFirst(anchor: anchor, from: nil) == [
                HistoryWindow(lower: month, upper: nil), HistoryWindow(lower: year, upper: month),
                HistoryWindow(lower: nil, upper: year),
            ])
        #expect(
            HistoryWindow.newestFirst(anchor: anchor, from: anchor.addingTimeInterval(-Self.day)) == [
                HistoryWindow(lower: month, upper: nil)
            ])
        #expect(
            HistoryWindow.newestFirst(anchor: anchor, from: month) == [HistoryWindow(lower: month, upper: nil)])
        #expect(
            HistoryWindow.newestFirst(anchor: anchor, from: anchor.addingTimeInterval(-100 * Self.day)) == [
                HistoryWindow(lower: month, upper: nil), HistoryWindow(lower: year, upper: month),
            ])
    }
}
