public import CyberIDCore
public import Foundation

/// The service's legal calendar: the one time zone (China Standard Time by default) in which a
/// day begins and ends for ages, document expiry and certificate end dates. Every module asks
/// this type, so the zone is configured in one place.
public struct CivilCalendar: Sendable, Equatable {
    /// The IANA time zone identifier.
    public let timeZoneIdentifier: String
    private let calendar: Calendar

    /// The service's default civil calendar (Asia/Shanghai).
    public static let service = CivilCalendar(timeZone: "Asia/Shanghai")

    /// Creates a calendar for `timeZone`; an unknown identifier falls back to UTC.
    public init(timeZone: String) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        self.calendar = calendar
        self.timeZoneIdentifier = calendar.timeZone.identifier
    }

    /// The calendar day of an instant.
    public func day(of date: Date) -> CalendarDate {
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        // Foundation's calendar yields only real dates, so this cannot fail.
        return try! CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }

    /// The last second of `date` (a document's expiry day still counts in full).
    public func endOfDay(_ date: CalendarDate) -> Date {
        let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date()
        return start.addingTimeInterval(86_399)
    }

}

extension CalendarDate {
    /// The calendar day of an instant in the service's civil calendar.
    public static func civilDay(of date: Date, calendar: CivilCalendar = .service) -> CalendarDate {
        calendar.day(of: date)
    }
}
