import CyberIDAdapters
import CyberIDDevTools
import CyberIDBase64URL
import CyberIDIssuance
import CyberIDVault
import CyberIDTestSupport
import CyberIDCore
import CyberIDLifecycle
import CyberIDDocuments
import CyberIDStore
import Foundation
import SwiftASN1
import Synchronization
import Testing
import X509

@testable import CyberIDEnrollment

/// A lost device: the holder re-proves with the chip and the bound phone (docs/lifecycle.md).
@Suite struct DeviceReplacementTests {
    /// Runs a whole replacement session for `document` with `phone`.
    static func replace(
        _ h: Harness, _ document: DevDocumentFactory.Document, phone: String = "+8613800000000", guardian: String? = nil
    ) async throws -> EnrollmentResponse.Completed {
        let (session, step) = try await h.present(document, guardian: guardian, purpose: .replace)
        #expect(step.state == "document_verified" && step.next == "phone")
        _ = try await h.confirmPhone(session, phone: phone)
        return try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
    }

    @Test func replacementKeepsTheNumberIssuesANewKeyAndRevokesEveryOldCertificate() async throws {
        try await Harness.with { h in
            let document = try h.document()
            let (issued, _) = try await h.enroll(document)
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            let before = try #require(try await h.store.person(id: person))
            let replaced = try await Self.replace(h, document)
            #expect(replaced.networkNumber == issued.networkNumber && replaced.assuranceLevel == issued.assuranceLevel)
            let old = try Certificate(pemEncoded: issued.certificate)
            let new = try Certificate(pemEncoded: replaced.certificate)
            #expect(old.serialNumber != new.serialNumber && old.publicKey != new.publicKey)
            let certificates = try await h.store.networkCertificates(personID: person)
            #expect(certificates.count == 2)
            #expect(certificates.filter { $0.status == .valid }.map(\.der) == [try CertificateAuthority.der(new)])
            // The record is re-sealed from the fresh read (a new data key), the history says why,
            // and every platform is told the old certificate is revoked.
            let after = try #require(try await h.store.person(id: person))
            #expect(after.recordWrappedKey != before.recordWrappedKey && after.state == .active)
            #expect(try await h.store.history(personID: person, limit: 5).first?.event == "device-replaced")
            // Still exactly one person for the identity.
            #expect(try await h.store.livePerson(blindIndex: before.blindIndex)?.id == person)
        }
    }

    @Test func aReplacementSessionCompletesOnceAndReplaysItsAnswer() async throws {
        try await Harness.with { h in
            let document = try h.document()
            _ = try await h.enroll(document)
            let (session, _) = try await h.present(document, purpose: .replace)
            _ = try await h.confirmPhone(session)
            let csr = try Harness.csr().1
            let first = try await h.service.complete(sessionID: session, csr: csr)
            #expect(try await h.service.complete(sessionID: session, csr: try Harness.csr().1) == first)
        }
    }

    @Test func onlyTheBoundPhoneAndAnEnrolledDocumentReplace() async throws {
        try await Harness.with { h in
            let document = try h.document()
            _ = try await h.enroll(document)
            let (session, _) = try await h.present(document, purpose: .replace)
            await #expect(throws: EnrollmentError.phoneMismatch()) {
                _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+8613900000000")
            }
            #expect(!h.sms.messages.withLock { $0.contains { $0.0 == "+8613900000000" } })
            await #expect(throws: EnrollmentError.notEnrolled()) {
                _ = try await h.present(try h.document(number: "N0000001"), purpose: .replace)
            }
            // An ordinary enrollment of an enrolled document is still refused.
            await #expect(throws: EnrollmentError.alreadyEnrolled()) { _ = try await h.present(document) }
        }
    }

    @Test func aCancelledNumberCannotBeReplacedEvenMidSession() async throws {
        try await Harness.with { h in
            let document = try h.document()
            let (issued, _, person) = try await h.enrollPerson(document)
            let lifecycle = LifecycleService(store: h.store)
            // Cancelled while a replacement session is open: completion refuses.
            let (session, _) = try await h.present(document, purpose: .replace)
            _ = try await h.confirmPhone(session)
            try await lifecycle.apply(.cancel, personID: person, actor: .person, reason: "giving it up")
            await #expect(throws: EnrollmentError.numberCancelled()) {
                _ = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            }
            // And afterwards the document no longer has a number to replace.
            await #expect(throws: EnrollmentError.notEnrolled()) { _ = try await h.present(document, purpose: .replace) }
        }
    }

    @Test func aSuspendedNumberGetsANewDeviceButStaysSuspended() async throws {
        try await Harness.with { h in
            let document = try h.document()
            let (issued, _, person) = try await h.enrollPerson(document)
            let lifecycle = LifecycleService(store: h.store)
            try await lifecycle.apply(.suspend, personID: person, actor: .person, reason: "phone lost")
            let replaced = try await Self.replace(h, document)
            #expect(replaced.networkNumber == issued.networkNumber)
            #expect(try await lifecycle.state(personID: person) == .suspended)
        }
    }

    @Test func aChildsDeviceIsReplacedByTheirOwnGuardian() async throws {
        try await Harness.with { h in
            let (guardian, guardianKey) = try await h.enroll(try h.document(number: "G0000001"))
            let (stranger, strangerKey) = try await h.enroll(try h.document(number: "S0000001"))
            let start = try Harness.walletJWS(certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-start")
            let child = try h.document(birth: "2016-05-05", number: "C0000001")
            let (session, _) = try await h.present(child, guardian: start)
            _ = try await h.confirmPhone(session, phone: "+8613800000009")
            let enrolled = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)

            await #expect(throws: EnrollmentError.guardianRequired()) { _ = try await h.present(child, purpose: .replace) }
            let foreign = try Harness.walletJWS(certificatePEM: stranger.certificate, key: strangerKey, purpose: "guardian-start")
            await #expect(throws: EnrollmentError.guardianMismatch()) {
                _ = try await h.present(child, guardian: foreign, purpose: .replace)
            }
            let again = try Harness.walletJWS(certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-start")
            let replaced = try await Self.replace(h, child, phone: "+8613800000009", guardian: again)
            #expect(replaced.networkNumber == enrolled.networkNumber)
        }
    }

    @Test func theReferencePortraitIsKeptSealedOnlyWithAFaceMatcher() async throws {
        for matcher in [nil, FixedFaceMatcher(fixedScore: 0.95)] as [FixedFaceMatcher?] {
            try await Harness.with(faceMatcher: matcher) { h in
                let document = try h.document()
                let (session, _) = try await h.present(document)
                let step = try await h.confirmPhone(session)
                if step.next == "face" { _ = try await h.service.submitFace(sessionID: session, image: [1, 2, 3]) }
                let issued = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
                let person = try #require(
                    try await h.store.person(networkNumber: try NetworkNumber(parsing: issued.networkNumber).canonical))
                let record = try #require(try IdentityVault(masterKey: h.masterKey).open(person))
                #expect((record.portrait != nil) == (matcher != nil))
                // The portrait is the chip's DG2 as read (the matcher gets what the chip signed).
                #expect(record.portrait == nil || record.portrait == document.chip.dg2)
            }
        }
    }

    @Test func aNewPhoneNeedsTheWalletTheChipAndACodeToTheNewNumber() async throws {
        try await Harness.with { h in
            let document = try h.document()
            let (issued, key) = try await h.enroll(document)
            let person = try await LifecycleService(store: h.store).personID(networkNumber: issued.networkNumber)
            let signed = { try Harness.walletJWS(certificatePEM: issued.certificate, key: key, purpose: "phone-change") }
            // Started only with the holder's wallet, and only for phone-change.
            await #expect(throws: EnrollmentError.invalidRequest("")) {
                _ = try await h.service.start(guardianJWS: nil, purpose: .phoneChange)
            }
            await #expect(throws: EnrollmentError.invalidRequest("")) {
                _ = try await h.service.start(guardianJWS: nil, purpose: .replace, walletJWS: try signed())
            }
            await #expect(throws: IssuanceError.invalidWalletSignature("")) {
                _ = try await h.service.start(
                    guardianJWS: nil, purpose: .phoneChange,
                    walletJWS: try Harness.walletJWS(certificatePEM: issued.certificate, key: key, purpose: "guardian-start"))
            }
            // The chip must be the wallet holder's own document.
            _ = try await h.enroll(try h.document(number: "S0000001"))
            await #expect(throws: EnrollmentError.documentMismatch()) {
                _ = try await h.present(try h.document(number: "S0000001"), purpose: .phoneChange, wallet: try signed())
            }
            let (session, _) = try await h.present(document, purpose: .phoneChange, wallet: try signed())
            await #expect(throws: EnrollmentError.samePhone()) {
                _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+8613800000000")
            }
            _ = try await h.confirmPhone(session, phone: "+8613911112222")
            #expect(h.sms.messages.withLock { $0.last?.0 } == "+8613911112222")
            let changed = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(changed.networkNumber == issued.networkNumber && changed.certificate != issued.certificate)
            let record = try IdentityVault(masterKey: h.masterKey).open(try #require(try await h.store.person(id: person)))
            #expect(record?.phone == "+8613911112222")
            #expect(try await h.store.history(personID: person, limit: 5).first?.event == "phone-changed")
            #expect(try await h.store.networkCertificates(personID: person).filter { $0.status == .valid }.count == 1)
            // The old wallet is revoked: it cannot start another change.
            await #expect(throws: IssuanceError.invalidWalletSignature("")) {
                _ = try await h.service.start(guardianJWS: nil, purpose: .phoneChange, walletJWS: try signed())
            }
            // A later replacement proves the new phone, not the old one.
            let (replace, _) = try await h.present(document, purpose: .replace)
            await #expect(throws: EnrollmentError.phoneMismatch()) {
                _ = try await h.service.sendPhoneCode(sessionID: replace, phone: "+8613800000000")
            }
            #expect(try await Self.replace(h, document, phone: "+8613911112222").networkNumber == issued.networkNumber)
        }
    }

    @Test func guessingTheBoundPhoneLocksTheReplacementSession() async throws {
        try await Harness.with { h in
            let document = try h.document()
            _ = try await h.enroll(document)
            let (session, _) = try await h.present(document, purpose: .replace)
            for guess in 1...4 {
                await #expect(throws: EnrollmentError.phoneMismatch()) {
                    _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+861390000000\(guess)")
                }
            }
            await #expect(throws: EnrollmentError.sessionLocked()) {
                _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+8613900000005")
            }
            // Locked: even the right phone is refused now.
            await #expect(throws: EnrollmentError.sessionLocked()) {
                _ = try await h.service.sendPhoneCode(sessionID: session, phone: "+8613800000000")
            }
        }
    }

    @Test func aReplacementWithoutAFaceCheckIsAtMostSubstantial() async throws {
        try await Harness.with(faceMatcher: FixedFaceMatcher(fixedScore: 0.95)) { h in
            // Enrolled `high` while the service had a matcher…
            let document = try h.document()
            let (session, _) = try await h.present(document)
            _ = try await h.confirmPhone(session)
            _ = try await h.service.submitFace(sessionID: session, image: [1])
            let issued = try await h.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(issued.assuranceLevel == "high")
            // …replaced on the same store by a service without one.
            let plain = EnrollmentService(
                store: h.store, masterKey: h.masterKey,
                authority: try await CertificateAuthority.loadOrCreate(store: h.store, masterKey: h.masterKey), sms: h.sms,
                faceMatcher: nil, configuration: EnrollmentConfiguration(issuer: "https://id.test"),
                today: { try! CalendarDate(iso8601: "2026-11-25") })
            let started = try await plain.start(guardianJWS: nil, purpose: .replace)
            let challenge = try #require(Base64URL.decode(started.aaChallenge))
            _ = try await plain.presentDocument(
                sessionID: started.sessionID, chip: document.chip,
                aaSignature: try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM))
            _ = try await plain.sendPhoneCode(sessionID: started.sessionID, phone: "+8613800000000")
            _ = try await plain.confirmPhone(sessionID: started.sessionID, code: try #require(h.sms.lastCode))
            let replaced = try await plain.complete(sessionID: started.sessionID, csr: try Harness.csr().1)
            #expect(replaced.assuranceLevel == "substantial")
            let person = try #require(
                try await h.store.person(networkNumber: try NetworkNumber(parsing: issued.networkNumber).canonical))
            #expect(person.assuranceLevel == .substantial)
        }
    }
}
