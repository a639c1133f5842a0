import CyberIDCore
import CyberIDKeys
public import CyberIDStore
public import Foundation

/// The answer to a phone change's first step.
public struct PhoneChangeStarted: Codable, Sendable, Equatable {
    /// Names the change in the confirmation.
    public let sessionID: String
    public let codeExpiresAt: Date?
}

extension EnrollmentService {
    /// Starts binding a new phone number to an enrolled holder (authenticated by their wallet):
    /// a one-time code goes to the new number. Nothing changes until it is confirmed.
    /// - Throws: ``EnrollmentError`` `invalid-phone`, `same-phone`, `number-cancelled`,
    ///   `sms-unavailable`.
    public func startPhoneChange(personID: String, phone: String) async throws -> PhoneChangeStarted {
        guard Self.isE164(phone) else { throw EnrollmentError.invalidPhone() }
        guard let person = try await store.person(id: personID), person.state != .cancelled,
            let identity = try await personRecord(personID)
        else { throw EnrollmentError.numberCancelled() }
        if let bound = identity.phone, constantTimeEqual(Array(bound.utf8), Array(phone.utf8)) {
            throw EnrollmentError(code: "same-phone", status: 409, reason: "this phone number is already the bound one")
        }
        let time = now()
        var session = EnrollmentSessionRecord(
            id: randomToken(16), aaChallenge: [], guardianID: nil, createdAt: time,
            expiresAt: time.addingTimeInterval(configuration.sessionLifetime), purpose: .phoneChange)
        session.personID = personID
        session.state = "document_verified"
        try seal(identity, into: &session)
        try await store.create(session)
        let sent = try await sendPhoneCode(sessionID: session.id, phone: phone, purposes: [.phoneChange])
        return PhoneChangeStarted(sessionID: session.id, codeExpiresAt: sent.codeExpiresAt)
    }

    /// Confirms a phone change with the code sent to the new number and rebinds it: the
    /// person's record is re-sealed with the new phone (a new data key) and the change is in
    /// their history. A repeated confirmation of a finished change succeeds again.
    /// - Throws: ``EnrollmentError`` `session-not-found` (also for another holder's change),
    ///   `wrong-code`, `code-expired`, `session-locked`, `number-cancelled`.
    public func confirmPhoneChange(personID: String, sessionID: String, code: String) async throws {
        let session = try await loadSession(sessionID)
        guard session.purpose == .phoneChange, session.personID == personID else { throw EnrollmentError.sessionNotFound() }
        if session.state == "completed" { return }
        _ = try await confirmPhone(sessionID: sessionID, code: code, purposes: [.phoneChange])
        let confirmed = try await loadSession(sessionID)
        // The record as it is now (a device replacement may have re-sealed it meanwhile), with
        // the confirmed phone.
        guard var identity = try await personRecord(personID) else { throw EnrollmentError.numberCancelled() }
        identity.phone = try unseal(confirmed).phone
        let record = try envelope.seal(try JSONEncoder.enrollment.encode(identity), context: "person:\(personID)")
        var completed = confirmed
        completed.state = "completed"
        completed.sealedIdentity = nil
        completed.sealedIdentityKey = nil
        do {
            try await store.completeReplacement(
                completed, personID: personID, record: (record.ciphertext, record.wrappedKey), certificate: nil,
                history: HistoryEntry(
                    personID: personID, clientID: nil, event: "phone-changed", outcome: "success", occurredAt: now()))
        } catch let error as StoreError where error == .conflict {
            guard try await loadSession(sessionID).state == "completed" else {
                throw EnrollmentError(code: "conflict", status: 409, reason: "the change was modified meanwhile; retry")
            }
        } catch let error as StoreError where error == .notFound {
            throw EnrollmentError.numberCancelled()
        }
    }
}
