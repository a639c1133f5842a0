import Foundation
import Testing

@testable import CyberIDWeb

@Suite struct DateTextTests {
    static let shanghai = TimeZone(identifier: "Asia/Shanghai")!
    static let utc = TimeZone(identifier: "UTC")!
    /// 2026-12-02 16:05 in Shanghai (08:05 UTC).
    static let instant = Date(timeIntervalSince1970: 1_796_198_700)

    @Test func datesAreInThePersonsLanguage() {
        #expect(DateText.dateTime(Self.instant, .zhCN, Self.shanghai) == "2026年12月2日 16:05")
        #expect(DateText.dateTime(Self.instant, .en, Self.shanghai) == "2 Dec 2026, 16:05")
        #expect(DateText.date(Self.instant, .zhCN, Self.shanghai) == "2026年12月2日")
        #expect(DateText.date(Self.instant, .en, Self.shanghai) == "2 Dec 2026")
        #expect(DateText.monthDay(Self.instant, .zhCN, Self.shanghai) == "12月2日")
        #expect(DateText.monthDay(Self.instant, .en, Self.shanghai) == "2 Dec")
        // Every month has its English abbreviation (no locale data involved: never "Sept").
        let september = Date(timeIntervalSince1970: 1_789_000_000)  // 2026-09-10
        #expect(DateText.date(september, .en, Self.utc) == "10 Sep 2026")
    }

    @Test func datesAreInThePersonsTimeZone() {
        #expect(DateText.dateTime(Self.instant, .en, Self.utc) == "2 Dec 2026, 08:05")
        let auckland = TimeZone(identifier: "Pacific/Auckland")!  // UTC+13 in December
        #expect(DateText.dateTime(Self.instant, .zhCN, auckland) == "2026年12月2日 21:05")
        let honolulu = TimeZone(identifier: "Pacific/Honolulu")!  // UTC-10: still the day before
        #expect(DateText.dateTime(Self.instant, .en, honolulu) == "1 Dec 2026, 22:05")
        #expect(DateText.isoDay(Self.instant, honolulu) == "2026-12-01")
        #expect(DateText.isoDay(Self.instant, Self.shanghai) == "2026-12-02")
        let early = Date(timeIntervalSince1970: 1_767_225_600)  // 2026-01-01 00:00 UTC
        #expect(DateText.isoDay(early, Self.utc) == "2026-01-01")
        #expect(DateText.isoDay(early, TimeZone(identifier: "America/New_York")!) == "2025-12-31")
        #expect(DateText.dateTime(early, .en, Self.utc) == "1 Jan 2026, 00:00")
    }

    @Test func aDayIsParsedAsItsStartInTheZone() throws {
        let day = try #require(DateText.parseDay("2026-12-02", Self.shanghai))
        #expect(day == Date(timeIntervalSince1970: 1_796_140_800))  // 2026-12-02 00:00 +08:00
        #expect(DateText.isoDay(day, Self.shanghai) == "2026-12-02")
        #expect(DateText.parseDay("2026-12-02", Self.utc) == Date(timeIntervalSince1970: 1_796_169_600))
        // A day whose midnight a daylight-saving change skips still has a start.
        #expect(DateText.parseDay("2026-03-08", TimeZone(identifier: "America/New_York")!) != nil)
        #expect(DateText.parseDay("2024-02-29", Self.utc) != nil)
    }

    @Test(arguments: [
        "", "2026-2-03", "2026-02-3", "2026-02-30", "2026-13-01", "2026-00-10", "0000-01-01", "2026-12-02x",
        "x2026-12-02", "2026/12/02", "２０２６-12-02", "2026-12-0a", "+026-12-02", "2023-02-29",
    ])
    func aMalformedOrMissingDayIsNil(_ text: String) {
        #expect(DateText.parseDay(text, Self.shanghai) == nil)
    }

    @Test func theZoneCookieIsTrustedOnlyWhenItNamesAZone() {
        #expect(DateText.zone(cookie: "Europe%2FBerlin").identifier == "Europe/Berlin")
        #expect(DateText.zone(cookie: "America/New_York").identifier == "America/New_York")
        #expect(DateText.zone(cookie: "UTC").secondsFromGMT(for: Self.instant) == 0)
        for bad in [
            nil, "", "Not%2FAZone", "..%2F..%2Fetc%2Fpasswd", "Europe%2FBerlin%00", "%E4%B8%AD", "%",
            String(repeating: "A", count: 200),
        ] {
            #expect(DateText.zone(cookie: bad).identifier == "Asia/Shanghai", "\(bad ?? "nil")")
        }
        #expect(DateText.serviceZone.identifier == "Asia/Shanghai")
    }
}
