import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// Enrollment sessions' batched purge and their deletion by id (`cyberid dev seed`), on SQLite
/// and, when a server is configured, on PostgreSQL.
@Suite struct EnrollmentSessionPurgeStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// The purge deletes at most `limit` sessions a call, oldest expiry first, by the same rule:
    /// unfinished ones at expiry, completed ones a day later; the live and the day's completed stay.
    @Test(arguments: Backend.available)
    func expiredSessionsArePurgedInBatchesOldestFirst(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let now = t0.addingTimeInterval(10 * 86_400)
            func session(_ id: String, expiringIn seconds: TimeInterval, completed: Bool) async throws {
                var session = EnrollmentSessionRecord(
                    id: id, aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: now.addingTimeInterval(seconds))
                if completed { session.state = .completed }
                try await store.create(session)
            }
            // Seven unfinished ones expired 1–7 minutes ago, three completed ones expired over a
            // day ago (deletable), two completed within the day and two live (kept).
            for minute in 1...7 { try await session("old-\(minute)", expiringIn: -60 * Double(minute), completed: false) }
            for hour in 25...27 { try await session("done-\(hour)", expiringIn: -3600 * Double(hour), completed: true) }
            try await session("done-today-1", expiringIn: -60, completed: true)
            try await session("done-today-2", expiringIn: -3600, completed: true)
            try await session("live-1", expiringIn: 60, completed: false)
            try await session("live-2", expiringIn: 60, completed: true)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: now, limit: 4) == 4)
            // The oldest expiries went first: the three completed a day ago, then the 7-minute one.
            for gone in ["done-25", "done-26", "done-27", "old-7"] {
                #expect(try await store.enrollmentSession(id: gone) == nil)
            }
            #expect(try await store.enrollmentSession(id: "old-6") != nil)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: now, limit: 4) == 4)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: now, limit: 4) == 2)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: now, limit: 4) == 0)
            for kept in ["done-today-1", "done-today-2", "live-1", "live-2"] {
                #expect(try await store.enrollmentSession(id: kept) != nil)
            }
            #expect(try await store.purgeExpiredEnrollmentSessions(before: now, limit: 0) == 0)
        }
    }

    @Test(arguments: Backend.available)
    func sessionsAreDeletedByID(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            for id in ["a", "b", "c"] {
                try await store.create(
                    EnrollmentSessionRecord(
                        id: id, aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600)))
            }
            #expect(try await store.deleteEnrollmentSessions(ids: ["a", "c", "missing"]) == 2)
            #expect(try await store.deleteEnrollmentSessions(ids: []) == 0)
            #expect(try await store.enrollmentSession(id: "a") == nil)
            #expect(try await store.enrollmentSession(id: "b") != nil)
            #expect(try await store.enrollmentSession(id: "c") == nil)
        }
    }

    /// Rate counters and remembered client assertions go by the range purge of their expiry
    /// index (as login transactions, credential grants and in-person codes do): at most `limit`
    /// a call, the oldest first, the live ones kept.
    @Test(arguments: Backend.available)
    func shortLivedRowsArePurgedInBatchesOldestFirst(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let now = t0.addingTimeInterval(3600)
            for minute in 1...5 {
                let expiry = now.addingTimeInterval(-60 * Double(minute))
                _ = try await store.hit(key: "ip-\(minute)", windowStart: expiry.addingTimeInterval(-120), expiresAt: expiry)
                #expect(try await store.useClientAssertion(clientID: "c", jti: "j\(minute)", expiresAt: expiry))
            }
            _ = try await store.hit(key: "live", windowStart: now, expiresAt: now.addingTimeInterval(120))
            #expect(try await store.useClientAssertion(clientID: "c", jti: "live", expiresAt: now.addingTimeInterval(60)))
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 2)
            // The two oldest (5 and 4 minutes ago) went; the 3-minute one is still counted.
            #expect(try await store.hits(key: "ip-5", windowStart: now.addingTimeInterval(-300 - 120)) == 0)
            #expect(try await store.hits(key: "ip-3", windowStart: now.addingTimeInterval(-180 - 120)) == 1)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 2)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 1)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 0)
            #expect(try await store.hits(key: "live", windowStart: now) == 1)

            #expect(try await store.purgeClientAssertions(before: now, limit: 3) == 3)
            // A purged jti can be used again (its assertion has expired anyway); a kept one not.
            #expect(try await store.useClientAssertion(clientID: "c", jti: "j5", expiresAt: now.addingTimeInterval(60)))
            #expect(try await !store.useClientAssertion(clientID: "c", jti: "j2", expiresAt: now.addingTimeInterval(60)))
            #expect(try await store.purgeClientAssertions(before: now, limit: 3) == 2)
            #expect(try await !store.useClientAssertion(clientID: "c", jti: "live", expiresAt: now.addingTimeInterval(60)))
            #expect(try await store.purgeClientAssertions(before: now, limit: 0) == 0)
        }
    }

    /// A rate limit's counters of one window all expire in the same millisecond: the purge's
    /// batch still stops at `limit` (a range on the expiry took every tied row in one DELETE).
    @Test(arguments: Backend.available)
    func countersSharingOneExpiryGoInBatchesToo(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let window = t0
            for index in 0..<5 {
                _ = try await store.hit(key: "ip-\(index)", windowStart: window, expiresAt: window.addingTimeInterval(120))
            }
            let now = window.addingTimeInterval(180)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 2)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 2)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 1)
            #expect(try await store.purgeRateCounters(before: now, limit: 2) == 0)
        }
    }
}

