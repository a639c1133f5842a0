@testable import CyberIDStore
import CyberIDTestSupport
import Testing

/// Reads that must be bounded by their own rows, not by the population (migration 24). SQLite
/// keeps no statistics here, so its plan does not depend on the rows: an empty store shows the
/// plan a national one would get.
@Suite struct PopulationPlanTests {
    func planOf(_ statement: String, _ binds: [SQLValue]) async throws -> [String] {
        try await withTestDatabase(.sqlite) { database async throws in
            try await database.read { connection in
                try await connection.query("EXPLAIN QUERY PLAN " + statement, binds).map { try $0.text("detail") }
            }
        }
    }

    /// Before: `SCAN n USING INDEX network_numbers_one_active` — every active number, on every
    /// visit to a portal's overview.
    @Test func aGuardiansWardsAreFoundByTheGuardian() async throws {
        let plan = try await planOf(SQLStore.wardsStatement, [.text("g1")])
        #expect(plan.contains { $0.hasPrefix("SEARCH p USING INDEX persons_guardian (guardian_id=?)") }, "\(plan)")
        #expect(plan.contains { $0.hasPrefix("SEARCH n USING INDEX network_numbers_one_active (person_id=?)") }, "\(plan)")
        #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
    }

    /// Before: `security_events_due (next_attempt_at<?)` — every event ever delivered, walked and
    /// filtered out on each poll of the delivery loop.
    @Test func theDueEventsAreReadFromThePendingOnes() async throws {
        let plan = try await planOf(SQLStore.dueSecurityEventsStatement, [.integer(1_800_000_000_000), .integer(50)])
        #expect(plan == ["SEARCH security_events USING INDEX security_events_pending (next_attempt_at<?)"], "\(plan)")
    }

    /// The outbox's retention (migration 25) reads the expired events only: the delivered ones by
    /// the time of delivery, the abandoned ones by the time of their change — never the whole
    /// outbox, nor every event given up on.
    @Test func theRetentionFindsTheExpiredEventsByTheirIndexes() async throws {
        let binds: [SQLValue] = [.integer(1_800_000_000_000), .integer(10_000)]
        let delivered = try await planOf(SQLStore.expiredSecurityEventsStatements(.sqlite)[0], binds)
        // `IS NOT NULL AND < ?`: SQLite's range (delivered_at>? AND delivered_at<?) on the covering index.
        #expect(delivered.contains { $0.hasPrefix("SEARCH security_events USING COVERING INDEX security_events_delivered (delivered_at>") }, "\(delivered)")
        let abandoned = try await planOf(SQLStore.expiredSecurityEventsStatements(.sqlite)[1], binds)
        // Not security_events_pending's equality on the parked time, which sorts every event given up on.
        #expect(abandoned.contains { $0.contains("INDEX security_events_abandoned (occurred_at<?)") }, "\(abandoned)")
        #expect(!abandoned.contains { $0.contains("TEMP B-TREE") }, "\(abandoned)")
        #expect(!(delivered + abandoned).contains { $0.hasPrefix("SCAN security_events") }, "\(delivered + abandoned)")
        // The index's condition and the statement hold the time where a given-up event is parked.
        let migration = try #require(Schema.migrations.first { $0.name == "security-event-retention" })
        #expect(migration.statements.contains { $0.contains("next_attempt_at = \(SQLStore.abandonedEventsMilliseconds)") })
    }

    /// The minute purge's batches read only rows they delete: sessions past a day by the expiry
    /// index, unfinished ones by their partial index (migration 26: not a walk past the day's
    /// completed sessions), the short-lived tables' rows by the expiry index and then by rowid.
    @Test func thePurgesBatchesReadTheirOwnRows() async throws {
        let binds: [SQLValue] = [.integer(1_800_000_000_000), .integer(200)]
        let statements = SQLStore.expiredEnrollmentSessionsStatements(.sqlite)
        let day = try await planOf(statements[0], binds)
        #expect(day.contains { $0.contains("USING INDEX enrollment_sessions_expiry (expires_at<?)") }, "\(day)")
        let unfinished = try await planOf(statements[1], binds)
        #expect(unfinished.contains { $0.contains("USING INDEX enrollment_sessions_unfinished (expires_at<?)") }, "\(unfinished)")
        for table in ["client_assertions", "rate_counters", "credential_grants", "inperson_codes"] {
            let plan = try await planOf(SQLStore.expiredRowsStatement(of: table, .sqlite), binds)
            #expect(plan.contains { $0.contains("USING INTEGER PRIMARY KEY (rowid=?)") }, "\(plan)")
            #expect(plan.contains { $0.contains("INDEX \(table)_expiry (expires_at<?)") }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }
}

