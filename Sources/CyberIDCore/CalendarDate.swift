/// A date in the proleptic Gregorian calendar with no time and no time zone.
///
/// Birth dates and document expiry dates are calendar dates, not instants: comparing them as
/// `Date` values would make a person's age depend on the server's time zone. Keeping this type
/// free of Foundation also keeps ``CyberIDCore`` pure.
public struct CalendarDate: Sendable, Hashable, Codable {
    /// The year, e.g. 2026.
    public let year: Int
    /// The month, 1–12.
    public let month: Int
    /// The day of the month, 1–31.
    public let day: Int

    /// Creates a date after checking that it exists.
    /// - Throws: ``CoreError/invalidDate`` for a day that does not exist (e.g. 2023-02-29).
    public init(year: Int, month: Int, day: Int) throws(CoreError) {
        guard (1...9999).contains(year), (1...12).contains(month),
            (1...CalendarDate.daysIn(month: month, year: year)).contains(day)
        else {
            throw .invalidDate("not a calendar date")
        }
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses the ISO 8601 calendar form `YYYY-MM-DD`.
    /// - Throws: ``CoreError/invalidDate`` when the text is not in that form or not a real date.
    public init(iso8601 text: some StringProtocol) throws(CoreError) {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-") else {
            throw .invalidDate("dates are written YYYY-MM-DD")
        }
        func number(_ range: Range<Int>) throws(CoreError) -> Int {
            var value = 0
            for byte in bytes[range] {
                guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
                    throw .invalidDate("dates are written YYYY-MM-DD")
                }
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
            }
            return value
        }
        try self.init(year: number(0..<4), month: number(5..<7), day: number(8..<10))
    }

    /// Whether `year` is a Gregorian leap year.
    public static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// The number of days in a month.
    public static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: isLeapYear(year) ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Completed years from `self` (a birth date) to `date`.
    ///
    /// A birthday counts once its month and day have been reached, so a person born on
    /// 29 February becomes a year older on 1 March in common years (the rule of most civil
    /// codes, including the PRC's reading of 周岁).
    /// - Parameter date: the day on which the age is taken.
    /// - Returns: the age in whole years; negative if `date` is before `self`.
    public func age(on date: CalendarDate) -> Int {
        var years = date.year - year
        if (date.month, date.day) < (month, day) { years -= 1 }
        return years
    }
}

extension CalendarDate: Comparable {
    public static func < (lhs: CalendarDate, rhs: CalendarDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }
}

extension CalendarDate: CustomStringConvertible {
    /// The ISO 8601 form `YYYY-MM-DD`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }
}
