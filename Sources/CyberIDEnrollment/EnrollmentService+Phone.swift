import Crypto
import CyberIDBase64URL
import CyberIDAdapters
import CyberIDCore
import CyberIDKeys
import CyberIDLimits
import CyberIDStore
import CyberIDVault
import Foundation

extension EnrollmentService {
    /// Sends a six-digit code to `phone` (E.164).
    public func sendPhoneCode(sessionID: String, phone: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: [.documentVerified, .phoneCodeSent])
        guard Self.isE164(phone) else { throw EnrollmentError.invalidPhone() }
        guard session.otpSends < configuration.maxCodeSends else { throw EnrollmentError.tooManyCodes() }
        if session.purpose != .enroll { try await checkHolderPhone(phone, in: &session) }
        // SMS pumping (review finding 8): per document across sessions, per phone, and overall.
        // (Per client IP is the HTTP layer's.)
        try await limiter.hit(configuration.documentLimit, Base64URL.encode(session.blindIndex ?? []), at: now())
        try await limiter.hit(configuration.phoneLimit, phone, at: now())
        try await limiter.hit(configuration.smsLimit, "all", at: now())
        let code = SecureRandom.digits(6)
        guard var identity = try vault.open(session) else {
            throw EnrollmentError.wrongStep(session.state.rawValue, "a verified document")
        }
        identity.phone = phone
        try vault.seal(identity, into: &session)
        session.otpHash = codeHash(code, session: session.id)
        session.otpExpiresAt = now().addingTimeInterval(configuration.codeLifetime)
        session.otpSends += 1
        // Wrong attempts count per session, not per code: resending does not buy more guesses.
        session.state = .phoneCodeSent
        try await save(session)
        do {
            try await sms.send(to: phone, text: "CyberID code \(code). Valid 5 minutes. Never share it.")
        } catch {
            throw EnrollmentError.smsUnavailable()
        }
        return .init(state: session.state.rawValue, codeExpiresAt: session.otpExpiresAt)
    }

    /// A replacement proves the phone already bound to the number, never a new one; a phone
    /// change proves a new one.
    private func checkHolderPhone(_ phone: String, in session: inout EnrollmentSessionRecord) async throws {
        guard let personID = session.personID else {
            throw EnrollmentError.wrongStep(session.state.rawValue, "a verified document")
        }
        let bound = try await boundPhone(personID: personID)
        let same = bound.map { constantTimeEqual(Array($0.utf8), Array(phone.utf8)) } ?? false
        if [.replace, .documentChange, .passwordReset].contains(session.purpose), !same {
            // A wrong guess counts like a wrong code, so the session cannot probe for the number.
            session.otpAttempts += 1
            if session.otpAttempts >= configuration.maxCodeAttempts { session.state = .locked }
            try await save(session)
            throw session.state == .locked ? EnrollmentError.sessionLocked() : EnrollmentError.phoneMismatch()
        }
        if session.purpose == .phoneChange, same { throw EnrollmentError.samePhone() }
    }

    /// Confirms the phone with the code.
    public func confirmPhone(sessionID: String, code: String) async throws -> EnrollmentResponse.Step {
        var session = try await openSession(sessionID, expecting: [.phoneCodeSent])
        guard let expiry = session.otpExpiresAt, expiry > now() else { throw EnrollmentError.codeExpired() }
        guard let expected = session.otpHash, codeHash(code, session: session.id) == expected else {
            session.otpAttempts += 1
            let left = configuration.maxCodeAttempts - session.otpAttempts
            if left <= 0 { session.state = .locked }
            try await save(session)
            throw left <= 0 ? EnrollmentError.sessionLocked() : EnrollmentError.wrongCode(left: left)
        }
        session.otpHash = nil
        session.state = .phoneConfirmed
        try await save(session)
        return .init(state: session.state.rawValue, next: faceMatcher == nil ? Self.lastStep(session) : "face")
    }

    /// Matches a live image against the chip portrait through the configured matcher.
    public func submitFace(sessionID: String, image: [UInt8]) async throws -> EnrollmentResponse.Step {
        guard let faceMatcher else { throw EnrollmentError.noFaceMatcher() }
        var session = try await openSession(sessionID, expecting: [.phoneConfirmed])
        guard let portrait = try vault.open(session)?.portrait else {
            throw EnrollmentError.invalidRequest("the document had no portrait (DG2)")
        }
        // Each attempt counts, per identity and day, before the matcher is asked (finding 16).
        try await limiter.hit(configuration.faceLimit, Base64URL.encode(session.blindIndex ?? []), at: now())
        let score: Double
        do {
            score = try await faceMatcher.score(live: image, portrait: portrait)
        } catch {
            throw EnrollmentError.faceMatcherUnavailable()
        }
        guard score >= faceMatcher.threshold else { throw EnrollmentError.faceMismatch() }
        session.state = .faceMatched
        try await save(session)
        return .init(state: session.state.rawValue, next: Self.lastStep(session))
    }

    /// The step that ends a session once the holder is proven: `complete` (a certificate), or
    /// `password` for a password reset.
    static func lastStep(_ session: EnrollmentSessionRecord) -> String {
        session.purpose == .passwordReset ? "password" : "complete"
    }

    func codeHash(_ code: String, session: String) -> [UInt8] {
        Array(SHA256.hash(data: Array("\(session):\(code)".utf8)))
    }

    static func isE164(_ phone: String) -> Bool {
        let digits = phone.dropFirst()
        return phone.first == "+" && (8...15).contains(digits.count) && digits.allSatisfy { ("0"..."9").contains($0) }
            && digits.first != "0"
    }
}
