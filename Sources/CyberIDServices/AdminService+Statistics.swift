import CyberIDProvider
public import CyberIDStore
public import Foundation

/// The console's Statistics page (issue 15): counts only, per day and per platform, never a
/// person.
public struct ConsoleStatistics: Sendable, Equatable {
    /// The first moment of each day shown, oldest first, in the zone asked for.
    public var days: [Date]
    /// Enrollments per day (aligned with `days`).
    public var enrollments: [Int]
    /// Successful platform logins per day (CyberID's own portal and console aside).
    public var logins: [Int]
    /// Refused or failed logins per day.
    public var refusals: [Int]
    /// Persons with at least one successful login that day.
    public var activePersons: [Int]
    /// Refused or failed logins over the window, per reason.
    public var refusalReasons: [NamedCount]
    /// Successful logins over the window per platform (its name, or its id if it is gone).
    public var platforms: [NamedCount]
    /// Persons now, per state.
    public var personsByState: [NamedCount]
}

extension AdminService {
    /// The statistics of the last `days` days (today included), days counted in `zone`.
    public func statistics(days: Int = 30, zone: TimeZone, now: Date = Date()) async throws -> ConsoleStatistics {
        let days = max(1, min(days, 366))
        let offset = zone.secondsFromGMT(for: now)
        let today = Int64(((now.timeIntervalSince1970 + Double(offset)) / 86_400).rounded(.down))
        let first = today - Int64(days - 1)
        let since = Date(timeIntervalSince1970: Double(first) * 86_400 - Double(offset))
        func aligned(_ counts: [DailyCount]) -> [Int] {
            let byDay = Dictionary(counts.map { ($0.day, $0.count) }, uniquingKeysWith: +)
            return (first...today).map { byDay[$0] ?? 0 }
        }
        // CyberID's own applications (portal and console sign-ins) are not platform logins.
        let own = FirstPartyClient.reservedPrefix
        let names = Dictionary(try await allClients().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        let store = self.store
        func daily(_ event: String, _ outcomes: [String]) async throws -> [Int] {
            aligned(try await store.dailyHistoryCounts(event: event, outcomes: outcomes, since: since, offset: offset, excluding: own))
        }
        let active = try await store.dailyDistinctPersons(
            event: "login", outcome: "success", since: since, offset: offset, excluding: own)
        return ConsoleStatistics(
            days: (first...today).map { Date(timeIntervalSince1970: Double($0) * 86_400 - Double(offset)) },
            enrollments: try await daily("enrollment", ["success"]), logins: try await daily("login", ["success"]),
            refusals: try await daily("login", ["failure", "denied"]), activePersons: aligned(active),
            refusalReasons: try await store.loginRefusalsByReason(since: since, excluding: own),
            platforms: try await store.historyCountsByClient(event: "login", outcome: "success", since: since, excluding: own)
                .map { NamedCount(name: names[$0.name] ?? $0.name, count: $0.count) },
            personsByState: try await store.personsByState())
    }
}
