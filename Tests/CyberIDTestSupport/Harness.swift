public import Crypto
import CyberIDBase64URL
public import CyberIDAdapters
public import CyberIDCore
public import CyberIDDevTools
public import CyberIDEnrollment
public import CyberIDIssuance
public import CyberIDKeys
public import CyberIDStore
public import Foundation
import SwiftASN1
public import Synchronization
import X509

/// A test precondition that did not hold.
public struct TestPreconditionFailed: Error, CustomStringConvertible {
    public let description: String
}

/// The value, or a thrown ``TestPreconditionFailed`` (the support target cannot use `#require`).
public func required<T>(_ value: T?, _ what: String = "a required value", sourceLocation: String = #fileID, line: Int = #line)
    throws -> T
{
    guard let value else { throw TestPreconditionFailed(description: "\(what) is missing (\(sourceLocation):\(line))") }
    return value
}

/// An SMS sender that remembers the last code per phone.
public final class MemorySMS: SMSSender {
    public init() {}
    /// Every message sent, as (phone, text).
    public let messages = Mutex<[(String, String)]>([])
    public func send(to phone: String, text: String) async throws { messages.withLock { $0.append((phone, text)) } }
    public var lastCode: String? {
        messages.withLock { $0.last?.1 }.flatMap { $0.split(separator: " ").dropFirst(2).first.map { String($0.dropLast()) } }
    }
}

/// A face matcher with a fixed score.
public struct FixedFaceMatcher: FaceMatcher {
    let fixedScore: Double
    public init(fixedScore: Double) { self.fixedScore = fixedScore }
    public var threshold: Double { 0.8 }
    public func score(live: [UInt8], portrait: [UInt8]) async throws -> Double { fixedScore }
}

/// Given names that differ with the document number (its digits as letters), so that test
/// documents with different numbers are different persons — a second document of the same
/// nationality, names, birth date and sex is a `possible-duplicate` (review finding 5).
public func distinctGivenNames(_ number: String) -> String {
    "SAN " + String(number.unicodeScalars.map { scalar in
        ("0"..."9").contains(Character(scalar)) ? Character(UnicodeScalar(scalar.value - 48 + 65)!) : Character(scalar)
    })
}

/// A wired enrollment service over a fresh SQLite store, with a trusted development CSCA.
public struct Harness: Sendable {
    public let service: EnrollmentService
    public let store: SQLStore
    public let csca: DevDocumentFactory.CSCA
    public let sms: MemorySMS
    public let masterKey: MasterKey
    public let authority: CertificateAuthority

    public static func with(
        faceMatcher: (any FaceMatcher)? = nil, codesPerPhonePerHour: Int64 = 1_000, codesPerDocumentPerHour: Int64 = 1_000,
        faceAttemptsPerDay: Int64 = 1_000, issuer: String = "https://id.test",
        today: @escaping @Sendable () -> CalendarDate = { try! CalendarDate(iso8601: "2026-11-25") },
        gateway: (any SMSSender)? = nil, backend: Backend = .sqlite, _ body: @Sendable (Harness) async throws -> Void
    ) async throws {
        try await withTestDatabase(backend) { database in
            let store = SQLStore(database: database)
            let masterKey = MasterKey.random()
            let csca = try DevDocumentFactory.CSCA.make()
            let der = try CertificateAuthority.der(csca.certificate)
            try await store.add(TrustAnchorRecord(fingerprint: "dev", kind: .csca, der: der, label: "dev", addedAt: Date()))
            let sms = MemorySMS()
            // Many tests enroll several people with one phone; the hourly limit has its own test.
            var configuration = EnrollmentConfiguration(issuer: issuer)
            configuration.maxCodesPerPhonePerHour = codesPerPhonePerHour
            configuration.maxCodesPerDocumentPerHour = codesPerDocumentPerHour
            configuration.maxFaceAttemptsPerDay = faceAttemptsPerDay
            let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: masterKey)
            let service = EnrollmentService(
                store: store, masterKey: masterKey, authority: authority, sms: gateway ?? sms, faceMatcher: faceMatcher,
                configuration: configuration, today: today)
            try await body(
                Harness(service: service, store: store, csca: csca, sms: sms, masterKey: masterKey, authority: authority))
        }
    }

    public func document(birth: String = "1990-01-01", number: String = "E12345678", rsa: Bool = false) throws
        -> DevDocumentFactory.Document
    {
        try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                givenNames: distinctGivenNames(number), birthDate: try CalendarDate(iso8601: birth), documentNumber: number,
                expiryDate: try CalendarDate(iso8601: "2031-01-01")), csca: csca, rsa: rsa)
    }

    /// Runs start → document; returns the session id and the document step's answer.
    public func present(
        _ document: DevDocumentFactory.Document, guardian: String? = nil, purpose: EnrollmentSessionRecord.Purpose = .enroll,
        wallet: String? = nil
    ) async throws -> (String, EnrollmentResponse.Step) {
        let started = try await service.start(guardianJWS: guardian, purpose: purpose, walletJWS: wallet)
        let challenge = try required(Base64URL.decode(started.aaChallenge))
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        let step = try await service.presentDocument(sessionID: started.sessionID, chip: document.chip, aaSignature: answer)
        return (started.sessionID, step)
    }

    /// Phone and code.
    public func confirmPhone(_ session: String, phone: String = "+8613800000000") async throws -> EnrollmentResponse.Step {
        _ = try await service.sendPhoneCode(sessionID: session, phone: phone)
        return try await service.confirmPhone(sessionID: session, code: try required(sms.lastCode))
    }

    /// A wallet key and its CSR.
    public static func csr() throws -> (P256.Signing.PrivateKey, [UInt8]) {
        let key = P256.Signing.PrivateKey()
        let csr = try CertificateSigningRequest(
            version: .v1, subject: try DistinguishedName { CommonName("wallet") }, privateKey: .init(key),
            attributes: CertificateSigningRequest.Attributes(), signatureAlgorithm: .ecdsaWithSHA256)
        return (key, Array(try csr.serializeAsPEM().pemString.utf8))
    }

    /// The whole flow for an adult; returns the answer and the wallet key.
    public func enroll(_ document: DevDocumentFactory.Document) async throws -> (EnrollmentResponse.Completed, P256.Signing.PrivateKey) {
        let (session, _) = try await present(document)
        _ = try await confirmPhone(session)
        let (key, csr) = try Self.csr()
        return (try await service.complete(sessionID: session, csr: csr), key)
    }

    /// Enrolls `document` (by default an adult's); returns the answer, the wallet key and the
    /// person's internal id.
    public func enrollPerson(_ document: DevDocumentFactory.Document? = nil) async throws
        -> (issued: EnrollmentResponse.Completed, key: P256.Signing.PrivateKey, personID: String)
    {
        let (issued, key) = try await enroll(try document ?? self.document())
        let number = try NetworkNumber(parsing: issued.networkNumber).canonical
        let person = try required(try await store.person(networkNumber: number), "the enrolled person")
        return (issued, key, person.id)
    }

    /// A guardian's wallet JWS.
    public static func walletJWS(
        certificatePEM: String, key: P256.Signing.PrivateKey, purpose: String, sessionID: String? = nil,
        audience: String = "https://id.test/enrollment", iat: Date = Date(), extraHeader: [String: any Sendable] = [:]
    ) throws -> String {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        let der = try CertificateAuthority.der(certificate)
        var fields: [String: Any] = ["alg": "ES256", "typ": "cyberid-wallet+jwt", "x5c": [Data(der).base64EncodedString()]]
        fields.merge(extraHeader) { $1 }
        let header = try JSONSerialization.data(withJSONObject: fields)
        var payload: [String: Any] = ["aud": audience, "iat": Int(iat.timeIntervalSince1970), "purpose": purpose]
        if let sessionID { payload["session_id"] = sessionID }
        let body = try JSONSerialization.data(withJSONObject: payload)
        let input = Base64URL.encode(header) + "." + Base64URL.encode(body)
        let signature = try key.signature(for: Array(input.utf8)).rawRepresentation
        return input + "." + Base64URL.encode(signature)
    }
}

