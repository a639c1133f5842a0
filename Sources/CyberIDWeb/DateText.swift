public import Foundation

/// Dates as the web pages show them (issue 14): in the person's language and time zone.
///
/// The formats are fixed — zh-CN `2026年12月2日 16:05`, en `2 Dec 2026, 16:05` (day first, as
/// en_GB writes it) — and built from Gregorian calendar fields rather than a `DateFormatter`, so
/// they never depend on the platform's locale data (which differs between Foundation builds, e.g.
/// en_GB's "Sept") and nothing non-`Sendable` is shared between requests.
public enum DateText {
    /// The zone of a visitor whose browser did not say: the service's civil time zone.
    public static let serviceZone: TimeZone =
        TimeZone(identifier: "Asia/Shanghai") ?? TimeZone(secondsFromGMT: 8 * 3600)!

    static let englishMonths = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// Date and time to the minute: `2026年12月2日 16:05`, `2 Dec 2026, 16:05`.
    public static func dateTime(_ date: Date, _ language: Language, _ zone: TimeZone) -> String {
        let fields = Fields(date, zone)
        return self.date(fields, language) + (language == .zhCN ? " " : ", ") + pad(fields.hour) + ":"
            + pad(fields.minute)
    }

    /// The day: `2026年12月2日`, `2 Dec 2026`.
    public static func date(_ date: Date, _ language: Language, _ zone: TimeZone) -> String {
        self.date(Fields(date, zone), language)
    }

    /// The day without the year, for a chart's axis: `12月2日`, `2 Dec`.
    public static func monthDay(_ date: Date, _ language: Language, _ zone: TimeZone) -> String {
        let fields = Fields(date, zone)
        switch language {
        case .zhCN: return "\(fields.month)月\(fields.day)日"
        case .en: return "\(fields.day) \(englishMonths[fields.month - 1])"
        }
    }

    /// The day as `yyyy-MM-dd` (an HTML date input's value, a URL's filter).
    public static func isoDay(_ date: Date, _ zone: TimeZone) -> String {
        let fields = Fields(date, zone)
        let year = String(fields.year)
        return String(repeating: "0", count: max(0, 4 - year.count)) + year + "-" + pad(fields.month) + "-"
            + pad(fields.day)
    }

    /// The start of the day `yyyy-MM-dd` in `zone`; nil unless the text is exactly such a day
    /// that exists (`2026-02-30`, `2026-2-3` and `2026-12-02x` are nil).
    public static func parseDay(_ text: String, _ zone: TimeZone) -> Date? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            parts.allSatisfy({ $0.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") } }),
            let year = Int(parts[0]), let month = Int(parts[1]), let day = Int(parts[2]), year >= 1
        else { return nil }
        let gregorian = Self.calendar(zone)
        // Noon exists on every day (a daylight-saving change may skip midnight).
        guard let noon = gregorian.date(from: DateComponents(year: year, month: month, day: day, hour: 12)) else {
            return nil
        }
        let check = gregorian.dateComponents([.year, .month, .day], from: noon)
        guard check.year == year, check.month == month, check.day == day else { return nil }
        return gregorian.startOfDay(for: noon)
    }

    /// The zone the `__Host-cyberid_tz` cookie names (the page's script writes the browser's
    /// IANA zone, percent-encoded); the service's zone when it is absent or not a known zone.
    public static func zone(cookie: String?) -> TimeZone {
        guard let cookie, cookie.utf8.count <= 100, let name = cookie.removingPercentEncoding, !name.isEmpty,
            name.utf8.allSatisfy(isZoneNameByte), let zone = TimeZone(identifier: name)
        else { return serviceZone }
        return zone
    }

    /// IANA zone names are ASCII letters, digits, `/`, `_`, `-` and `+` (`America/Port-au-Prince`,
    /// `Etc/GMT+8`): nothing else reaches `TimeZone(identifier:)`.
    static func isZoneNameByte(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z"))
            || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
            || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
            || [UInt8(ascii: "/"), UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+")].contains(byte)
    }

    /// The calendar fields of an instant in a zone.
    struct Fields {
        var year, month, day, hour, minute: Int

        init(_ date: Date, _ zone: TimeZone) {
            let parts = DateText.calendar(zone).dateComponents([.year, .month, .day, .hour, .minute], from: date)
            (year, month, day) = (parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
            (hour, minute) = (parts.hour ?? 0, parts.minute ?? 0)
        }
    }

    static func calendar(_ zone: TimeZone) -> Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = zone
        return calendar
    }

    private static func date(_ fields: Fields, _ language: Language) -> String {
        switch language {
        case .zhCN: "\(fields.year)年\(fields.month)月\(fields.day)日"
        case .en: "\(fields.day) \(englishMonths[fields.month - 1]) \(fields.year)"
        }
    }

    private static func pad(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
}
