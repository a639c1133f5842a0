@testable import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// PostgreSQL's plans of the batched purges: each batch finds its rows by an index and deletes
/// them by the primary key — never a scan of the whole table per batch, which `id IN (subquery)`
/// gave (a hash semi-join over every row of `security_events`, and of every partition of
/// `history`). PostgreSQL plans by statistics, so the tables are filled and analyzed first.
@Suite struct PurgePlanTests {
    static let postgres = Backend.available.filter { $0 == .postgres }

    func plan(_ connection: any SQLConnection, _ statement: String, _ binds: [SQLValue]) async throws -> String {
        try await connection.query("EXPLAIN " + statement, binds).map { try $0.text("QUERY PLAN") }.joined(separator: "\n")
    }

    @Test(arguments: postgres)
    func theSecurityEventsPurgeReadsItsBatchOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            try await database.write { connection in
                // 50,000 events: one in twenty given up on, the rest delivered.
                _ = try await connection.execute(
                    """
                    INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                        delivered_at, last_error)
                    SELECT 'c' || (i % 50), 's' || i, 'suspended', 'r', 1800000000000 - i * 1000, 1,
                        CASE WHEN i % 20 = 0 THEN \(SQLStore.abandonedEventsMilliseconds) ELSE 1800000000000 - i * 1000 END,
                        CASE WHEN i % 20 = 0 THEN NULL ELSE 1800000000000 - i * 500 END, NULL
                    FROM generate_series(1, 50000) i
                    """, [])
                _ = try await connection.execute("ANALYZE security_events", [])
            }
            try await database.read { connection in
                for statement in SQLStore.expiredSecurityEventsStatements(.postgres) {
                    let text = try await plan(connection, statement, [.integer(1_799_990_000_000), .integer(2_000)])
                    #expect(!text.contains("Seq Scan"), "\(text)")
                    #expect(text.contains("Index Scan using security_events_pkey"), "\(text)")
                }
            }
        }
    }

    @Test(arguments: postgres)
    func theVerificationLogPurgeReadsItsBatchOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let contract = StoreContractTests()
            try await contract.enroll(store, contract.person("p1", blind: 1), networkNumber: "N1")
            try await database.write { connection in
                for event in ["login", "enrollment"] {
                    _ = try await connection.execute(
                        """
                        INSERT INTO history (person_id, client_id, event, outcome, detail, occurred_at)
                        SELECT 'p1', 'c1', $1, 'success', '{}', 1800000000000 - i * 1000 FROM generate_series(1, 30000) i
                        """, [.text(event)])
                }
                _ = try await connection.execute("ANALYZE", [])
            }
            try await database.read { connection in
                let statement = SQLStore.historyPurgeStatement(from: "history", events: 1, .postgres)
                let text = try await plan(connection, statement, [.integer(1_799_990_000_000), .integer(10_000), .text("login")])
                #expect(!text.contains("Seq Scan"), "\(text)")
            }
        }
    }

    @Test(arguments: postgres)
    func theEnrollmentSessionPurgeReadsItsBatchOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            try await database.write { connection in
                // 30,000 sessions over 30,000 s, every other one completed.
                _ = try await connection.execute(
                    """
                    INSERT INTO enrollment_sessions (id, state, version, aa_challenge, otp_attempts, otp_sends, created_at,
                        expires_at)
                    SELECT 's' || i, CASE WHEN i % 2 = 0 THEN 'completed' ELSE 'started' END, 0, '\\x01'::bytea, 0, 0,
                        1800000000000 - i * 1000, 1800000600000 - i * 1000
                    FROM generate_series(1, 30000) i
                    """, [])
                _ = try await connection.execute("ANALYZE enrollment_sessions", [])
            }
            try await database.read { connection in
                let statements = SQLStore.expiredEnrollmentSessionsStatements(.postgres)
                let day = try await plan(connection, statements[0], [.integer(1_799_990_000_000 - 86_400_000), .integer(200)])
                #expect(!day.contains("Seq Scan") && day.contains("enrollment_sessions_expiry"), "\(day)")
                // The unfinished ones by their own index: not a walk past the day's completed ones.
                let unfinished = try await plan(connection, statements[1], [.integer(1_799_990_000_000), .integer(200)])
                #expect(!unfinished.contains("Seq Scan") && unfinished.contains("enrollment_sessions_unfinished"), "\(unfinished)")
                for text in [day, unfinished] { #expect(text.contains("enrollment_sessions_pkey"), "\(text)") }
            }
        }
    }

    /// The short-lived tables' batches by row locator: the batch's `ctid`s from the expiry index,
    /// then a TID scan — no scan of the table.
    @Test(arguments: postgres)
    func theRateCountersPurgeReadsItsBatchOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            try await database.write { connection in
                _ = try await connection.execute(
                    """
                    INSERT INTO rate_counters (key, window_start, hits, expires_at)
                    SELECT 'k' || i, 1800000000000 - (i % 100) * 60000, 1, 1800000120000 - (i % 100) * 60000
                    FROM generate_series(1, 30000) i
                    """, [])
                _ = try await connection.execute("ANALYZE rate_counters", [])
            }
            try await database.read { connection in
                let statement = SQLStore.expiredRowsStatement(of: "rate_counters", .postgres)
                let text = try await plan(connection, statement, [.integer(1_799_990_000_000), .integer(500)])
                #expect(!text.contains("Seq Scan"), "\(text)")
                #expect(text.contains("Tid Scan") && text.contains("rate_counters_expiry"), "\(text)")
            }
        }
    }
}

