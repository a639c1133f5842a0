import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The console's statistics (issue 15): counts per day in the operator's zone, per platform, per
/// refusal reason and per state, and Security Event delivery per platform — on SQLite and
/// PostgreSQL.
@Suite struct StatisticsStoreTests {
    /// 2027-01-15 08:00:00 UTC.
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400
    let own = "cyberid-"

    func login(_ person: String, _ client: String, _ outcome: String, at time: Date, reason: String? = nil) -> HistoryEntry {
        HistoryEntry(
            personID: person, clientID: client, event: "login", outcome: outcome,
            detail: reason.map { #"{"reason":"\#($0)","requested":["age"]}"# } ?? #"{"requested":["age"]}"#, occurredAt: time)
    }

    /// p1 and p2 enrolled at t0 and t0 + 5 s (their `enrollment` lines), then logins on two
    /// days, two refusals and a platform's events.
    func prepare(_ store: SQLStore) async throws {
        try await PortalStoreTests().prepare(store)
        for entry in [
            login("p1", "c1", "success", at: t0 + 10), login("p1", "c1", "success", at: t0 + 20),
            login("p2", "c2", "success", at: t0 + 30),
            // 00:00:01 UTC the next day: the next day in UTC, still today an hour west of it.
            login("p2", "c1", "success", at: t0 + 16 * 3_600 + 1),
            login("p1", "c1", "failure", at: t0 + 40, reason: "wrong-match-number"),
            login("p2", "c1", "denied", at: t0 + 50, reason: "declined by the person"),
            // A console sign-in: CyberID's own application, never a platform login.
            login("p1", "cyberid-console", "success", at: t0 + 15),
            login("p2", "cyberid-portal", "failure", at: t0 + 16, reason: "level"),
            // Not logins: never counted as one.
            HistoryEntry(personID: "p1", clientID: "c1", event: "password", outcome: "failure", occurredAt: t0 + 60),
            // Before the window.
            login("p1", "c1", "success", at: t0 - 3 * day),
        ] {
            _ = try await store.append(entry)
        }
    }

    func days(_ counts: [DailyCount]) -> [Int64: Int] {
        Dictionary(counts.map { ($0.day, $0.count) }, uniquingKeysWith: +)
    }

    @Test(arguments: Backend.available)
    func countsPerDayFollowTheOperatorsZone(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let since = t0 - day
            let today = Int64(t0.timeIntervalSince1970 / day)
            let utc = try await store.dailyHistoryCounts(event: "login", outcomes: ["success"], since: since, offset: 0, excluding: own)
            #expect(days(utc) == [today: 3, today + 1: 1])
            let west = try await store.dailyHistoryCounts(event: "login", outcomes: ["success"], since: since, offset: -3_600, excluding: own)
            #expect(days(west) == [today: 4])
            let refused = try await store.dailyHistoryCounts(
                event: "login", outcomes: ["failure", "denied"], since: since, offset: 0, excluding: own)
            #expect(days(refused) == [today: 2])
            let enrolled = try await store.dailyHistoryCounts(
                event: "enrollment", outcomes: ["success"], since: since, offset: 28_800, excluding: own)
            #expect(days(enrolled).values.reduce(0, +) == 2)
            // p1 logged in twice today: one active person, with p2 two.
            let active = try await store.dailyDistinctPersons(event: "login", outcome: "success", since: since, offset: 0, excluding: own)
            #expect(days(active) == [today: 2, today + 1: 1])
            #expect(try await store.dailyHistoryCounts(event: "login", outcomes: [], since: since, offset: 0, excluding: own).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func platformsReasonsAndStatesAreCountedWithoutAPerson(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let since = t0 - day
            #expect(
                try await store.historyCountsByClient(event: "login", outcome: "success", since: since, excluding: own)
                    == [NamedCount(name: "c1", count: 3), NamedCount(name: "c2", count: 1)])
            // A person's own "no" is `declined`, whatever its detail says.
            #expect(
                try await store.loginRefusalsByReason(since: since, excluding: own)
                    == [NamedCount(name: "declined", count: 1), NamedCount(name: "wrong-match-number", count: 1)])
            #expect(try await store.personsByState() == [NamedCount(name: "active", count: 2)])
        }
    }

    @Test(arguments: Backend.available)
    func deliveryIsCountedPerPlatformWithTheLastErrorOfAWaitingEvent(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            #expect(try await store.securityEventDelivery().isEmpty)
            try await database.write { connection in
                // (client, delivered, last error, next attempt): delivered twice, dropped once (no
                // events URL: "delivered" with a note), waiting on a retry, given up, never tried.
                for (client, delivered, error, next) in [
                    ("c1", true, nil, t0), ("c1", true, nil, t0), ("c1", true, "no events_uri", t0),
                    ("c1", false, "HTTP 503", t0 + 60), ("c1", false, "HTTP 500", Date(timeIntervalSince1970: 32_503_680_000)),
                    ("c2", false, nil, t0),
                ] as [(String, Bool, String?, Date)] {
                    _ = try await connection.execute(
                        """
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) VALUES ($1, 's', 'suspended', 'r', $2, 1, $5, $3, $4)
                        """,
                        [
                            .text(client), .integer(1_800_000_000_000),
                            delivered ? .integer(1_800_000_100_000) : .null, error.map { .text($0) } ?? .null,
                            .integer(Int64(next.timeIntervalSince1970 * 1000)),
                        ])
                }
            }
            let delivery = try await store.securityEventDelivery()
            #expect(
                delivery == [
                    DeliveryStatusRecord(
                        clientID: "c1", delivered: 2, waiting: 1, abandoned: 1, dropped: 1, lastDeliveredAt: t0 + 100,
                        lastError: "HTTP 500"),
                    DeliveryStatusRecord(clientID: "c2", delivered: 0, waiting: 1, lastDeliveredAt: nil, lastError: nil),
                ])
        }
    }

    /// The outbox's retention (`CYBERID_SECURITY_EVENT_RETENTION_DAYS`): events delivered,
    /// dropped or given up on before the cutoff go, in bounded batches; one delivered after it, one
    /// still being retried however old, and one given up on that occurred after it stay.
    @Test(arguments: Backend.available)
    func deliveredAndAbandonedEventsArePurgedAfterTheRetention(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let abandoned = Date(timeIntervalSince1970: 32_503_680_000)
            let cutoff = t0 + 1_000
            func insert(_ subject: String, occurred: Date, delivered: Date?, error: String?, next: Date) async throws {
                let deliveredAt: SQLValue = delivered.map { milliseconds($0) } ?? .null
                let lastError: SQLValue = error.map { SQLValue.text($0) } ?? .null
                let binds: [SQLValue] = [.text(subject), milliseconds(occurred), deliveredAt, lastError, milliseconds(next)]
                try await database.write { connection in
                    _ = try await connection.execute(
                        """
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) VALUES ('c1', $1, 'suspended', 'r', $2, 1, $5, $3, $4)
                        """, binds)
                }
            }
            try await insert("old-delivered-1", occurred: t0, delivered: t0 + 10, error: nil, next: t0)
            try await insert("old-delivered-2", occurred: t0, delivered: t0 + 20, error: nil, next: t0)
            try await insert("old-dropped", occurred: t0, delivered: t0 + 30, error: "no events_uri", next: t0)
            try await insert("old-abandoned-1", occurred: t0, delivered: nil, error: "HTTP 500", next: abandoned)
            try await insert("old-abandoned-2", occurred: t0 + 1, delivered: nil, error: "HTTP 500", next: abandoned)
            try await insert("old-retrying", occurred: t0, delivered: nil, error: "HTTP 503", next: t0 + 5_000)
            try await insert("new-delivered", occurred: t0, delivered: cutoff + 1, error: nil, next: t0)
            try await insert("new-abandoned", occurred: cutoff + 1, delivered: nil, error: "HTTP 500", next: abandoned)
            func left() async throws -> [String] {
                try await database.read { connection in
                    try await connection.query("SELECT subject FROM security_events ORDER BY subject", []).map {
                        try $0.text("subject")
                    }
                }
            }
            // A batch of two: the two delivered first (oldest delivery first), nothing else.
            #expect(try await store.purgeSecurityEvents(before: cutoff, limit: 2) == 2)
            #expect(
                try await left() == [
                    "new-abandoned", "new-delivered", "old-abandoned-1", "old-abandoned-2", "old-dropped", "old-retrying",
                ])
            // The next: the dropped one, and what is left of the batch goes to the oldest given up.
            #expect(try await store.purgeSecurityEvents(before: cutoff, limit: 2) == 2)
            #expect(try await left() == ["new-abandoned", "new-delivered", "old-abandoned-2", "old-retrying"])
            #expect(try await store.purgeSecurityEvents(before: cutoff, limit: 10) == 1)
            #expect(try await left() == ["new-abandoned", "new-delivered", "old-retrying"])
            #expect(try await store.purgeSecurityEvents(before: cutoff, limit: 10) == 0)
            // The console counts what is left.
            #expect(
                try await store.securityEventDelivery() == [
                    DeliveryStatusRecord(
                        clientID: "c1", delivered: 1, waiting: 1, abandoned: 1, dropped: 0, lastDeliveredAt: cutoff + 1,
                        lastError: "HTTP 500")
                ])
        }
    }

    /// The retention of verification lines (issue 16): old logins go in bounded batches; the
    /// enrollment line and newer lines stay.
    @Test(arguments: Backend.available)
    func oldVerificationLinesArePurgedInBatches(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            // Before t0 + 35 s: the logins at +10, +15, +16, +20, +30 and the one three days
            // before; not the enrollments (t0, t0 + 5) nor the later logins.
            let cut = t0 + 35
            #expect(try await store.purgeHistory(events: ["login"], before: cut, limit: 4) == 4)
            #expect(try await store.purgeHistory(events: ["login"], before: cut, limit: 4) == 2)
            #expect(try await store.purgeHistory(events: ["login"], before: cut, limit: 4) == 0)
            #expect(try await store.purgeHistory(events: [], before: cut, limit: 4) == 0)
            let left = try await store.history(personID: "p1", limit: 50) + (try await store.history(personID: "p2", limit: 50))
            #expect(left.filter { $0.event == "login" }.allSatisfy { $0.occurredAt >= cut })
            #expect(left.filter { $0.event == "enrollment" }.count == 2 && left.contains { $0.event == "password" })
        }
    }
}

/// A time as the store's columns hold it (milliseconds since 1970), for rows written directly.
private func milliseconds(_ date: Date) -> SQLValue { .integer(Int64(date.timeIntervalSince1970 * 1000)) }
