import CyberIDCore
import CyberIDDevTools
import Testing

@testable import CyberIDDocuments

@Suite struct MRZTests {
    let today = try! CalendarDate(iso8601: "2026-11-25")

    // ICAO Doc 9303 part 4, Appendix A: the specimen TD3 of Utopia.
    static let specimenTD3 =
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<" + "L898902C36UTO7408122F1204159ZE184226B<<<<<10"
    // ICAO Doc 9303 part 5, Appendix A: the specimen TD1.
    static let specimenTD1 =
        "I<UTOD231458907<<<<<<<<<<<<<<<" + "7408122F1204159UTO<<<<<<<<<<<6" + "ERIKSSON<<ANNA<MARIA<<<<<<<<<<"

    @Test func parsesTheICAOSpecimenPassport() throws {
        let mrz = try MRZ(parsing: Self.specimenTD3, today: today)
        #expect(mrz.format == .td3)
        #expect(mrz.documentCode == "P")
        #expect(mrz.issuingState == "UTO")
        #expect(mrz.surname == "ERIKSSON")
        #expect(mrz.givenNames == "ANNA MARIA")
        #expect(mrz.documentNumber == "L898902C3")
        #expect(mrz.nationality == "UTO")
        #expect(mrz.birthDate == (try CalendarDate(iso8601: "1974-08-12")))
        #expect(mrz.sex == "F")
        #expect(mrz.expiryDate == (try CalendarDate(iso8601: "2012-04-15")))
        #expect(mrz.personalNumber == "ZE184226B")
    }

    @Test func parsesTheICAOSpecimenIDCard() throws {
        let mrz = try MRZ(parsing: Self.specimenTD1, today: today)
        #expect(mrz.format == .td1)
        #expect(mrz.documentCode == "I")
        #expect(mrz.documentNumber == "D23145890")
        #expect(mrz.surname == "ERIKSSON" && mrz.givenNames == "ANNA MARIA")
        #expect(mrz.birthDate == (try CalendarDate(iso8601: "1974-08-12")))
        #expect(mrz.expiryDate == (try CalendarDate(iso8601: "2012-04-15")))
        #expect(mrz.personalNumber == nil)
    }

    @Test func checkDigitsMatchTheSpecification() {
        #expect(MRZ.checkDigit(Array("L898902C3".utf8)) == 6)
        #expect(MRZ.checkDigit(Array("740812".utf8)) == 2)
        #expect(MRZ.checkDigit(Array("120415".utf8)) == 9)
        #expect(MRZ.checkDigit(Array("<<<<".utf8)) == 0)
    }

    @Test func everyCheckDigitIsEnforced() {
        // Positions (in the 88-character TD3) of the document-number, birth, expiry, personal
        // and composite check digits.
        for position in [53, 63, 71, 86, 87] {
            var characters = Array(Self.specimenTD3)
            characters[position] = characters[position] == "0" ? "1" : "0"
            #expect(throws: DocumentError.invalidMRZ, "position \(position)") {
                try MRZ(parsing: String(characters), today: today)
            }
        }
        // A changed name is not covered by check digits in TD3 — that is what the SOD is for.
        var renamed = Array(Self.specimenTD3)
        renamed[10] = "X"
        #expect((try? MRZ(parsing: String(renamed), today: today)) != nil)
    }

    @Test func rejectsWrongShapes() {
        #expect(throws: DocumentError.unparseable) { try MRZ(parsing: "P<UTO", today: today) }
        #expect(throws: DocumentError.unparseable) {
            try MRZ(parsing: Self.specimenTD3.lowercased(), today: today)
        }
    }

    @Test func birthCenturyNeverLiesInTheFuture() throws {
        let holder = DevDocumentFactory.Holder(
            birthDate: try CalendarDate(iso8601: "2010-06-01"), expiryDate: try CalendarDate(iso8601: "2030-01-01"))
        #expect(try MRZ(parsing: DevDocumentFactory.mrz(holder), today: today).birthDate.year == 2010)
        let older = DevDocumentFactory.Holder(
            birthDate: try CalendarDate(iso8601: "1930-12-24"), expiryDate: try CalendarDate(iso8601: "2030-01-01"))
        #expect(try MRZ(parsing: DevDocumentFactory.mrz(older), today: today).birthDate.year == 1930)
    }

    @Test func generatedMRZRoundTrips() throws {
        let holder = DevDocumentFactory.Holder(
            surname: "OUYANG", givenNames: "XIAO MING", birthDate: try CalendarDate(iso8601: "1990-01-01"),
            nationality: "CHN", sex: "F", documentNumber: "EA1234567", personalNumber: "110101199001011234",
            expiryDate: try CalendarDate(iso8601: "2031-01-01"))
        let text = DevDocumentFactory.mrz(holder)
        #expect(text.count == 88)
        let mrz = try MRZ(parsing: text, today: today)
        #expect(mrz.surname == "OUYANG" && mrz.givenNames == "XIAO MING")
        #expect(mrz.documentNumber == "EA1234567")
        #expect(mrz.personalNumber == "11010119900101")  // 14 characters fit in TD3 optional data
        #expect(mrz.sex == "F")
    }
}
