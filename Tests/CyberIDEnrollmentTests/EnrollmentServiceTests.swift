import CyberIDAdapters
import CyberIDDevTools
import CyberIDBase64URL
import CyberIDIssuance
import CyberIDVault
import CyberIDTestSupport
import Crypto
import CyberIDCore
import CyberIDDocuments
import CyberIDKeys
import CyberIDStore
import Foundation
import Logging
import ServiceLifecycle
import SwiftASN1
import Synchronization
import Testing
import X509

@testable import CyberIDEnrollment

@Suite struct EnrollmentServiceTests {
    @Test func anAdultEnrollsAndACompletedSessionReplaysItsAnswer() async throws {
        try await Harness.with { harness in
            let document = try harness.document()
            let (session, step) = try await harness.present(document)
            #expect(step.state == "document_verified" && step.ageBand == "18_plus")
            #expect(try await harness.confirmPhone(session).next == "complete")
            let (_, csr) = try Harness.csr()
            let first = try await harness.service.complete(sessionID: session, csr: csr)
            let again = try await harness.service.complete(sessionID: session, csr: csr)
            #expect(first == again)
            let number = try NetworkNumber(parsing: first.networkNumber)
            #expect(first.assuranceLevel == "substantial")
            let certificate = try Certificate(pemEncoded: first.certificate)
            #expect(certificate.subject.description == "SERIALNUMBER=\(number.formatted)" || certificate.subject.description.contains(number.formatted))
            let person = try #require(try await harness.store.person(networkNumber: number.canonical))
            #expect(person.assuranceLevel == .substantial && person.ageBand == .adult)
            // The record is sealed; it opens only with the master key and the person's context.
            let record = try EnvelopeEncryption(masterKey: harness.masterKey).open(
                SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: try #require(person.recordWrappedKey)),
                context: "person:\(person.id)")
            let identity = try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(record))
            #expect(identity.surname == "ZHANG" && identity.phone == "+8613800000000" && identity.portrait == nil)
        }
    }

    @Test func aPhoneGetsAtMostTheHourlyNumberOfCodesAcrossSessions() async throws {
        try await Harness.with(codesPerPhonePerHour: 3) { harness in
            for number in ["A0000001", "A0000002", "A0000003"] {
                let (session, _) = try await harness.present(try harness.document(number: number))
                _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613700000000")
            }
            let (session, _) = try await harness.present(try harness.document(number: "A0000004"))
            let limited = await #expect(throws: RateLimitExceeded.self) {
                _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613700000000")
            }
            // Four counted (the refused one too): the next fits 30 minutes into the next window,
            // 90 minutes after this one began.
            #expect(limited?.code == "phone-rate-limited" && (1...5_400).contains(limited?.retryAfter ?? 0))
            #expect(harness.sms.messages.withLock { $0.filter { $0.0 == "+8613700000000" }.count } == 3)
            // Another number is not affected, and the counters are purged once their windows end.
            _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613700000001")
            _ = try await harness.store.purgeRateCounters(before: Date().addingTimeInterval(2 * 86_400), limit: 1_000_000)
            let (later, _) = try await harness.present(try harness.document(number: "A0000005"))
            _ = try await harness.service.sendPhoneCode(sessionID: later, phone: "+8613700000000")
        }
    }

    /// Review finding 8: SMS pumping. One document made 15 codes go to 15 numbers through 3
    /// sessions; now a document gets the hourly number of codes across all its sessions.
    @Test func aDocumentGetsAtMostTheHourlyNumberOfCodesAcrossSessionsAndNumbers() async throws {
        try await Harness.with(codesPerDocumentPerHour: 5) { harness in
            let document = try harness.document()
            var sent = 0
            var refused = [RateLimitExceeded]()
            for sessionIndex in 0..<3 {
                let (session, _) = try await harness.present(document)
                for phoneIndex in 0..<5 {
                    do {
                        _ = try await harness.service.sendPhoneCode(
                            sessionID: session, phone: "+86137000000\(sessionIndex)\(phoneIndex)")
                        sent += 1
                    } catch let error as RateLimitExceeded {
                        refused.append(error)
                    }
                }
            }
            #expect(sent == 5 && refused.count == 10)
            #expect(refused.allSatisfy { $0.code == "document-rate-limited" && $0.retryAfter >= 1 })
            #expect(harness.sms.messages.withLock { $0.count } == 5)
            // Another person's document is not affected.
            let (other, _) = try await harness.present(try harness.document(number: "B7654321"))
            _ = try await harness.service.sendPhoneCode(sessionID: other, phone: "+8613700000099")
        }
    }

    /// Review finding 16: face checks are limited per identity and day, counted before the
    /// matcher is asked, across sessions.
    @Test func faceAttemptsAreLimitedPerIdentityAndDay() async throws {
        try await Harness.with(faceMatcher: FixedFaceMatcher(fixedScore: 0.1), faceAttemptsPerDay: 3) { harness in
            let document = try harness.document()
            for _ in 0..<2 {
                let (session, _) = try await harness.present(document)
                _ = try await harness.confirmPhone(session)
                for _ in 0..<2 {
                    do {
                        _ = try await harness.service.submitFace(sessionID: session, image: Array("face".utf8))
                        Issue.record("a mismatching face was accepted")
                    } catch let error as RateLimitExceeded {
                        #expect(error.code == "face-attempt-rate-limited")
                    } catch let error as EnrollmentError {
                        #expect(error.code == "face-mismatch")
                    }
                }
            }
            let (session, _) = try await harness.present(document)
            _ = try await harness.confirmPhone(session)
            let limited = await #expect(throws: RateLimitExceeded.self) {
                _ = try await harness.service.submitFace(sessionID: session, image: Array("face".utf8))
            }
            #expect(limited?.code == "face-attempt-rate-limited")
        }
    }

    @Test func onePersonOneNumberEvenUnderFiftyConcurrentEnrollments() async throws {
        try await Harness.with { harness in
            let document = try harness.document()
            var sessions = [String]()
            for _ in 0..<50 {
                let (session, _) = try await harness.present(document)
                _ = try await harness.confirmPhone(session)
                sessions.append(session)
            }
            let (_, csr) = try Harness.csr()
            let outcomes = try await withThrowingTaskGroup(of: String?.self) { group in
                for session in sessions {
                    group.addTask {
                        do {
                            return try await harness.service.complete(sessionID: session, csr: csr).networkNumber
                        } catch let error as EnrollmentError where error.code == "already-enrolled" {
                            return nil
                        }
                    }
                }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
            #expect(outcomes.compactMap { $0 }.count == 1)
            #expect(outcomes.filter { $0 == nil }.count == 49)
        }
    }

    @Test func reEnrollmentIsRefusedAtTheDocumentStep() async throws {
        try await Harness.with { harness in
            _ = try await harness.enroll(try harness.document())
            await #expect(throws: EnrollmentError.alreadyEnrolled()) { _ = try await harness.present(try harness.document()) }
            // Another document of the same person (same type and number) is the same identity.
            let renewed = try harness.document()
            await #expect(throws: EnrollmentError.alreadyEnrolled()) { _ = try await harness.present(renewed) }
        }
    }

    @Test func wrongCodesLockTheSession() async throws {
        try await Harness.with { harness in
            let (session, _) = try await harness.present(try harness.document())
            _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613800000000")
            let right = try #require(harness.sms.lastCode)
            let wrong = right == "000000" ? "111111" : "000000"
            for attempt in 1...4 {
                await #expect(throws: EnrollmentError.wrongCode(left: 0), "attempt \(attempt)") {
                    _ = try await harness.service.confirmPhone(sessionID: session, code: wrong)
                }
            }
            await #expect(throws: EnrollmentError.sessionLocked()) {
                _ = try await harness.service.confirmPhone(sessionID: session, code: wrong)
            }
            await #expect(throws: EnrollmentError.sessionLocked()) {
                _ = try await harness.service.confirmPhone(sessionID: session, code: right)
            }
        }
    }

    @Test func phoneNumbersMustBeE164() async throws {
        try await Harness.with { harness in
            let (session, _) = try await harness.present(try harness.document())
            for bad in ["13800000000", "+0123", "+86 138 0000 0000", "", "+12345678901234567"] {
                await #expect(throws: EnrollmentError.invalidPhone(), "\(bad)") {
                    _ = try await harness.service.sendPhoneCode(sessionID: session, phone: bad)
                }
            }
        }
    }

    @Test func stepsOutOfOrderAndUnknownSessionsAreRefused() async throws {
        try await Harness.with { harness in
            let started = try await harness.service.start(guardianJWS: nil)
            await #expect(throws: EnrollmentError.wrongStep("", "")) {
                _ = try await harness.service.sendPhoneCode(sessionID: started.sessionID, phone: "+8613800000000")
            }
            let (_, csr) = try Harness.csr()
            await #expect(throws: EnrollmentError.wrongStep("", "")) {
                _ = try await harness.service.complete(sessionID: started.sessionID, csr: csr)
            }
            await #expect(throws: EnrollmentError.sessionNotFound()) {
                _ = try await harness.service.confirmPhone(sessionID: "nope", code: "123456")
            }
        }
    }

    @Test func childrenNeedAGuardianAndTeenagersAnApproval() async throws {
        try await Harness.with { harness in
            // A child alone is refused.
            await #expect(throws: EnrollmentError.guardianRequired()) {
                _ = try await harness.present(try harness.document(birth: "2016-05-05", number: "C0000001"))
            }
            // The guardian enrolls first.
            let (guardian, guardianKey) = try await harness.enroll(try harness.document(number: "G0000001"))
            // A guardian-started session for the child completes and links the guardian.
            let start = try Harness.walletJWS(certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-start")
            let (childSession, childStep) = try await harness.present(
                try harness.document(birth: "2016-05-05", number: "C0000001"), guardian: start)
            #expect(childStep.state == "document_verified" && childStep.ageBand == "under_14")
            _ = try await harness.confirmPhone(childSession)
            let child = try await harness.service.complete(sessionID: childSession, csr: try Harness.csr().1)
            let guardianPerson = try #require(try await harness.store.person(networkNumber: try NetworkNumber(parsing: guardian.networkNumber).canonical))
            let childPerson = try #require(try await harness.store.person(networkNumber: try NetworkNumber(parsing: child.networkNumber).canonical))
            #expect(childPerson.guardianID == guardianPerson.id && childPerson.ageBand == .under14)

            // A 16-year-old waits for an approval bound to the session.
            let (teenSession, teenStep) = try await harness.present(try harness.document(birth: "2010-06-01", number: "T0000001"))
            #expect(teenStep.state == "awaiting_guardian")
            await #expect(throws: EnrollmentError.wrongStep("", "")) {
                _ = try await harness.service.sendPhoneCode(sessionID: teenSession, phone: "+8613800000001")
            }
            try await Self.expectRefusedApprovals(harness, guardian: guardian, key: guardianKey, session: teenSession)
            let approval = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-approval", sessionID: teenSession)
            #expect(try await harness.service.approveAsGuardian(sessionID: teenSession, approvalJWS: approval).state == "document_verified")
            _ = try await harness.confirmPhone(teenSession)
            let (teenKey, teenCSR) = try Harness.csr()
            let teen = try await harness.service.complete(sessionID: teenSession, csr: teenCSR)
            let teenPerson = try #require(try await harness.store.person(networkNumber: try NetworkNumber(parsing: teen.networkNumber).canonical))
            #expect(teenPerson.guardianID == guardianPerson.id && teenPerson.ageBand == .from14To17)

            // A minor cannot act as a guardian, even with a valid signature of their own wallet…
            let minorAsGuardian = try Harness.walletJWS(certificatePEM: teen.certificate, key: teenKey, purpose: "guardian-start")
            await #expect(throws: EnrollmentError.guardianNotAdult()) {
                _ = try await harness.service.start(guardianJWS: minorAsGuardian)
            }
            // …and nobody can act with a certificate whose key they do not hold.
            let notTheirs = try Harness.walletJWS(certificatePEM: teen.certificate, key: P256.Signing.PrivateKey(), purpose: "guardian-start")
            await #expect(throws: IssuanceError.invalidWalletSignature) { _ = try await harness.service.start(guardianJWS: notTheirs) }
        }
    }

    /// RFC 7515 §4.1.11: a wallet JWS naming a critical extension is refused, even when its
    /// signature is good (found by the schemathesis suite's crafted JWS, issue 13).
    @Test func aWalletJWSWithACriticalExtensionIsRefused() async throws {
        try await Harness.with { harness in
            let (guardian, key) = try await harness.enroll(try harness.document(number: "G0000009"))
            let plain = try Harness.walletJWS(certificatePEM: guardian.certificate, key: key, purpose: "guardian-start")
            _ = try await harness.service.start(guardianJWS: plain)
            let critical = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: key, purpose: "guardian-start",
                extraHeader: ["crit": ["x-unknown"], "x-unknown": true])
            await #expect(throws: IssuanceError.invalidWalletSignature) { _ = try await harness.service.start(guardianJWS: critical) }
        }
    }

    /// Approvals for another session, stale or signed with a key that is not the guardian's
    /// certificate's are refused.
    static func expectRefusedApprovals(
        _ harness: Harness, guardian: EnrollmentResponse.Completed, key: P256.Signing.PrivateKey, session: String
    ) async throws {
        let otherSession = try Harness.walletJWS(
            certificatePEM: guardian.certificate, key: key, purpose: "guardian-approval", sessionID: "other")
        let stale = try Harness.walletJWS(
            certificatePEM: guardian.certificate, key: key, purpose: "guardian-approval", sessionID: session,
            iat: Date().addingTimeInterval(-600))
        let forged = try Harness.walletJWS(
            certificatePEM: guardian.certificate, key: P256.Signing.PrivateKey(), purpose: "guardian-approval",
            sessionID: session)
        for approval in [otherSession, stale, forged] {
            await #expect(throws: IssuanceError.invalidWalletSignature("")) {
                _ = try await harness.service.approveAsGuardian(sessionID: session, approvalJWS: approval)
            }
        }
    }

    /// An outbound service that is down.
    struct Down: SMSSender, FaceMatcher {
        struct Failure: Error {}
        var threshold: Double { 0.8 }
        func send(to phone: String, text: String) async throws { throw Failure() }
        func score(live: [UInt8], portrait: [UInt8]) async throws -> Double { throw Failure() }
    }

    @Test func aGatewayOrMatcherThatFailsIsUnavailableNotAnInternalError() async throws {
        try await Harness.with(gateway: Down()) { harness in
            let (session, _) = try await harness.present(try harness.document())
            let error = await #expect(throws: EnrollmentError.smsUnavailable()) {
                _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613800000000")
            }
            #expect(error?.kind == .unavailable)
        }
        try await Harness.with(faceMatcher: Down()) { harness in
            let (session, _) = try await harness.present(try harness.document())
            #expect(try await harness.confirmPhone(session).next == "face")
            let error = await #expect(throws: EnrollmentError.faceMatcherUnavailable()) {
                _ = try await harness.service.submitFace(sessionID: session, image: [1, 2, 3])
            }
            #expect(error?.kind == .unavailable)
        }
    }

    @Test func aFaceMatchRaisesTheLevelAndAMismatchIsRefused() async throws {
        try await Harness.with(faceMatcher: FixedFaceMatcher(fixedScore: 0.93)) { harness in
            let (session, _) = try await harness.present(try harness.document())
            #expect(try await harness.confirmPhone(session).next == "face")
            await #expect(throws: EnrollmentError.wrongStep("", "")) {
                _ = try await harness.service.complete(sessionID: session, csr: try Harness.csr().1)
            }
            _ = try await harness.service.submitFace(sessionID: session, image: [1, 2, 3])
            let done = try await harness.service.complete(sessionID: session, csr: try Harness.csr().1)
            #expect(done.assuranceLevel == "high")
        }
        try await Harness.with(faceMatcher: FixedFaceMatcher(fixedScore: 0.2)) { harness in
            let (session, _) = try await harness.present(try harness.document())
            _ = try await harness.confirmPhone(session)
            await #expect(throws: EnrollmentError.faceMismatch()) {
                _ = try await harness.service.submitFace(sessionID: session, image: [1, 2, 3])
            }
        }
        try await Harness.with { harness in
            let (session, _) = try await harness.present(try harness.document())
            await #expect(throws: EnrollmentError.noFaceMatcher()) {
                _ = try await harness.service.submitFace(sessionID: session, image: [1])
            }
        }
    }

    @Test func badCSRsAreRefused() async throws {
        try await Harness.with { harness in
            let (session, _) = try await harness.present(try harness.document())
            _ = try await harness.confirmPhone(session)
            await #expect(throws: IssuanceError.invalidCSR("")) {
                _ = try await harness.service.complete(sessionID: session, csr: Array("not a csr".utf8))
            }
            // A P-384 key is not a wallet key.
            let p384 = try CertificateSigningRequest(
                version: .v1, subject: try DistinguishedName { CommonName("w") }, privateKey: .init(P384.Signing.PrivateKey()),
                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA384)
            await #expect(throws: IssuanceError.invalidCSR("")) {
                _ = try await harness.service.complete(sessionID: session, csr: Array(try p384.serializeAsPEM().pemString.utf8))
            }
        }
    }

    @Test func theCertificateNeverOutlivesTheDocument() async throws {
        try await Harness.with { harness in
            let document = try DevDocumentFactory.make(
                holder: DevDocumentFactory.Holder(
                    birthDate: try CalendarDate(iso8601: "1980-01-01"), expiryDate: try CalendarDate(iso8601: "2027-01-31")),
                csca: harness.csca)
            let (done, _) = try await harness.enroll(document)
            let certificate = try Certificate(pemEncoded: done.certificate)
            #expect(certificate.notValidAfter <= CivilCalendar.service.endOfDay(try CalendarDate(iso8601: "2027-01-31")))
            #expect(certificate.notValidAfter > Date().addingTimeInterval(30 * 86_400))
        }
    }
}
