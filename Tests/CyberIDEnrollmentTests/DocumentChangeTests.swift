import CyberIDCore
import CyberIDDevTools
import CyberIDDocuments
@testable import CyberIDEnrollment
import CyberIDLifecycle
import CyberIDIssuance
import CyberIDStore
import CyberIDTestSupport
import CyberIDVault
import Foundation
import Testing

/// Review finding 5: one person, one live number — across their documents.
@Suite struct DocumentChangeTests {
    /// Two passports of one person, without a personal number (a renewal): different document
    /// numbers, the same nationality, names, birth date and sex.
    static func passport(_ h: Harness, number: String, expiry: String = "2031-01-01") throws -> DevDocumentFactory.Document {
        try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                surname: "LI", givenNames: "MING", birthDate: try CalendarDate(iso8601: "1988-03-04"), documentNumber: number,
                expiryDate: try CalendarDate(iso8601: expiry)),
            csca: h.csca)
    }

    @Test func aSecondDocumentOfAnEnrolledPersonIsAPossibleDuplicate() async throws {
        try await Harness.with { h in
            _ = try await h.enroll(try Self.passport(h, number: "G10000001"))
            await #expect(throws: EnrollmentError.possibleDuplicate()) {
                _ = try await h.present(try Self.passport(h, number: "G20000002", expiry: "2035-01-01"))
            }
            // Someone else with other names enrolls as before.
            _ = try await h.enroll(try h.document(number: "H30000003"))
        }
    }

    @Test func theHolderMovesTheirNumberToTheirNewDocument() async throws {
        try await Harness.with { h in
            let old = try Self.passport(h, number: "G10000001")
            let new = try Self.passport(h, number: "G20000002", expiry: "2035-01-01")
            let (issued, key) = try await h.enroll(old)
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            let signed = { try Harness.walletJWS(certificatePEM: issued.certificate, key: key, purpose: "document-change") }
            // Someone else's document, or the same document, is not a new document of the holder.
            _ = try await h.enroll(try h.document(number: "H30000003"))
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(try h.document(number: "H30000003"), purpose: .documentChange, wallet: try signed())
            }
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(try h.document(number: "H40000004"), purpose: .documentChange, wallet: try signed())
            }
            await #expect(throws: EnrollmentError.documentUnchanged()) {
                _ = try await h.present(old, purpose: .documentChange, wallet: try signed())
            }
            // The new passport, the wallet, a code to the bound phone.
            let (session, _) = try await h.present(new, purpose: .documentChange, wallet: try signed())
            await #expect(throws: EnrollmentError.phoneMismatch()) {
                _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+8613911112222")
            }
            _ = try await h.confirmPhone(session)
            let moved = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(moved.networkNumber == issued.networkNumber && moved.certificate != issued.certificate)
            let record = try IdentityVault(masterKey: h.masterKey).open(try #require(try await h.store.person(id: person)))
            #expect(record?.documentNumber == "G20000002" && record?.documentExpiry.description == "2035-01-01")
            #expect(try await h.store.history(personID: person, limit: 5).first?.event == "document-changed")
            #expect(try await h.store.networkCertificates(personID: person).filter { $0.status == .valid }.count == 1)
            // The old document no longer identifies the holder; the new one does (a replacement).
            await #expect(throws: EnrollmentError.notEnrolled()) { _ = try await h.present(old, purpose: .replace) }
            _ = try await h.present(new, purpose: .replace)
            // And still one person: the old passport cannot enroll a second number either.
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(old) }
        }
    }
}

/// Persons enrolled before schema v13 have no person index: the backfill (of schema v27) gives it to them, and
/// then their second document is a possible duplicate too.
@Suite struct PersonIndexBackfillTests {
    @Test func personsEnrolledBeforeTheIndexGetItAndAreFoundAgain() async throws {
        try await Harness.with { h in
            let (issued, _) = try await h.enroll(try DocumentChangeTests.passport(h, number: "G10000001"))
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            _ = try await h.store.database.write {
                try await $0.execute("UPDATE persons SET person_index = NULL, index_version = 1", [])
            }
            // Without the index the second passport is not caught…
            let renewed = try DocumentChangeTests.passport(h, number: "G20000002", expiry: "2035-01-01")
            _ = try await h.present(renewed)
            // …after the backfill it is; a second run has nothing left to do.
            #expect(try await PersonIndexBackfill(store: h.store, masterKey: h.masterKey).run(batch: 1).indexed == 1)
            #expect(try await PersonIndexBackfill(store: h.store, masterKey: h.masterKey).run().indexed == 0)
            #expect(try await h.store.person(id: person)?.personIndex != nil)
            await #expect(throws: EnrollmentError.possibleDuplicate()) { _ = try await h.present(renewed) }
        }
    }
}
