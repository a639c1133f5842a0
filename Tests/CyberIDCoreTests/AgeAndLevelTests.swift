import Testing

@testable import CyberIDCore

@Suite struct CalendarDateTests {
    @Test func parsesAndPrintsISODates() throws {
        let date = try CalendarDate(iso8601: "2008-02-29")
        #expect(date.year == 2008 && date.month == 2 && date.day == 29)
        #expect(date.description == "2008-02-29")
    }

    @Test(arguments: ["2023-02-29", "2024-13-01", "2024-04-31", "2024-00-10", "24-01-01", "2024/01/01", "2024-1-011", "abcd-ef-gh"])
    func rejectsImpossibleOrMalformedDates(_ text: String) {
        #expect(throws: CoreError.invalidDate) { try CalendarDate(iso8601: text) }
    }

    @Test func leapYearRule() {
        #expect(CalendarDate.isLeapYear(2024))
        #expect(!CalendarDate.isLeapYear(2023))
        #expect(!CalendarDate.isLeapYear(1900))
        #expect(CalendarDate.isLeapYear(2000))
    }
}

@Suite struct AgeBandTests {
    func band(_ birth: String, _ on: String) throws -> AgeBand {
        AgeBand(birthDate: try CalendarDate(iso8601: birth), on: try CalendarDate(iso8601: on))
    }

    @Test func bandsChangeExactlyOnTheBirthday() throws {
        #expect(try band("2012-06-15", "2026-06-14") == .under14)
        #expect(try band("2012-06-15", "2026-06-15") == .from14To17)
        #expect(try band("2008-06-15", "2026-06-14") == .from14To17)
        #expect(try band("2008-06-15", "2026-06-15") == .adult)
        #expect(try band("1960-01-01", "2026-11-25") == .adult)
    }

    @Test func leapDayBirthdaysTurnOnFirstOfMarchInCommonYears() throws {
        // Born 2008-02-29: 18 in 2026 (a common year) on 1 March, not 28 February.
        #expect(try band("2008-02-29", "2026-02-28") == .from14To17)
        #expect(try band("2008-02-29", "2026-03-01") == .adult)
        // In a leap year the birthday itself, 29 February, counts.
        #expect(try CalendarDate(iso8601: "2012-02-29").age(on: try CalendarDate(iso8601: "2028-02-29")) == 16)
        #expect(try CalendarDate(iso8601: "2012-02-29").age(on: try CalendarDate(iso8601: "2028-02-28")) == 15)
    }

    @Test func claimsFollowTheBand() {
        #expect(!AgeBand.under14.isOver14 && !AgeBand.under14.isOver18)
        #expect(AgeBand.from14To17.isOver14 && !AgeBand.from14To17.isOver18)
        #expect(AgeBand.adult.isOver14 && AgeBand.adult.isOver18)
    }

    @Test func ageBeforeBirthIsNegative() throws {
        #expect(try CalendarDate(iso8601: "2020-05-05").age(on: try CalendarDate(iso8601: "2019-05-05")) == -1)
        #expect(try band("2030-01-01", "2026-01-01") == .under14)
    }
}

@Suite struct AssuranceLevelTests {
    @Test func levelsAreOrdered() {
        #expect(AssuranceLevel.low < .substantial)
        #expect(AssuranceLevel.substantial < .high)
        #expect(AssuranceLevel.allCases.sorted() == [.low, .substantial, .high])
    }

    @Test func acrURIsRoundTrip() {
        #expect(AssuranceLevel.high.acr == "http://eidas.europa.eu/LoA/high")
        for level in AssuranceLevel.allCases { #expect(AssuranceLevel(acr: level.acr) == level) }
        #expect(AssuranceLevel(acr: "urn:mace:incommon:iap:silver") == nil)
        #expect(AssuranceLevel(acr: "http://eidas.europa.eu/LoA/extreme") == nil)
    }
}
