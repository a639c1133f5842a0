import CyberIDStore
import Foundation
import Logging
import Testing

@testable import CyberIDServer

/// The minute purge's part for the Security Events outbox (`CYBERID_SECURITY_EVENT_RETENTION_DAYS`):
/// the setting decides what goes; 0 keeps everything.
@Suite struct SecurityEventRetentionTests {
    let now = Date(timeIntervalSince1970: 1_800_000_000)
    let day: TimeInterval = 86_400

    /// Two events delivered 31 and 29 days before `now`, one retried since 100 days, and `bulk`
    /// more delivered 40 days before (subjects `bulk`); then one minute's purge.
    func purge(retention: String, bulk: Int = 0, leaves expected: [String]) async throws {
        try await withTestApp(["CYBERID_SECURITY_EVENT_RETENTION_DAYS": retention]) { _, runtime async throws in
            try await runtime.store.database.write { connection in
                for (subject, delivered) in [("31-days", now - 31 * day), ("29-days", now - 29 * day), ("retrying", nil)]
                    as [(String, Date?)]
                {
                    let deliveredAt: SQLValue = delivered.map { milliseconds($0) } ?? .null
                    let binds: [SQLValue] = [.text(subject), milliseconds(now - 100 * day), milliseconds(now + 60), deliveredAt]
                    _ = try await connection.execute(
                        """
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) VALUES ('c1', $1, 'suspended', 'r', $2, 1, $3, $4, NULL)
                        """, binds)
                }
                if bulk > 0 {
                    _ = try await connection.execute(
                        """
                        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $1)
                        INSERT INTO security_events (client_id, subject, event, reason, occurred_at, attempts, next_attempt_at,
                            delivered_at, last_error) SELECT 'c1', 'bulk', 'suspended', 'r', $2, 1, $2, $3, NULL FROM n
                        """, [.integer(Int64(bulk)), milliseconds(now - 41 * day), milliseconds(now - 40 * day)])
                }
            }
            try await purgeSecurityEvents(runtime, now: now, logger: Logger(label: "test"))
            let left = try await runtime.store.database.read { connection in
                try await connection.query("SELECT subject FROM security_events ORDER BY subject", []).map {
                    try $0.text("subject")
                }
            }
            #expect(left == expected, "retention \(retention)")
        }
    }

    @Test func theRetentionSettingDecidesWhatThePurgeDeletes() async throws {
        try await purge(retention: "30", leaves: ["29-days", "retrying"])
        try await purge(retention: "0", leaves: ["29-days", "31-days", "retrying"])
        // A backlog of several batches (2,000 each) goes within the minute.
        try await purge(retention: "30", bulk: 4_500, leaves: ["29-days", "retrying"])
        // The default (90 days) keeps both.
        #expect(try await ServerSettings.load(environment: [:]).securityEventRetentionDays == 90)
    }
}

/// A time as the store's columns hold it (milliseconds since 1970), for rows written directly.
private func milliseconds(_ date: Date) -> SQLValue { .integer(Int64(date.timeIntervalSince1970 * 1000)) }
