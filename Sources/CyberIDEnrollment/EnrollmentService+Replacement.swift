import Crypto
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import Foundation

/// A lost device or a new phone (docs/lifecycle.md): a `replace` or `phone-change` session proves
/// the holder with the chip and a phone (the bound one, or for a phone change the new one, the
/// session being started by the holder's wallet) like an enrollment; its completion is here.
extension EnrollmentService {
    /// Completes a device replacement or phone change: a certificate for the person's existing
    /// number, capped at the document's expiry; their record is re-sealed from the fresh chip read
    /// (with the phone this session proved); every older certificate is revoked, in one write with
    /// the session's answer. The level stays the person's when this session passed a face check,
    /// and is at most `substantial` when it did not (a service without a matcher cannot vouch for
    /// `high`).
    func completeReplacement(_ session: EnrollmentSessionRecord, publicKey: P256.Signing.PublicKey) async throws
        -> EnrollmentResponse.Completed
    {
        guard let personID = session.personID, let person = try await store.person(id: personID) else {
            throw EnrollmentError.wrongStep(session.state, "a verified document")
        }
        guard person.state != .cancelled, let canonical = try await store.activeNetworkNumber(personID: personID),
            let number = try? NetworkNumber(parsing: canonical)
        else { throw EnrollmentError.numberCancelled() }
        var identity = try unseal(session)
        if faceMatcher == nil { identity.portrait = nil }
        // A phone change may have completed since this replacement proved the (then) bound phone.
        if session.purpose == .replace {
            let bound = try await personRecord(personID)?.phone
            guard let bound, let proved = identity.phone, constantTimeEqual(Array(bound.utf8), Array(proved.utf8)) else {
                throw EnrollmentError.phoneMismatch()
            }
        }
        let level = session.state == "face_matched" ? person.assuranceLevel : min(person.assuranceLevel, .substantial)
        let time = now()
        let notAfter = min(time.addingTimeInterval(configuration.certificateLifetime), Self.endOfDay(identity.documentExpiry))
        let record = try envelope.seal(try JSONEncoder.enrollment.encode(identity), context: "person:\(personID)")
        let (certificate, serial) = try authority.issue(
            publicKey: publicKey, networkNumber: number, level: level, notBefore: time, notAfter: notAfter)
        let answer = try issued(certificate, number: number, level: level)
        let completed = try Self.completed(session, answer: answer)
        do {
            try await store.completeReplacement(
                completed, personID: personID, record: (record.ciphertext, record.wrappedKey),
                certificate: NetworkCertificateRecord(
                    serial: serial, personID: personID, networkNumber: number.canonical,
                    der: try CertificateAuthority.der(certificate), notAfter: notAfter, issuedAt: time),
                level: level,
                history: HistoryEntry(
                    personID: personID, clientID: nil,
                    event: session.purpose == .phoneChange ? "phone-changed" : "device-replaced", outcome: "success",
                    detail: #"{"serial":"\#(serial)"}"#, occurredAt: time))
            return answer
        } catch let error as StoreError where error == .conflict {
            let current = try await loadSession(session.id)
            if current.state == "completed", let result = current.result {
                return try JSONDecoder.enrollment.decode(EnrollmentResponse.Completed.self, from: Data(result.utf8))
            }
            throw EnrollmentError(code: "conflict", status: 409, reason: "the session changed meanwhile; retry the step")
        } catch let error as StoreError where error == .notFound {
            throw EnrollmentError.numberCancelled()
        }
    }
}
