import Crypto
import CyberIDCore
public import CyberIDIssuance
import CyberIDKeys
import CyberIDStore
import CyberIDVault
import Foundation

extension EnrollmentService {
    /// Issues the network number and certificate for the CSR's key; idempotent.
    public func complete(sessionID: String, csr: [UInt8]) async throws -> EnrollmentResponse.Completed {
        var session = try await loadSession(sessionID)
        if let answer = try Self.storedAnswer(session) { return answer }
        try check(session, expecting: faceMatcher == nil ? [.phoneConfirmed] : [.faceMatched])
        let publicKey = try CSR.walletKey(from: csr)
        if session.purpose == .passwordReset {
            throw EnrollmentError.invalidRequest("a password-reset session ends with a new password (POST …/password)")
        }
        if session.purpose != .enroll { return try await completeReplacement(session, publicKey: publicKey) }
        var identity = try pendingIdentity(session)
        // The portrait stays (sealed) only as the reference of later face checks.
        if faceMatcher == nil { identity.portrait = nil }
        let level: AssuranceLevel = session.state == .faceMatched ? .high : .substantial
        guard let index = session.blindIndex, let band = session.ageBand.flatMap(AgeBand.init(rawValue:)) else {
            throw EnrollmentError.wrongStep(session.state.rawValue, "a verified document")
        }
        let time = now()
        let personID = SecureRandom.token()
        let record = try vault.seal(identity, personID: personID)
        let person = PersonRecord(
            id: personID, state: .active, blindIndex: index, assuranceLevel: level, ageBand: band,
            guardianID: session.guardianID, recordCiphertext: record.ciphertext, recordWrappedKey: record.wrappedKey,
            createdAt: time, updatedAt: time, personIndex: blindIndex.index(identity.personParts),
            nationalIndex: identity.nationalParts.map(blindIndex.index))
        for _ in 0..<3 {
            let number = NetworkNumber.generate()
            let issued = try issuer.issue(
                publicKey: publicKey, number: number, level: level, personID: personID,
                documentExpiry: identity.documentExpiry, now: time)
            var completed = try Self.completed(session, answer: issued.answer)
            completed.personID = personID
            do {
                try await store.complete(completed, person: person, networkNumber: number.canonical, certificate: issued.record)
                return issued.answer
            } catch let error as StoreError where error == .conflict {
                // Who won? The same session (a concurrent retry), the same identity (another
                // session), or — astronomically rarely — the same random number.
                let current = try await loadSession(sessionID)
                if let answer = try Self.storedAnswer(current) { return answer }
                if try await store.livePerson(blindIndex: index) != nil { throw EnrollmentError.alreadyEnrolled() }
                // Another document with this personal number completed first (unique among live
                // persons): a passport and an ID card enrolled at once.
                if let national = person.nationalIndex, try await store.livePerson(nationalIndex: national) != nil {
                    throw EnrollmentError.possibleDuplicate()
                }
                session = current
            }
        }
        throw EnrollmentError.alreadyEnrolled()
    }

    /// Completes a device replacement or phone change (docs/lifecycle.md): a certificate for the
    /// person's existing number, capped at the document's expiry; their record is re-sealed from
    /// the fresh chip read (with the phone this session proved); every older certificate is
    /// revoked, in one write with the session's answer. The level stays the person's when this
    /// session passed a face check, and is at most `substantial` when it did not (a service
    /// without a matcher cannot vouch for `high`).
    func completeReplacement(_ session: EnrollmentSessionRecord, publicKey: P256.Signing.PublicKey) async throws
        -> EnrollmentResponse.Completed
    {
        guard let personID = session.personID, let person = try await store.person(id: personID) else {
            throw EnrollmentError.wrongStep(session.state.rawValue, "a verified document")
        }
        guard person.state != .cancelled, let canonical = try await store.activeNetworkNumber(personID: personID),
            let number = try? NetworkNumber(parsing: canonical)
        else { throw EnrollmentError.numberCancelled() }
        var identity = try pendingIdentity(session)
        if faceMatcher == nil { identity.portrait = nil }
        // A phone change may have completed since this replacement proved the (then) bound phone.
        if session.purpose == .replace || session.purpose == .documentChange {
            let bound = try await boundPhone(personID: personID)
            guard let bound, let proved = identity.phone, constantTimeEqual(Array(bound.utf8), Array(proved.utf8)) else {
                throw EnrollmentError.phoneMismatch()
            }
        }
        let level = session.state == .faceMatched ? person.assuranceLevel : min(person.assuranceLevel, .substantial)
        let time = now()
        let record = try vault.seal(identity, personID: personID)
        let issued = try issuer.issue(
            publicKey: publicKey, number: number, level: level, personID: personID,
            documentExpiry: identity.documentExpiry, now: time)
        do {
            try await store.completeReplacement(
                try Self.completed(session, answer: issued.answer), personID: personID,
                record: (record.ciphertext, record.wrappedKey), certificate: issued.record, level: level,
                history: HistoryEntry(
                    personID: personID, event: Self.historyEvent(session.purpose), fields: ["serial": issued.record.serial],
                    at: time),
                indexes: (
                    session.blindIndex ?? person.blindIndex, blindIndex.index(identity.personParts),
                    // A new document may bring a personal number; a device replacement or a phone
                    // change re-reads the one on record, whose national index the person has — or,
                    // when another live person holds it, cannot have (the backfill's report).
                    session.purpose == .documentChange ? identity.nationalParts.map(blindIndex.index) : nil
                ))
            return issued.answer
        } catch let error as StoreError where error == .conflict {
            if let answer = try Self.storedAnswer(try await loadSession(session.id)) { return answer }
            throw EnrollmentError.conflict()
        } catch let error as StoreError where error == .notFound {
            throw EnrollmentError.numberCancelled()
        }
    }

    static func historyEvent(_ purpose: EnrollmentSessionRecord.Purpose) -> HistoryEvent {
        switch purpose {
        case .phoneChange: .phoneChanged
        case .documentChange: .documentChanged
        case .enroll, .replace, .passwordReset: .deviceReplaced
        }
    }
}
