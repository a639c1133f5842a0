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

/// An SMS sender that remembers the last code per phone.
final class MemorySMS: SMSSender {
    let messages = Mutex<[(String, String)]>([])
    func send(to phone: String, text: String) async throws { messages.withLock { $0.append((phone, text)) } }
    var lastCode: String? {
        messages.withLock { $0.last?.1 }.flatMap { $0.split(separator: " ").dropFirst(2).first.map { String($0.dropLast()) } }
    }
}

/// A face matcher with a fixed score.
struct FixedFaceMatcher: FaceMatcher {
    let fixedScore: Double
    var threshold: Double { 0.8 }
    func score(live: [UInt8], portrait: [UInt8]) async throws -> Double { fixedScore }
}

/// A wired enrollment service over a fresh SQLite store, with a trusted development CSCA.
struct Harness {
    let service: EnrollmentService
    let store: SQLStore
    let csca: DevDocumentFactory.CSCA
    let sms: MemorySMS
    let masterKey: MasterKey

    static func with(
        faceMatcher: (any FaceMatcher)? = nil, codesPerPhonePerHour: Int64 = 1_000,
        _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-enroll-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try await SQLiteStoreDatabase.open(path: directory.appendingPathComponent("e.sqlite").path)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await database.run() }
            defer { group.cancelAll() }
            try await Migrator().migrate(database, logger: Logger(label: "t"))
            let store = SQLStore(database: database)
            let masterKey = MasterKey.random()
            let csca = try DevDocumentFactory.CSCA.make()
            let der = try CertificateAuthority.der(csca.certificate)
            try await store.add(TrustAnchorRecord(fingerprint: "dev", kind: .csca, der: der, label: "dev", addedAt: Date()))
            let sms = MemorySMS()
            // Many tests enroll several people with one phone; the hourly limit has its own test.
            var configuration = EnrollmentConfiguration(issuer: "https://id.test")
            configuration.maxCodesPerPhonePerHour = codesPerPhonePerHour
            let service = EnrollmentService(
                store: store, masterKey: masterKey,
                authority: try await CertificateAuthority.loadOrCreate(store: store, masterKey: masterKey), sms: sms,
                faceMatcher: faceMatcher, configuration: configuration,
                today: { try! CalendarDate(iso8601: "2026-11-25") })
            try await body(Harness(service: service, store: store, csca: csca, sms: sms, masterKey: masterKey))
        }
    }

    func document(birth: String = "1990-01-01", number: String = "E12345678", rsa: Bool = false) throws
        -> DevDocumentFactory.Document
    {
        try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                birthDate: try CalendarDate(iso8601: birth), documentNumber: number,
                expiryDate: try CalendarDate(iso8601: "2031-01-01")), csca: csca, rsa: rsa)
    }

    /// Runs start → document; returns the session id and the document step's answer.
    func present(
        _ document: DevDocumentFactory.Document, guardian: String? = nil, purpose: EnrollmentSessionRecord.Purpose = .enroll,
        wallet: String? = nil
    ) async throws -> (String, EnrollmentResponse.Step) {
        let started = try await service.start(guardianJWS: guardian, purpose: purpose, walletJWS: wallet)
        let challenge = try #require(EnrollmentCoding.base64URLDecode(started.aaChallenge))
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        let step = try await service.presentDocument(sessionID: started.sessionID, chip: document.chip, aaSignature: answer)
        return (started.sessionID, step)
    }

    /// Phone and code.
    func confirmPhone(_ session: String, phone: String = "+8613800000000") async throws -> EnrollmentResponse.Step {
        _ = try await service.sendPhoneCode(sessionID: session, phone: phone)
        return try await service.confirmPhone(sessionID: session, code: try #require(sms.lastCode))
    }

    /// A wallet key and its CSR.
    static func csr() throws -> (P256.Signing.PrivateKey, [UInt8]) {
        let key = P256.Signing.PrivateKey()
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("wallet") }, privateKey: .init(key),
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        return (key, Array(try csr.serializeAsPEM().pemString.utf8))
    }

    /// The whole flow for an adult; returns the answer and the wallet key.
    func enroll(_ document: DevDocumentFactory.Document) async throws -> (EnrollmentResponse.Completed, P256.Signing.PrivateKey) {
        let (session, _) = try await present(document)
        _ = try await confirmPhone(session)
        let (key, csr) = try Self.csr()
        return (try await service.complete(sessionID: session, csr: csr), key)
    }

    /// A guardian's wallet JWS.
    static func walletJWS(
        certificatePEM: String, key: P256.Signing.PrivateKey, purpose: String, sessionID: String? = nil,
        audience: String = "https://id.test/enrollment", iat: Date = Date()
    ) throws -> String {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let der = try CertificateAuthority.der(certificate)
        let header = try JSONSerialization.data(
            withJSONObject: ["alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [Data(der).base64EncodedString()]])
        var payload: [String: Any] = ["aud": audience, "iat": Int(iat.timeIntervalSince1970), "purpose": purpose]
        if let sessionID { payload["session_id"] = sessionID }
        let body = try JSONSerialization.data(withJSONObject: payload)
        let input = base64URLEncode(header) + "." + base64URLEncode(body)
        let signature = try key.signature(for: Array(input.utf8)).rawRepresentation
        return input + "." + base64URLEncode(signature)
    }
}

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
            await #expect(throws: EnrollmentError.phoneRateLimited()) {
                _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613700000000")
            }
            #expect(harness.sms.messages.withLock { $0.filter { $0.0 == "+8613700000000" }.count } == 3)
            // Another number is not affected, and old sends are purged after a day.
            _ = try await harness.service.sendPhoneCode(sessionID: session, phone: "+8613700000001")
            _ = try await harness.store.purgeExpiredEnrollmentSessions(before: Date().addingTimeInterval(2 * 86_400))
            let (later, _) = try await harness.present(try harness.document(number: "A0000005"))
            _ = try await harness.service.sendPhoneCode(sessionID: later, phone: "+8613700000000")
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
            let otherSession = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-approval", sessionID: "other")
            await #expect(throws: EnrollmentError.invalidWalletSignature("")) {
                _ = try await harness.service.approveAsGuardian(sessionID: teenSession, approvalJWS: otherSession)
            }
            let stale = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-approval", sessionID: teenSession,
                iat: Date().addingTimeInterval(-600))
            await #expect(throws: EnrollmentError.invalidWalletSignature("")) {
                _ = try await harness.service.approveAsGuardian(sessionID: teenSession, approvalJWS: stale)
            }
            let forged = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: P256.Signing.PrivateKey(), purpose: "guardian-approval",
                sessionID: teenSession)
            await #expect(throws: EnrollmentError.invalidWalletSignature("")) {
                _ = try await harness.service.approveAsGuardian(sessionID: teenSession, approvalJWS: forged)
            }
            let approval = try Harness.walletJWS(
                certificatePEM: guardian.certificate, key: guardianKey, purpose: "guardian-approval", sessionID: teenSession)
            #expect(try await harness.service.approveAsGuardian(sessionID: teenSession, approvalJWS: approval).state == "document_verified")
            _ = try await harness.confirmPhone(teenSession)
            let teen = try await harness.service.complete(sessionID: teenSession, csr: try Harness.csr().1)
            let teenPerson = try #require(try await harness.store.person(networkNumber: try NetworkNumber(parsing: teen.networkNumber).canonical))
            #expect(teenPerson.guardianID == guardianPerson.id && teenPerson.ageBand == .from14To17)

            // A minor cannot act as a guardian.
            let minorAsGuardian = try Harness.walletJWS(certificatePEM: teen.certificate, key: P256.Signing.PrivateKey(), purpose: "guardian-start")
            await #expect(throws: EnrollmentError.self) { _ = try await harness.service.start(guardianJWS: minorAsGuardian) }
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
            await #expect(throws: EnrollmentError.invalidCSR("")) {
                _ = try await harness.service.complete(sessionID: session, csr: Array("not a csr".utf8))
            }
            // A P-384 key is not a wallet key.
            let p384 = try CertificateSigningRequest(
                version: .v1, subject: try DistinguishedName { CommonName("w") }, privateKey: .init(P384.Signing.PrivateKey()),
                attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA384)
            await #expect(throws: EnrollmentError.invalidCSR("")) {
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
            #expect(certificate.notValidAfter <= EnrollmentService.endOfDay(try CalendarDate(iso8601: "2027-01-31")))
            #expect(certificate.notValidAfter > Date().addingTimeInterval(30 * 86_400))
        }
    }
}
