public import CyberIDCore
public import Foundation

extension CalendarDate {
    /// The calendar day of an instant in the service's legal time zone (China Standard Time by
    /// default), which decides ages and document expiry.
    public static func civilDay(of date: Date, timeZone: String = "Asia/Shanghai") -> CalendarDate {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: timeZone) ?? TimeZone(identifier: "UTC")!
        let parts = calendar.dateComponents([.year, .month, .day], from: date)
        // Foundation's calendar yields only real dates, so this cannot fail.
        return try! CalendarDate(year: parts.year ?? 1970, month: parts.month ?? 1, day: parts.day ?? 1)
    }
}
