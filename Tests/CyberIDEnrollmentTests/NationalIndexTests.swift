import CyberIDCore
import CyberIDDevTools
import CyberIDDocuments
@testable import CyberIDEnrollment
import CyberIDIssuance
import CyberIDKeys
import CyberIDLifecycle
import CyberIDStore
import CyberIDTestSupport
import CyberIDVault
import Foundation
import Testing

/// The second review's open finding: one person, two numbers with a passport and an ID card.
/// Their document indexes differ (the type is part of them), and the person index compared full
/// names, which a card's MRZ cuts at 30 characters.
@Suite struct NationalIndexTests {
    static let longSurname = "MONTGOMERY WORTHINGTON"
    static let longGivenNames = "ALEXANDRA VICTORIA"

    static func document(
        _ h: Harness, card: Bool, number: String, surname: String = "WANG", givenNames: String = "FANG",
        personalNumber: String? = nil, birth: String = "1979-11-12", sex: String = "M"
    ) throws -> DevDocumentFactory.Document {
        try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                surname: surname, givenNames: givenNames, birthDate: try CalendarDate(iso8601: birth), sex: sex,
                documentNumber: number, personalNumber: personalNumber, expiryDate: try CalendarDate(iso8601: "2033-05-06"),
                idCard: card),
            csca: h.csca)
    }

    /// Enrolls `document`, then sets `set` on the person's row (as a store before schema v27
    /// would have it); returns the person id.
    static func enrolledBeforeTheIndex(_ h: Harness, _ document: DevDocumentFactory.Document, set: String) async throws
        -> String
    {
        let (_, _, personID) = try await h.enrollPerson(document)
        _ = try await h.store.database.write {
            try await $0.execute("UPDATE persons SET \(set) WHERE id = $1", [.text(personID)])
        }
        return personID
    }

    @Test func aCardsMRZIsReadAsTD1WithItsNamesCutAt30() throws {
        let holder = DevDocumentFactory.Holder(
            surname: Self.longSurname, givenNames: Self.longGivenNames, birthDate: try CalendarDate(iso8601: "1979-11-12"),
            documentNumber: "C01234567", personalNumber: "PN7788990011", expiryDate: try CalendarDate(iso8601: "2033-05-06"),
            idCard: true)
        let mrz = try MRZ(parsing: DevDocumentFactory.mrz(holder), today: try CalendarDate(iso8601: "2026-12-06"))
        #expect(mrz.format == .td1 && mrz.documentCode == "I" && mrz.personalNumber == "PN7788990011")
        #expect(mrz.surname == Self.longSurname && mrz.givenNames == "ALEXAN")  // 22 + 2 + 6 = 30
    }

    @Test func aPassportAndACardWithOnePersonalNumberAreOnePerson() async throws {
        try await Harness.with { h in
            _ = try await h.enroll(try Self.document(h, card: false, number: "P10000001", personalNumber: "PN1234567890"))
            // The card spells the given names otherwise; its personal number is the passport's.
            let card = try Self.document(h, card: true, number: "C20000002", givenNames: "FANG LI", personalNumber: "PN1234567890")
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(card) }
            // Another personal number with those names is someone else.
            _ = try await h.enroll(
                try Self.document(h, card: true, number: "C30000003", givenNames: "FANG LI", personalNumber: "PN5555555555"))
        }
    }

    @Test func aLongNameOnACardAndAPassportIsOnePerson() async throws {
        try await Harness.with { h in
            _ = try await h.enroll(
                try Self.document(h, card: false, number: "P40000004", surname: Self.longSurname, givenNames: Self.longGivenNames))
            let card = try Self.document(
                h, card: true, number: "C50000005", surname: Self.longSurname, givenNames: Self.longGivenNames)
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(card) }
        }
    }

    /// Two sessions that both passed the document step: the second to complete is refused (the
    /// national index is unique among live persons), not given a second number.
    @Test func aPassportAndACardEnrolledAtOnceGiveOneNumber() async throws {
        try await Harness.with { h in
            let (first, _) = try await h.present(try Self.document(h, card: false, number: "P60000006", personalNumber: "PN2468013579"))
            let (second, _) = try await h.present(
                try Self.document(h, card: true, number: "C70000007", givenNames: "FANG LI", personalNumber: "PN2468013579"))
            _ = try await h.confirmPhone(first)
            _ = try await h.confirmPhone(second, phone: "+8613800000001")
            _ = try await h.service.complete(sessionID: first, csr: try Harness.csr().1)
            await #expect(throws: EnrollmentError.possibleDuplicate()) {
                _ = try await h.service.complete(sessionID: second, csr: try Harness.csr().1)
            }
        }
    }

    /// A person enrolled before schema v27 (version-1 person index, no national index): a
    /// renewed passport is still found by the version-1 index; the backfill gives them both new
    /// indexes. Two live persons who already share a personal number are reported once, not
    /// merged; once the operator cancels one, the other gets the national index at the next run.
    @Test func theBackfillIndexesEarlierPersonsAndReportsSharedPersonalNumbers() async throws {
        try await Harness.with { h in
            let holder = DevDocumentFactory.Holder(
                surname: Self.longSurname, givenNames: Self.longGivenNames, birthDate: try CalendarDate(iso8601: "1979-11-12"),
                documentNumber: "P80000008", personalNumber: "PN1357924680", expiryDate: try CalendarDate(iso8601: "2033-05-06"))
            let (_, _, personID) = try await h.enrollPerson(try DevDocumentFactory.make(holder: holder, csca: h.csca))
            let record = IdentityRecord(
                mrz: try MRZ(parsing: DevDocumentFactory.mrz(holder), today: .civilDay(of: Date())), portrait: nil)
            let index = BlindIndex(masterKey: h.masterKey)
            _ = try await h.store.database.write {
                try await $0.execute(
                    "UPDATE persons SET person_index = $1, national_index = NULL, index_version = 1 WHERE id = $2",
                    [.blob(index.index(record.legacyPersonParts)), .text(personID)])
            }
            // The version-1 look-up still finds a renewed passport…
            let renewed = try Self.document(
                h, card: false, number: "P90000009", surname: Self.longSurname, givenNames: Self.longGivenNames)
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(renewed) }
            // …but not a card with other given names (its personal number is not indexed yet):
            // it enrolls a second number, as every such card did before this fix.
            let card = try Self.document(
                h, card: true, number: "C11111111", surname: Self.longSurname, givenNames: "ALEX", personalNumber: "PN1357924680")
            let (_, _, cardID) = try await h.enrollPerson(card)

            let backfill = PersonIndexBackfill(store: h.store, masterKey: h.masterKey)
            let outcome = try await backfill.run(batch: 1)
            #expect(outcome.indexed == 1 && outcome.sharedPersonalNumber == [personID])
            #expect(outcome.stillShared == [.init(personID: personID, holderID: cardID)])
            var person = try #require(try await h.store.person(id: personID))
            #expect(person.personIndex == index.index(record.personParts) && person.nationalIndex == nil)
            let national = index.index(try #require(record.nationalParts))
            #expect(try await h.store.livePerson(nationalIndex: national)?.id == cardID)
            // Reported once; still shared at the next run.
            let again = try await backfill.run()
            #expect(again.indexed == 0 && again.sharedPersonalNumber.isEmpty && again.stillShared.count == 1)

            // The operator cancels the second number: the first gets the national index, and
            // nothing is left to do.
            try await LifecycleService(store: h.store).apply(.cancel, personID: cardID, actor: .administrator, reason: "duplicate")
            #expect(try await backfill.run().stillShared.isEmpty)
            person = try #require(try await h.store.person(id: personID))
            #expect(person.nationalIndex == national)
            #expect(try await backfill.run() == PersonIndexBackfill.Outcome())
            let third = try Self.document(h, card: true, number: "C22222222", givenNames: "ALEXANDRA", personalNumber: "PN1357924680")
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(third) }
        }
    }

    /// The card that `possible-duplicate` sent to a document change (its names spelled otherwise,
    /// its personal number the passport's) moves the number; a card with another person's
    /// personal number does not.
    @Test func aCardWithThePassportsPersonalNumberTakesTheNumberOver() async throws {
        try await Harness.with { h in
            let (issued, key) = try await h.enroll(
                try Self.document(h, card: false, number: "P12121212", personalNumber: "PN1212121212"))
            let signed = { try Harness.walletJWS(certificatePEM: issued.certificate, key: key, purpose: "document-change") }
            _ = try await h.enroll(try Self.document(h, card: true, number: "C34343434", givenNames: "OTHER", personalNumber: "PN3434343434"))
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(
                    try Self.document(h, card: true, number: "C56565656", givenNames: "FANG LI", personalNumber: "PN3434343434"),
                    purpose: .documentChange, wallet: try signed())
            }
            // The personal number relaxes the names only: another birth date is another person.
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(
                    try Self.document(
                        h, card: true, number: "C90909090", givenNames: "FANG LI", personalNumber: "PN1212121212",
                        birth: "1980-01-01"),
                    purpose: .documentChange, wallet: try signed())
            }
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(
                    try Self.document(
                        h, card: true, number: "C91919191", givenNames: "FANG LI", personalNumber: "PN1212121212", sex: "F"),
                    purpose: .documentChange, wallet: try signed())
            }
            let card = try Self.document(h, card: true, number: "C78787878", givenNames: "FANG LI", personalNumber: "PN1212121212")
            let (session, _) = try await h.present(card, purpose: .documentChange, wallet: try signed())
            _ = try await h.confirmPhone(session)
            let moved = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(moved.networkNumber == issued.networkNumber)
        }
    }

    /// A person whose personal number another live person holds (two numbers from before the
    /// index) can still replace a lost device: the replacement does not try to take the index.
    @Test func aPersonSharingAPersonalNumberStillReplacesTheirDevice() async throws {
        try await Harness.with { h in
            let passport = try Self.document(h, card: false, number: "P13131313", personalNumber: "PN1313131313")
            let (_, _, personID) = try await h.enrollPerson(passport)
            _ = try await h.store.database.write {
                try await $0.execute("UPDATE persons SET national_index = NULL, index_version = 1 WHERE id = $1", [.text(personID)])
            }
            _ = try await h.enrollPerson(
                try Self.document(h, card: true, number: "C14141414", givenNames: "FANG LI", personalNumber: "PN1313131313"))
            #expect(try await PersonIndexBackfill(store: h.store, masterKey: h.masterKey).run().stillShared.count == 1)
            let (session, _) = try await h.present(passport, purpose: .replace)
            _ = try await h.confirmPhone(session)
            _ = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(try await h.store.history(personID: personID, limit: 1).first?.event == "device-replaced")
        }
    }

    /// A residence permit's or a foreign state's personal number is not the holder's national
    /// one: it is not indexed.
    @Test func onlyAPassportOrCardOfTheHoldersOwnStateIsIndexed() throws {
        let today = try CalendarDate(iso8601: "2026-12-06")
        func record(_ code: String, issuer: String) throws -> IdentityRecord {
            IdentityRecord(
                documentCode: code, issuingState: issuer, surname: "WANG", givenNames: "FANG", documentNumber: "X1",
                nationality: "CHN", birthDate: today, sex: "F", documentExpiry: today, personalNumber: "PN1")
        }
        #expect(try record("P", issuer: "CHN").nationalParts == ["national-v1", "CHN", "PN1"])
        #expect(try record("I", issuer: "CHN").nationalParts != nil)
        #expect(try record("IR", issuer: "DEU").nationalParts == nil)
        #expect(try record("AR", issuer: "CHN").nationalParts == nil)
        #expect(try record("P", issuer: "DEU").nationalParts == nil)
    }

    /// The backfill's write is a compare-and-set on what it read: a document change made between
    /// its read and its write (a new record with its own indexes) is not overwritten with the old
    /// record's indexes (a review's finding).
    @Test func theBackfillDoesNotOverwriteAChangeMadeSinceItRead() async throws {
        try await Harness.with { h in
            let personID = try await Self.enrolledBeforeTheIndex(
                h, try Self.document(h, card: false, number: "P15151515", personalNumber: "PN1515151515"),
                set: "index_version = 1")
            let read = try #require(try await h.store.personsToIndex(after: "", limit: 10).first { $0.person.id == personID })
            let changed: [UInt8] = [1, 2, 3]
            _ = try await h.store.database.write {
                try await $0.execute(
                    "UPDATE persons SET person_index = $1, updated_at = updated_at + 1 WHERE id = $2",
                    [.blob(changed), .text(personID)])
            }
            let written = try await h.store.setIndexes(
                personIndex: [9, 9, 9], nationalIndex: nil, nationalHeldElsewhere: false, personID: personID,
                from: read.version, updatedAt: read.person.updatedAt)
            #expect(!written)
            #expect(try await h.store.person(id: personID)?.personIndex == changed)
        }
    }

    /// Two persons of one batch, neither indexed, with one personal number: the first gets the
    /// national index, the second — whose look-up inside the batch's transaction sees the first's
    /// write — is reported, and the batch is not refused by the unique index.
    @Test func twoUnindexedPersonsWithOnePersonalNumberInOneBatch() async throws {
        try await Harness.with { h in
            let first = try await Self.enrolledBeforeTheIndex(
                h, try Self.document(h, card: false, number: "P16161616", personalNumber: "PN1616161616"),
                set: "national_index = NULL")
            let (_, _, second) = try await h.enrollPerson(
                try Self.document(h, card: true, number: "C17171717", givenNames: "OTHER", personalNumber: "PN1616161616"))
            _ = try await h.store.database.write {
                try await $0.execute("UPDATE persons SET national_index = NULL, index_version = 1", [])
            }
            let outcome = try await PersonIndexBackfill(store: h.store, masterKey: h.masterKey).run()
            #expect(outcome.indexed == 2 && outcome.stillShared.count == 1)
            let holders = [try await h.store.person(id: first), try await h.store.person(id: second)].compactMap { $0?.nationalIndex }
            #expect(holders.count == 1)
        }
    }
}
