public import Foundation

/// A count on one day: `day` is the number of whole days since 1970-01-01 in the zone the
/// query was asked in.
public struct DailyCount: Sendable, Equatable {
    public var day: Int64
    public var count: Int

    public init(day: Int64, count: Int) { (self.day, self.count) = (day, count) }
}

/// A count under a name (a platform, a reason, a state).
public struct NamedCount: Sendable, Equatable {
    public var name: String
    public var count: Int

    public init(name: String, count: Int) { (self.name, self.count) = (name, count) }
}

/// How Security Event Token delivery to one platform is going.
public struct DeliveryStatusRecord: Sendable, Equatable {
    public var clientID: String
    public var delivered: Int
    /// Not yet delivered (waiting for a first attempt or a retry).
    public var waiting: Int
    /// Given up after the retries (kept for inspection, never sent).
    public var abandoned: Int
    /// Dropped without sending (the platform had no events URL).
    public var dropped: Int
    public var lastDeliveredAt: Date?
    /// The last error of an event not delivered (waiting or given up), if any.
    public var lastError: String?

    public init(
        clientID: String, delivered: Int, waiting: Int, abandoned: Int = 0, dropped: Int = 0, lastDeliveredAt: Date?,
        lastError: String?
    ) {
        (self.clientID, self.delivered, self.waiting, self.abandoned, self.dropped, self.lastDeliveredAt, self.lastError) =
            (clientID, delivered, waiting, abandoned, dropped, lastDeliveredAt, lastError)
    }
}

/// Counts for the operator console's Statistics and Platforms pages (issue 15): aggregates
/// only, never a person's id, number or name. History lines of clients whose id starts with
/// `excluding` (CyberID's own applications, `cyberid-`) are not counted.
public protocol StatisticsStore: Sendable {
    /// History lines of `event` with one of `outcomes` per day since `since`; days are counted
    /// in a zone `offset` seconds east of UTC. Days without a line are absent.
    func dailyHistoryCounts(event: String, outcomes: [String], since: Date, offset: Int, excluding: String) async throws
        -> [DailyCount]
    /// Distinct persons with a history line of `event` and `outcome`, per day (as above).
    func dailyDistinctPersons(event: String, outcome: String, since: Date, offset: Int, excluding: String) async throws
        -> [DailyCount]
    /// History lines of `event` with `outcome` since `since`, per platform (`client_id`).
    func historyCountsByClient(event: String, outcome: String, since: Date, excluding: String) async throws -> [NamedCount]
    /// Refused or failed logins since `since`, per reason (`declined` for a person's own no).
    func loginRefusalsByReason(since: Date, excluding: String) async throws -> [NamedCount]
    /// Persons per state (`active`, `suspended`, `restricted`, `cancelled`).
    func personsByState() async throws -> [NamedCount]
    /// Security Event Token delivery per platform.
    func securityEventDelivery() async throws -> [DeliveryStatusRecord]
}
