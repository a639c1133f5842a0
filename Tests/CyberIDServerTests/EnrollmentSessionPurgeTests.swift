import CyberIDCore
import CyberIDEnrollment
import CyberIDStore
import Foundation
import Testing

@testable import CyberIDServer

/// The server's purge of expired enrollment sessions: batches, a cap per run, and a backlog that
/// drains over the runs after it — never one DELETE of all of them. The SQL of one batch (its
/// rule and order) is tested on both backends in CyberIDStoreTests.
@Suite struct EnrollmentSessionPurgeTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// `expired` unfinished sessions past their expiry and `live` ones still open.
    func sessions(_ store: SQLStore, expired: Int, live: Int) async throws {
        for index in 0..<(expired + live) {
            let expiry = index < expired ? now.addingTimeInterval(-Double(index + 1)) : now.addingTimeInterval(600)
            try await store.create(
                EnrollmentSessionRecord(
                    id: "s\(index)", aaChallenge: [1], guardianID: nil, createdAt: now.addingTimeInterval(-600),
                    expiresAt: expiry))
        }
    }

    func milliseconds(_ date: Date) -> Int64 { Int64(date.timeIntervalSince1970 * 1000) }

    func counts(_ store: SQLStore) async throws -> [String: Int64] {
        try await store.database.read { connection in
            var counts: [String: Int64] = [:]
            for table in ["enrollment_sessions", "client_assertions", "rate_counters", "credential_grants", "inperson_codes"] {
                counts[table] = try await connection.first("SELECT COUNT(*) AS n FROM \(table)", [])?.integer("n")
            }
            return counts
        }
    }

    @Test func aBacklogGoesInBatchesOverSeveralRunsAndTheLiveStay() async throws {
        try await withTestApp { _, runtime async throws in
            try await sessions(runtime.store, expired: 450, live: 5)
            let purge = EnrollmentSessionPurge(store: runtime.store, batch: 100, batchesPerRun: 2, pause: .zero)
            #expect(try await purge.run(now: now) == 200)
            #expect(try await counts(runtime.store)["enrollment_sessions"] == 255)
            #expect(try await purge.run(now: now) == 200)
            #expect(try await purge.run(now: now) == 50)
            #expect(try await purge.run(now: now) == 0)
            #expect(try await counts(runtime.store)["enrollment_sessions"] == 5)
        }
    }

    /// The minute's purge of every short-lived table: each table's expired rows go (in batches
    /// smaller than the backlog here), in-person codes only an hour past their expiry, single-use marks five minutes past theirs, and what
    /// is still live stays.
    @Test func theMinutePurgeTakesEveryTablesExpiredRowsAndKeepsTheLive() async throws {
        try await withTestApp { _, runtime async throws in
            let store = runtime.store
            _ = try await runtime.enrollment.seed(count: 1, transactions: store) { _ in }
            let person = try #require(
                try await store.database.read { connection in try await connection.first("SELECT id FROM persons", [])?.text("id") })
            try await sessions(store, expired: 7, live: 2)
            // Twelve expired rows a table and one live, the rate counters all of one window (one expiry).
            try await store.database.write { connection in
                for index in 0..<13 {
                    let live = index == 12
                    let expiry = milliseconds(live ? now.addingTimeInterval(60) : now.addingTimeInterval(-7_200 - Double(index)))
                    let binds: [SQLValue] = [.text("x\(index)"), .text(person), .integer(expiry)]
                    _ = try await connection.execute(
                        "INSERT INTO client_assertions (client_id, jti, expires_at) VALUES ('c', $1, $2)", [binds[0], binds[2]])
                    _ = try await connection.execute(
                        "INSERT INTO rate_counters (key, window_start, hits, expires_at) VALUES ($1, 0, 1, $2)",
                        [binds[0], .integer(live ? expiry : milliseconds(now) - 1)])
                    _ = try await connection.execute(
                        """
                        INSERT INTO credential_grants (code_hash, person_id, certificate_serial, state, expires_at, created_at)
                        VALUES ($1, $2, 's', 'issued', $3, 0)
                        """, binds)
                    _ = try await connection.execute(
                        """
                        INSERT INTO inperson_codes (code_hash, person_id, certificate_serial, disclose, expires_at, created_at)
                        VALUES ($1, $2, 's', 'age_over_18', $3, 0)
                        """, binds)
                }
                // A client assertion's jti that expired a minute ago: kept five minutes past its
                // expiry (a node whose clock runs behind still finds it used).
                _ = try await connection.execute(
                    "INSERT INTO client_assertions (client_id, jti, expires_at) VALUES ('c', 'recent', $1)",
                    [.integer(milliseconds(now.addingTimeInterval(-60)))])
                // An in-person code that expired half an hour ago: kept for its hour.
                _ = try await connection.execute(
                    """
                    INSERT INTO inperson_codes (code_hash, person_id, certificate_serial, disclose, expires_at, created_at)
                    VALUES ('recent', $1, 's', 'age_over_18', $2, 0)
                    """, [.text(person), .integer(milliseconds(now.addingTimeInterval(-1_800)))])
            }
            // Two batches of five a table a run: ten of each table's twelve (the rate counters' twelve
            // share one expiry, which a range DELETE took all at once), every expired session (their
            // own batches of 200).
            let purge = ShortLivedRowsPurge(store: store, batch: 5, batchesPerRun: 2, pause: .zero)
            try await purge.run(now: now)
            #expect(
                try await counts(store) == [
                    "enrollment_sessions": 2, "client_assertions": 4, "rate_counters": 3, "credential_grants": 3,
                    "inperson_codes": 4,
                ])
            // The next run takes the rest; the in-person code that expired half an hour ago stays its hour.
            try await purge.run(now: now)
            #expect(
                try await counts(store) == [
                    "enrollment_sessions": 2, "client_assertions": 2, "rate_counters": 1, "credential_grants": 1,
                    "inperson_codes": 2,
                ])
        }
    }

    /// The rest after a batch: three times a slow batch's time, the minimum after a fast one,
    /// only the minimum when resting in proportion is off (the login transactions'), and a
    /// second at most after a batch that waited seconds for a lock.
    @Test func theRestFollowsTheBatchsOwnTime() {
        #expect(BatchedPurge.rest(after: .milliseconds(40), pause: .milliseconds(20), restPerWork: 3) == .milliseconds(120))
        #expect(BatchedPurge.rest(after: .milliseconds(2), pause: .milliseconds(20), restPerWork: 3) == .milliseconds(20))
        #expect(BatchedPurge.rest(after: .milliseconds(40), pause: .milliseconds(20), restPerWork: 0) == .milliseconds(20))
        #expect(BatchedPurge.rest(after: .seconds(5), pause: .milliseconds(20), restPerWork: 3) == .seconds(1))
    }
}

