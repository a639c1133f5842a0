import CyberIDCore
@testable import CyberIDStore
import CyberIDTestSupport
import Foundation
import Logging
import Testing

/// The verification log by month (issue 16, schema 20): on PostgreSQL verification lines live in
/// month partitions, created ahead and dropped whole once past the retention; the record of the
/// identity (every other line) is kept; SQLite deletes by rows. Both reach the same visible result.
@Suite struct HistoryPartitionTests {
    static let verifications = HistoryEvent.verifications.map(\.rawValue)

    func utc(_ year: Int, _ month: Int, _ day: Int) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar.date(from: DateComponents(year: year, month: month, day: day, hour: 12))!
    }

    /// Persons p1 and p2 (and their enrollment lines, 2027-01-15) and, for p1: logins on
    /// 2024-01-05, 2026-12-20 and 2027-03-10, a password line on 2027-04-02, a suspension on
    /// 2024-01-06.
    func prepare(_ store: SQLStore) async throws {
        try await PortalStoreTests().prepare(store)
        for entry in [
            HistoryEntry(personID: "p1", clientID: "c1", event: .login, at: utc(2024, 1, 5)),
            HistoryEntry(personID: "p1", event: .suspend, at: utc(2024, 1, 6)),
            HistoryEntry(personID: "p1", clientID: "c1", event: .login, at: utc(2026, 12, 20)),
            HistoryEntry(personID: "p1", clientID: "c1", event: .login, at: utc(2027, 3, 10)),
            HistoryEntry(personID: "p1", event: .password, outcome: .failure, at: utc(2027, 4, 2)),
        ] {
            _ = try await store.append(entry)
        }
    }

    /// A PostgreSQL test database with `prepare`'s lines, no partition yet.
    func withPreparedPostgres(_ body: @escaping @Sendable (SQLStore, any SQLDatabase) async throws -> Void) async throws {
        try await withTestDatabase(.postgres) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            try await body(store, database)
        }
    }

    /// Which table holds each of p1's lines, by event and day.
    func placement(_ database: any SQLDatabase) async throws -> [String: String] {
        try await database.read { connection in
            var placed = [String: String]()
            for row in try await connection.query(
                "SELECT tableoid::regclass::text AS part, event, occurred_at FROM history WHERE person_id = 'p1'", [])
            {
                let day = Date(timeIntervalSince1970: Double(try row.integer("occurred_at")) / 1000)
                placed["\(try row.text("event")) \(day.formatted(.iso8601.year().month().day()))"] = try row.text("part")
            }
            return placed
        }
    }

    /// The retention on either backend: old verification lines go, the record stays.
    @Test(arguments: Backend.available)
    func retentionRemovesOldVerificationLinesOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let report = try await store.maintainHistory(
                events: Self.verifications, before: utc(2027, 1, 1), now: utc(2027, 3, 15))
            #expect(report.deleted == 2)
            #expect(report.dropped.isEmpty)
            let left = try await store.history(personID: "p1", limit: 50).map { "\($0.event) \($0.occurredAt.formatted(.iso8601.year().month().day()))" }
            #expect(left.sorted() == ["enrollment 2027-01-15", "login 2027-03-10", "password 2027-04-02", "suspend 2024-01-06"])
            // Nothing to do the second time.
            #expect(try await store.maintainHistory(events: Self.verifications, before: utc(2027, 1, 1), now: utc(2027, 3, 15)) == HistoryMaintenance())
        }
    }

    /// PostgreSQL: partitions for this month and the next two, lines of those months moved out of
    /// the default partition into them, the record in its own partition; then, two years on, a
    /// month wholly past the retention dropped and one that is not yet kept.
    @Test(.postgresStore)
    func monthPartitionsAreCreatedAheadAndDroppedWhole() async throws {
        try await withPreparedPostgres { store, database async throws in
            #expect(try await placement(database)["login 2027-03-10"] == "history_verifications_default")
            let first = try await store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 3, 15))
            #expect(first == HistoryMaintenance(created: ["history_v_202703", "history_v_202704", "history_v_202705"]))
            let placed = try await placement(database)
            #expect(placed["login 2027-03-10"] == "history_v_202703")
            #expect(placed["password 2027-04-02"] == "history_v_202704")
            #expect(placed["login 2026-12-20"] == "history_verifications_default")
            #expect(placed["suspend 2024-01-06"] == "history_records")
            #expect(placed["enrollment 2027-01-15"] == "history_records")
            // New lines go straight to their month.
            _ = try await store.append(HistoryEntry(personID: "p1", clientID: "c1", event: .login, at: utc(2027, 5, 1)))
            #expect(try await placement(database)["login 2027-05-01"] == "history_v_202705")

            // Retention to 1 April 2027: March goes whole (every line is older), April stays.
            let later = try await store.maintainHistory(events: Self.verifications, before: utc(2027, 4, 1).addingTimeInterval(-12 * 3600), now: utc(2029, 6, 10))
            #expect(later.created == ["history_v_202906", "history_v_202907", "history_v_202908"])
            #expect(later.dropped == ["history_v_202703"])
            #expect(later.deleted == 2)
            let left = Set(try await placement(database).keys)
            #expect(left == ["enrollment 2027-01-15", "suspend 2024-01-06", "password 2027-04-02", "login 2027-05-01"])
        }
    }

    /// A month's partition goes only once its last line is past the retention: with a long
    /// retention a line may stay up to a month longer; below 90 days the upkeep also deletes by
    /// rows inside the months, so a short retention holds exactly.
    @Test(.postgresStore)
    func aShortRetentionHoldsExactlyInsideTheMonths() async throws {
        try await withPreparedPostgres { store, database async throws in
            _ = try await store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 3, 15))
            // 111 days: March is not wholly past 12 March, so its 10 March line stays for now.
            let long = try await store.maintainHistory(events: Self.verifications, before: utc(2027, 3, 12), now: utc(2027, 7, 1))
            #expect(long.dropped.isEmpty && long.deleted == 2)
            #expect(try await placement(database)["login 2027-03-10"] == "history_v_202703")
            // 8 days: the line goes by row, its month stays for the lines still inside.
            let short = try await store.maintainHistory(events: Self.verifications, before: utc(2027, 3, 12), now: utc(2027, 3, 20))
            #expect(short.dropped.isEmpty && short.deleted == 1)
            let left = try await placement(database)
            #expect(left["login 2027-03-10"] == nil && left["password 2027-04-02"] == "history_v_202704")
            #expect(try await store.monthPartitions().contains(HistoryMonth(year: 2027, month: 3)))
        }
    }

    /// Two nodes running the upkeep at once create each partition once.
    @Test(.postgresStore)
    func concurrentUpkeepCreatesEachPartitionOnce() async throws {
        try await withPreparedPostgres { store, database async throws in
            async let a = store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 3, 15))
            async let b = store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 3, 15))
            let (one, two) = try await (a, b)
            #expect((one.created + two.created).sorted() == ["history_v_202703", "history_v_202704", "history_v_202705"])
            #expect(try await placement(database)["login 2027-03-10"] == "history_v_202703")
        }
    }

    /// A reader holding a month partition (a long report, a backup) does not make the upkeep's
    /// DROP wait — and every login's insert queue behind it: the DDL gives up (lock_timeout)
    /// and the next run drops the month.
    @Test(.postgresStore)
    func aPartitionInUseIsDroppedOnALaterRun() async throws {
        try await withPreparedPostgres { store, database async throws in
            _ = try await store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 3, 15))
            let (held, holding) = AsyncStream<Void>.makeStream()
            let reader = Task {
                try await database.write { connection in
                    _ = try await connection.query("LOCK TABLE history_v_202703 IN ACCESS SHARE MODE", [])
                    holding.yield()
                    try await Task.sleep(for: .seconds(60))
                }
            }
            var signals = held.makeAsyncIterator()
            _ = await signals.next()
            // Were the DROP to wait, it would succeed only after the reader's 60 s.
            await #expect(throws: (any Error).self) {
                try await store.maintainHistory(events: Self.verifications, before: utc(2027, 4, 1), now: utc(2029, 6, 10))
            }
            #expect(try await placement(database)["login 2027-03-10"] == "history_v_202703")
            reader.cancel()
            _ = await reader.result
            let later = try await store.maintainHistory(events: Self.verifications, before: utc(2027, 4, 1), now: utc(2029, 6, 10))
            #expect(later.dropped == ["history_v_202703"])
        }
    }

    /// The partition's list of events is HistoryEvent.verifications: a verification event added
    /// later without a migration would land among the kept records.
    @Test(.postgresStore)
    func partitionListIsTheVerificationEvents() async throws {
        try await withTestDatabase(.postgres) { database async throws in
            let bound = try await database.read { connection in
                try await connection.first(
                    "SELECT pg_get_expr(relpartbound, oid) AS bound FROM pg_class WHERE relname = 'history_verifications'"
                )?.text("bound")
            }
            let names = (bound ?? "").matches(of: /'([^']+)'/).map { String($0.1) }
            #expect(Set(names) == Set(Self.verifications) && names.count == Self.verifications.count)
        }
    }

    /// Schema 20 on a database with history: every line kept with its id, and new ids follow.
    @Test(.postgresStore)
    func migrationKeepsLinesAndTheirIDs() async throws {
        try await withTestDatabase(.postgres, migrate: false) { database async throws in
            let logger = Logger(label: "test")
            try await Migrator(migrations: Schema.migrations.filter { $0.version < 20 }).migrate(database, logger: logger)
            let store = SQLStore(database: database)
            // Today's store writes a person with schema 27's columns: the old schema has them
            // while the rows are prepared, and loses them before the migration adds them again.
            let columns = ["national_index BYTEA", "index_version INTEGER NOT NULL DEFAULT 1"]
            for column in columns { _ = try await database.write { try await $0.execute("ALTER TABLE persons ADD COLUMN \(column)", []) } }
            try await prepare(store)
            for column in columns {
                let name = column.prefix { $0 != " " }
                _ = try await database.write { try await $0.execute("ALTER TABLE persons DROP COLUMN \(name)", []) }
            }
            let before = try await store.history(personID: "p1", limit: 50)
            #expect(try await Migrator().migrate(database, logger: logger) == Schema.migrations.map(\.version).filter { $0 >= 20 })
            let after = try await store.history(personID: "p1", limit: 50)
            #expect(after == before && after.count == 6)
            let next = try await store.append(HistoryEntry(personID: "p1", event: .resume, at: utc(2027, 6, 1)))
            #expect(try #require(next.id) > before.compactMap(\.id).max()!)
            // Migration 21: each month of existing verification lines has its partition, named
            // and bounded as the upkeep's HistoryMonth; the default partition is left empty.
            let placed = try await placement(database)
            #expect(placed["suspend 2024-01-06"] == "history_records")
            #expect(placed["login 2024-01-05"] == "history_v_202401")
            #expect(placed["login 2026-12-20"] == "history_v_202612")
            #expect(placed["login 2027-03-10"] == "history_v_202703")
            #expect(placed["password 2027-04-02"] == "history_v_202704")
            #expect(try await store.monthPartitions().map(\.table) == ["history_v_202401", "history_v_202612", "history_v_202703", "history_v_202704"])
            let bounds = try await database.read { connection in
                try await connection.query(
                    "SELECT pg_get_expr(c.relpartbound, c.oid) AS bound FROM pg_class c WHERE c.relname = 'history_v_202612'", []
                ).map { try $0.text("bound") }
            }
            let month = HistoryMonth(containing: utc(2026, 12, 20))
            #expect(bounds == ["FOR VALUES FROM ('\(month.start.millisecondsSince1970)') TO ('\(month.end.millisecondsSince1970)')"])
            // The upkeep then finds the months it would create already there, and nothing to move.
            let report = try await store.maintainHistory(events: Self.verifications, before: nil, now: utc(2027, 2, 15))
            #expect(report.created == ["history_v_202702"])
        }
    }
}

extension Trait where Self == ConditionTrait {
    /// Runs only with a PostgreSQL server (`CYBERID_TEST_POSTGRES_URL`).
    static var postgresStore: Self {
        .enabled(if: Backend.postgresURL != nil, "PostgreSQL store tests skipped: CYBERID_TEST_POSTGRES_URL is not set")
    }
}
