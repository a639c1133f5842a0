import Crypto
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import Foundation

/// A lost device (docs/lifecycle.md): a `replace` session proves the holder with the chip and
/// the bound phone like an enrollment; its completion is here.
extension EnrollmentService {
    /// Completes a device replacement: a certificate for the person's existing number and level,
    /// capped at the document's expiry; their record is re-sealed from the fresh chip read; every
    /// older certificate is revoked, in one write with the session's answer.
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
        let time = now()
        let notAfter = min(time.addingTimeInterval(configuration.certificateLifetime), Self.endOfDay(identity.documentExpiry))
        let record = try envelope.seal(try JSONEncoder.enrollment.encode(identity), context: "person:\(personID)")
        let (certificate, serial) = try authority.issue(
            publicKey: publicKey, networkNumber: number, level: person.assuranceLevel, notBefore: time, notAfter: notAfter)
        let answer = EnrollmentResponse.Completed(
            networkNumber: number.formatted, assuranceLevel: person.assuranceLevel.rawValue,
            certificate: try CertificateAuthority.pem(certificate),
            chain: try CertificateAuthority.pem(authority.issuing) + "\n" + CertificateAuthority.pem(authority.root))
        var completed = session
        completed.state = "completed"
        completed.result = String(decoding: try JSONEncoder.enrollment.encode(answer), as: UTF8.self)
        completed.sealedIdentity = nil
        completed.sealedIdentityKey = nil
        completed.otpHash = nil
        do {
            try await store.completeReplacement(
                completed, personID: personID, record: (record.ciphertext, record.wrappedKey),
                certificate: NetworkCertificateRecord(
                    serial: serial, personID: personID, networkNumber: number.canonical,
                    der: try CertificateAuthority.der(certificate), notAfter: notAfter, issuedAt: time),
                history: HistoryEntry(
                    personID: personID, clientID: nil, event: "device-replaced", outcome: "success",
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
