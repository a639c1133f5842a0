import Crypto
public import CyberIDCore
public import CyberIDDocuments
public import CyberIDKeys
public import CyberIDStore
public import Foundation
import Synchronization
import SwiftASN1
import X509

/// Tunables of the enrollment flow.
public struct EnrollmentConfiguration: Sendable {
    /// The OpenID issuer; wallet signatures are addressed to `<issuer>/enrollment`.
    public var issuer: String
    /// How long a session lives.
    public var sessionLifetime: TimeInterval = 600
    /// How long a one-time code is valid.
    public var codeLifetime: TimeInterval = 300
    /// Wrong codes before the session locks.
    public var maxCodeAttempts: Int64 = 5
    /// Codes a session may send.
    public var maxCodeSends: Int64 = 5
    /// Codes any one phone number may receive in an hour, across sessions.
    public var maxCodesPerPhonePerHour: Int64 = 10
    /// Validity of a network certificate (capped at the document's expiry).
    public var certificateLifetime: TimeInterval = 365 * 86_400

    /// Creates a configuration.
    public init(issuer: String) {
        self.issuer = issuer
    }
}

/// The answers of the enrollment API (docs/enrollment.md), encoded with snake_case keys.
public enum EnrollmentResponse {
    /// `POST /enrollment/v1/sessions`.
    public struct Started: Codable, Sendable, Equatable {
        public let sessionID: String
        public let aaChallenge: String
        public let expiresAt: Date
        public let state: String
        /// `enroll` or `replace`.
        public var purpose: String?
    }

    /// Any step that moves the session on.
    public struct Step: Codable, Sendable, Equatable {
        public let state: String
        public var next: String?
        public var ageBand: String?
        public var documentExpires: String?
        public var codeExpiresAt: Date?
    }

    /// `POST …/complete`.
    public struct Completed: Codable, Sendable, Equatable {
        public let networkNumber: String
        public let assuranceLevel: String
        public let certificate: String
        public let chain: String
    }
}

/// The enrollment flow: identity proofing → identity record → network number + certificate.
///
/// Every step loads the session, checks its state, and writes it back with a compare-and-set
/// on its version, so a retried or concurrent request never applies twice; completion writes
/// the person, the number, the certificate and the session in one transaction, and a repeated
/// `complete` replays the stored answer.
public struct EnrollmentService: Sendable {
    /// The storage the flow needs.
    public typealias Store = EnrollmentStore & PersonStore & TrustAnchorStore & NetworkCertificateStore

    let store: any Store
    let envelope: EnvelopeEncryption
    let blindIndex: BlindIndex
    let authority: CertificateAuthority
    let sms: any SMSSender
    let faceMatcher: (any FaceMatcher)?
    let configuration: EnrollmentConfiguration
    let now: @Sendable () -> Date
    let today: @Sendable () -> CalendarDate
    let trust: TrustAnchorCache

    /// Creates the service.
    /// - Parameters:
    ///   - today: the current day in the service's legal time zone (age, document expiry).
    public init(
        store: any Store, masterKey: MasterKey, authority: CertificateAuthority, sms: any SMSSender,
        faceMatcher: (any FaceMatcher)?, configuration: EnrollmentConfiguration,
        now: @escaping @Sendable () -> Date = { Date() }, today: @escaping @Sendable () -> CalendarDate
    ) {
        self.store = store
        self.envelope = EnvelopeEncryption(masterKey: masterKey)
        self.blindIndex = BlindIndex(masterKey: masterKey)
        self.authority = authority
        self.sms = sms
        self.faceMatcher = faceMatcher
        self.configuration = configuration
        self.now = now
        self.today = today
        self.trust = TrustAnchorCache(store: store)
    }

    var walletSignatures: WalletSignatureVerifier {
        WalletSignatureVerifier(authority: authority, certificates: store, persons: store)
    }

    // MARK: 1. start

    /// Starts a session, optionally on behalf of a child (guardian JWS, purpose `guardian-start`).
    /// - Parameters:
    ///   - purpose: `.enroll` for a new person; `.replace` for a lost device (the same steps:
    ///     the chip proves the holder, the code proves the bound phone, then a new certificate for
    ///     the existing number replaces all the old ones); `.phoneChange` for a new phone number
    ///     (the holder's current wallet signs the start, the chip proves the holder, the code
    ///     proves the *new* phone; completion is a replacement that also rebinds the phone).
    ///   - walletJWS: for `.phoneChange`, the holder's wallet JWS with purpose `phone-change`.
    public func start(
        guardianJWS: String?, purpose: EnrollmentSessionRecord.Purpose = .enroll, walletJWS: String? = nil
    ) async throws -> EnrollmentResponse.Started {
        let time = now()
        var guardianID: String? = nil
        if let guardianJWS {
            let signer = try await walletSignatures.verify(
                guardianJWS, audience: "\(configuration.issuer)/enrollment", purpose: "guardian-start", at: time)
            try await requireAdult(personID: signer.personID)
            guardianID = signer.personID
        }
        var holderID: String? = nil
        switch (purpose, walletJWS) {
        case (.phoneChange, let walletJWS?):
            let signer = try await walletSignatures.verify(
                walletJWS, audience: "\(configuration.issuer)/enrollment", purpose: "phone-change", at: time)
            guard try await store.person(id: signer.personID)?.state == .active else {
                throw EnrollmentError(
                    code: "person-not-active", status: 403, reason: "only an active network number changes its phone")
            }
            holderID = signer.personID
        case (.phoneChange, nil):
            throw EnrollmentError.invalidRequest("a phone change is started with the holder's wallet signature (wallet)")
        case (_, nil):
            break
        case (_, .some):
            throw EnrollmentError.invalidRequest("wallet is only for purpose phone-change")
        }
        var session = EnrollmentSessionRecord(
            id: randomToken(16), aaChallenge: randomBytes(8), guardianID: guardianID, createdAt: time,
            expiresAt: time.addingTimeInterval(configuration.sessionLifetime), purpose: purpose)
        session.personID = holderID
        try await store.create(session)
        return .init(
            sessionID: session.id, aaChallenge: base64URLEncode(session.aaChallenge), expiresAt: session.expiresAt,
            state: session.state, purpose: purpose.rawValue)
    }

    // MARK: 2. document

    /// Verifies the chip (passive + active authentication) and applies the age and
    /// one-person-one-number rules.
    public func presentDocument(sessionID: String, chip: ChipData, aaSignature: [UInt8]) async throws
        -> EnrollmentResponse.Step
    {
        var session = try await openSession(sessionID, expecting: ["started"])
        let verifier = DocumentVerifier(trustStore: try await trust.trustStore())
        let document = try verifier.verify(
            chip, challenge: session.aaChallenge, activeAuthenticationSignature: aaSignature, at: now(), today: today())
        let identity = IdentityRecord(mrz: document.mrz, portrait: document.faceImage)
        let index = blindIndex.index(identity.identityParts)
        if session.purpose != .enroll {
            // A lost device or a new phone: the document's holder must hold a live number (for a
            // phone change, the number of the wallet that started it); a child's is replaced by
            // their own guardian, as they were enrolled. The age rules of enrollment were met then.
            guard let person = try await store.livePerson(blindIndex: index) else { throw EnrollmentError.notEnrolled() }
            if let holder = session.personID, holder != person.id {
                throw EnrollmentError(
                    code: "document-mismatch", status: 403, reason: "this document is not the wallet holder's")
            }
            if document.ageBand == .under14 {
                guard let guardian = session.guardianID else { throw EnrollmentError.guardianRequired() }
                guard guardian == person.guardianID else { throw EnrollmentError.guardianMismatch() }
            } else {
                session.guardianID = nil
            }
            session.personID = person.id
            session.state = "document_verified"
        } else {
            if try await store.livePerson(blindIndex: index) != nil { throw EnrollmentError.alreadyEnrolled() }
            switch document.ageBand {
            case .under14:
                guard session.guardianID != nil else { throw EnrollmentError.guardianRequired() }
                session.state = "document_verified"
            case .from14To17:
                session.state = session.guardianID == nil ? "awaiting_guardian" : "document_verified"
            case .adult:
                session.guardianID = nil
                session.state = "document_verified"
            }
        }
        session.blindIndex = index
        session.ageBand = document.ageBand.rawValue
        session.documentExpiry = document.mrz.expiryDate.description
        try seal(identity, into: &session)
        try await save(session)
        return .init(
            state: session.state, next: session.state == "awaiting_guardian" ? "guardian" : "phone",
            ageBand: document.ageBand.rawValue, documentExpires: document.mrz.expiryDate.description)
    }

    /// A guardian approves a 14–17-year-old's session (JWS purpose `guardian-approval`).
    public func approveAsGuardian(sessionID: String, approvalJWS: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: ["awaiting_guardian"])
        let signer = try await walletSignatures.verify(
            approvalJWS, audience: "\(configuration.issuer)/enrollment", purpose: "guardian-approval", at: now())
        guard signer.payload["session_id"] as? String == sessionID else {
            throw EnrollmentError.invalidWalletSignature("the approval is for another session")
        }
        try await requireAdult(personID: signer.personID)
        session.guardianID = signer.personID
        session.state = "document_verified"
        try await save(session)
        return .init(state: session.state, next: "phone")
    }

    // MARK: 3. phone

    /// Sends a six-digit code to `phone` (E.164).
    public func sendPhoneCode(sessionID: String, phone: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: ["document_verified", "phone_code_sent"])
        guard Self.isE164(phone) else { throw EnrollmentError.invalidPhone() }
        guard session.otpSends < configuration.maxCodeSends else { throw EnrollmentError.tooManyCodes() }
        if session.purpose != .enroll {
            guard let personID = session.personID else { throw EnrollmentError.wrongStep(session.state, "a verified document") }
            let bound = try await personRecord(personID)?.phone
            let same = bound.map { constantTimeEqual(Array($0.utf8), Array(phone.utf8)) } ?? false
            if session.purpose == .replace, !same {
                // Replacement proves the phone already bound to the number, never a new one. A
                // wrong guess counts like a wrong code, so the session cannot probe for the number.
                session.otpAttempts += 1
                if session.otpAttempts >= configuration.maxCodeAttempts { session.state = "locked" }
                try await save(session)
                throw session.state == "locked" ? EnrollmentError.sessionLocked() : EnrollmentError.phoneMismatch()
            }
            if session.purpose == .phoneChange, same {
                throw EnrollmentError(code: "same-phone", status: 409, reason: "this phone number is already the bound one")
            }
        }
        guard
            try await store.recordCodeSend(
                phoneIndex: blindIndex.index(["phone-v1", phone]), at: now(), window: 3_600,
                limit: configuration.maxCodesPerPhonePerHour)
        else { throw EnrollmentError.phoneRateLimited() }
        let code = String(format: "%06d", Int.random(in: 0..<1_000_000))
        var identity = try unseal(session)
        identity.phone = phone
        try seal(identity, into: &session)
        session.otpHash = codeHash(code, session: session.id)
        session.otpExpiresAt = now().addingTimeInterval(configuration.codeLifetime)
        session.otpSends += 1
        // Wrong attempts count per session, not per code: resending does not buy more guesses.
        session.state = "phone_code_sent"
        try await save(session)
        do {
            try await sms.send(to: phone, text: "CyberID code \(code). Valid 5 minutes. Never share it.")
        } catch {
            throw EnrollmentError.smsUnavailable()
        }
        return .init(state: session.state, codeExpiresAt: session.otpExpiresAt)
    }

    /// Confirms the phone with the code.
    public func confirmPhone(sessionID: String, code: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: ["phone_code_sent"])
        guard let expiry = session.otpExpiresAt, expiry > now() else { throw EnrollmentError.codeExpired() }
        guard let expected = session.otpHash, codeHash(code, session: session.id) == expected else {
            session.otpAttempts += 1
            let left = configuration.maxCodeAttempts - session.otpAttempts
            if left <= 0 { session.state = "locked" }
            try await save(session)
            throw left <= 0 ? EnrollmentError.sessionLocked() : EnrollmentError.wrongCode(left: left)
        }
        session.otpHash = nil
        session.state = "phone_confirmed"
        try await save(session)
        return .init(state: session.state, next: faceMatcher == nil ? "complete" : "face")
    }

    // MARK: 4. face

    /// Matches a live image against the chip portrait through the configured matcher.
    public func submitFace(sessionID: String, image: [UInt8]) async throws -> EnrollmentResponse.Step {
        guard let faceMatcher else { throw EnrollmentError.noFaceMatcher() }
        var session = try await openSession(sessionID, expecting: ["phone_confirmed"])
        guard let portrait = try unseal(session).portrait else {
            throw EnrollmentError.invalidRequest("the document had no portrait (DG2)")
        }
        let score: Double
        do {
            score = try await faceMatcher.score(live: image, portrait: portrait)
        } catch {
            throw EnrollmentError.faceMatcherUnavailable()
        }
        guard score >= faceMatcher.threshold else { throw EnrollmentError.faceMismatch() }
        session.state = "face_matched"
        try await save(session)
        return .init(state: session.state, next: "complete")
    }

    // MARK: 5. complete

    /// Issues the network number and certificate for the CSR's key; idempotent.
    public func complete(sessionID: String, csr: [UInt8]) async throws -> EnrollmentResponse.Completed {
        var session = try await loadSession(sessionID)
        if session.state == "completed", let result = session.result {
            return try JSONDecoder.enrollment.decode(EnrollmentResponse.Completed.self, from: Data(result.utf8))
        }
        let ready = faceMatcher == nil ? ["phone_confirmed"] : ["face_matched"]
        try check(session, expecting: ready)
        let publicKey = try Self.walletKey(fromCSR: csr)
        if session.purpose != .enroll { return try await completeReplacement(session, publicKey: publicKey) }
        var identity = try unseal(session)
        // The portrait stays (sealed) only as the reference of later face checks.
        if faceMatcher == nil { identity.portrait = nil }
        let level: AssuranceLevel = session.state == "face_matched" ? .high : .substantial
        guard let index = session.blindIndex, let band = session.ageBand.flatMap(AgeBand.init(rawValue:)) else {
            throw EnrollmentError.wrongStep(session.state, "a verified document")
        }
        let time = now()
        let personID = randomToken(16)
        let documentEnd = Self.endOfDay(identity.documentExpiry)
        let notAfter = min(time.addingTimeInterval(configuration.certificateLifetime), documentEnd)
        let record = try envelope.seal(try JSONEncoder.enrollment.encode(identity), context: "person:\(personID)")
        let person = PersonRecord(
            id: personID, state: .active, blindIndex: index, assuranceLevel: level, ageBand: band,
            guardianID: session.guardianID, recordCiphertext: record.ciphertext, recordWrappedKey: record.wrappedKey,
            createdAt: time, updatedAt: time)
        for _ in 0..<3 {
            let number = NetworkNumber.generate()
            let (certificate, serial) = try authority.issue(
                publicKey: publicKey, networkNumber: number, level: level, notBefore: time, notAfter: notAfter)
            let answer = try issued(certificate, number: number, level: level)
            var completed = try Self.completed(session, answer: answer)
            completed.personID = personID
            do {
                try await store.complete(
                    completed, person: person, networkNumber: number.canonical,
                    certificate: NetworkCertificateRecord(
                        serial: serial, personID: personID, networkNumber: number.canonical,
                        der: try CertificateAuthority.der(certificate), notAfter: notAfter, issuedAt: time))
                return answer
            } catch let error as StoreError where error == .conflict {
                // Who won? The same session (a concurrent retry), the same identity (another
                // session), or — astronomically rarely — the same random number.
                let current = try await loadSession(sessionID)
                if current.state == "completed", let result = current.result {
                    return try JSONDecoder.enrollment.decode(EnrollmentResponse.Completed.self, from: Data(result.utf8))
                }
                if try await store.livePerson(blindIndex: index) != nil { throw EnrollmentError.alreadyEnrolled() }
                session = current
            }
        }
        throw EnrollmentError.alreadyEnrolled()
    }

    // MARK: helpers

    /// The answer of a completed session.
    func issued(_ certificate: Certificate, number: NetworkNumber, level: AssuranceLevel) throws
        -> EnrollmentResponse.Completed
    {
        EnrollmentResponse.Completed(
            networkNumber: number.formatted, assuranceLevel: level.rawValue,
            certificate: try CertificateAuthority.pem(certificate),
            chain: try CertificateAuthority.pem(authority.issuing) + "\n" + CertificateAuthority.pem(authority.root))
    }

    /// The session as completed with `answer`: the answer kept for retries, the pending personal
    /// data and the code hash dropped.
    static func completed(_ session: EnrollmentSessionRecord, answer: EnrollmentResponse.Completed) throws
        -> EnrollmentSessionRecord
    {
        var completed = session
        completed.state = "completed"
        completed.result = String(decoding: try JSONEncoder.enrollment.encode(answer), as: UTF8.self)
        completed.sealedIdentity = nil
        completed.sealedIdentityKey = nil
        completed.otpHash = nil
        return completed
    }

    /// A person's sealed identity record, opened; `nil` once shredded.
    func personRecord(_ personID: String) async throws -> IdentityRecord? {
        guard let person = try await store.person(id: personID), let key = person.recordWrappedKey else { return nil }
        let bytes = try envelope.open(
            SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: key), context: "person:\(personID)")
        return try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(bytes))
    }


    func loadSession(_ id: String) async throws -> EnrollmentSessionRecord {
        guard let session = try await store.enrollmentSession(id: id) else { throw EnrollmentError.sessionNotFound() }
        return session
    }

    func openSession(_ id: String, expecting states: [String]) async throws -> EnrollmentSessionRecord {
        let session = try await loadSession(id)
        try check(session, expecting: states)
        return session
    }

    func check(_ session: EnrollmentSessionRecord, expecting states: [String]) throws {
        if session.state == "locked" { throw EnrollmentError.sessionLocked() }
        if session.state != "completed" && session.expiresAt <= now() { throw EnrollmentError.sessionExpired() }
        guard states.contains(session.state) else {
            throw EnrollmentError.wrongStep(session.state, states.joined(separator: " or "))
        }
    }

    func save(_ session: EnrollmentSessionRecord) async throws {
        guard try await store.update(session) else {
            throw EnrollmentError(code: "conflict", status: 409, reason: "the session changed meanwhile; retry the step")
        }
    }

    func seal(_ identity: IdentityRecord, into session: inout EnrollmentSessionRecord) throws {
        let sealed = try envelope.seal(try JSONEncoder.enrollment.encode(identity), context: "enrollment:\(session.id)")
        session.sealedIdentity = sealed.ciphertext
        session.sealedIdentityKey = sealed.wrappedKey
    }

    func unseal(_ session: EnrollmentSessionRecord) throws -> IdentityRecord {
        guard let ciphertext = session.sealedIdentity, let key = session.sealedIdentityKey else {
            throw EnrollmentError.wrongStep(session.state, "a verified document")
        }
        let bytes = try envelope.open(SealedEnvelope(ciphertext: ciphertext, wrappedKey: key), context: "enrollment:\(session.id)")
        return try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(bytes))
    }

    /// Guardians must be adults now, judged from their sealed birth date.
    private func requireAdult(personID: String) async throws {
        guard let person = try await store.person(id: personID), let key = person.recordWrappedKey else {
            throw EnrollmentError.guardianNotAdult()
        }
        let bytes = try envelope.open(
            SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: key), context: "person:\(personID)")
        let record = try JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(bytes))
        guard AgeBand(birthDate: record.birthDate, on: today()) == .adult else { throw EnrollmentError.guardianNotAdult() }
    }

    func codeHash(_ code: String, session: String) -> [UInt8] {
        Array(SHA256.hash(data: Array("\(session):\(code)".utf8)))
    }

    static func isE164(_ phone: String) -> Bool {
        let digits = phone.dropFirst()
        return phone.first == "+" && (8...15).contains(digits.count) && digits.allSatisfy(\.isASCIIDigit)
            && digits.first != "0"
    }

    /// The wallet key from a PKCS#10 CSR (PEM or DER), after checking its self-signature.
    static func walletKey(fromCSR bytes: [UInt8]) throws -> P256.Signing.PublicKey {
        let csr: CertificateSigningRequest
        if let text = String(bytes: bytes, encoding: .utf8), text.contains("-----BEGIN CERTIFICATE REQUEST-----") {
            guard let parsed = try? CertificateSigningRequest(pemEncoded: text) else {
                throw EnrollmentError.invalidCSR("the CSR PEM is malformed")
            }
            csr = parsed
        } else {
            guard let parsed = try? CertificateSigningRequest(derEncoded: bytes) else {
                throw EnrollmentError.invalidCSR("the CSR is not PKCS#10")
            }
            csr = parsed
        }
        guard let key = P256.Signing.PublicKey(csr.publicKey) else {
            throw EnrollmentError.invalidCSR("the CSR key must be P-256")
        }
        guard csr.publicKey.isValidSignature(csr.signature, for: csr) else {
            throw EnrollmentError.invalidCSR("the CSR signature does not verify (no proof of possession)")
        }
        return key
    }

    static func endOfDay(_ date: CalendarDate) -> Date {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        let start = calendar.date(from: DateComponents(year: date.year, month: date.month, day: date.day)) ?? Date()
        return start.addingTimeInterval(86_399)
    }

    func randomBytes(_ count: Int) -> [UInt8] {
        var generator = SystemRandomNumberGenerator()
        return (0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) }
    }

    func randomToken(_ count: Int) -> String { base64URLEncode(randomBytes(count)) }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}

extension JSONEncoder {
    /// snake_case keys, ISO 8601 dates, sorted keys: the enrollment API's JSON.
    public static var enrollment: JSONEncoder {
        let encoder = JSONEncoder()
        encoder.keyEncodingStrategy = .convertToSnakeCase
        encoder.dateEncodingStrategy = .iso8601
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return encoder
    }
}

extension JSONDecoder {
    /// The decoder matching ``JSONEncoder/enrollment``.
    public static var enrollment: JSONDecoder {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        decoder.dateDecodingStrategy = .iso8601
        return decoder
    }
}

/// The trusted CSCAs and CRLs, parsed once and re-read from the store at most every 30 s (an
/// operator's `trust add-csca` reaches running servers without a restart).
final class TrustAnchorCache: Sendable {
    private let store: any TrustAnchorStore
    private let cached = Mutex<(TrustStore, Date)?>(nil)

    init(store: any TrustAnchorStore) {
        self.store = store
    }

    func trustStore() async throws -> TrustStore {
        if let (trust, loaded) = cached.withLock({ $0 }), Date().timeIntervalSince(loaded) < 30 { return trust }
        var trust = TrustStore()
        for anchor in try await store.trustAnchors() {
            switch anchor.kind {
            case .csca:
                if let certificate = try? Certificate(derEncoded: anchor.der) { trust.add(csca: certificate) }
            case .crl:
                if let crl = try? CertificateRevocationList(bytes: anchor.der) { trust.add(crl: crl) }
            }
        }
        cached.withLock { $0 = (trust, Date()) }
        return trust
    }

    /// Drops the cache (after a trust change in this process).
    func invalidate() { cached.withLock { $0 = nil } }
}
