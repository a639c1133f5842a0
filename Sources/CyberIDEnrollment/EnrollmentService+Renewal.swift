public import CyberIDCore
public import CyberIDStore
import CyberIDKeys
public import Foundation

extension EnrollmentService {
    /// Renews the certificate of an active person: a new key (the CSR's), a new certificate for
    /// the same network number and level, never past the document's expiry; the old
    /// certificates are revoked in the same write.
    /// - Parameters:
    ///   - personID: the holder (authenticated by their current certificate).
    ///   - csr: the new key's PKCS#10 request (PEM or DER).
    ///   - presentedSerial: the certificate that authenticated the request; it must still be
    ///     valid when the renewal is written (401 `invalid-wallet-signature` otherwise).
    /// - Throws: ``EnrollmentError`` `document-expired` when the document no longer allows a
    ///   certificate (renewal needs a valid document: re-enroll with a new one), `invalid-csr`,
    ///   or `person-not-active`.
    public func renew(personID: String, csr: [UInt8], presentedSerial: String? = nil) async throws
        -> EnrollmentResponse.Completed
    {
        let publicKey = try Self.walletKey(fromCSR: csr)
        guard let person = try await store.person(id: personID) else { throw StoreError.notFound("no such person") }
        guard person.state == .active else {
            throw EnrollmentError(code: "person-not-active", status: 403, reason: "only an active network number is renewed")
        }
        guard let key = person.recordWrappedKey,
            let bytes = try? envelope.open(
                SealedEnvelope(ciphertext: person.recordCiphertext, wrappedKey: key), context: "person:\(personID)"),
            let record = try? JSONDecoder.enrollment.decode(IdentityRecord.self, from: Data(bytes)),
            let canonical = try await store.activeNetworkNumber(personID: personID),
            let number = try? NetworkNumber(parsing: canonical)
        else { throw StoreError.notFound("the person's record or number is no longer available") }
        let time = now()
        let documentEnd = Self.endOfDay(record.documentExpiry)
        // The certificate never outlives the document; an expired document cannot renew.
        guard documentEnd > time.addingTimeInterval(86_400) else {
            throw EnrollmentError(
                code: "document-expired", status: 422,
                reason: "the identity document expires within a day; renew with a new document (enroll again)")
        }
        let notAfter = min(time.addingTimeInterval(configuration.certificateLifetime), documentEnd)
        let (certificate, serial) = try authority.issue(
            publicKey: publicKey, networkNumber: number, level: person.assuranceLevel, notBefore: time, notAfter: notAfter)
        do {
            try await store.replaceCertificates(
                with: NetworkCertificateRecord(
                    serial: serial, personID: personID, networkNumber: number.canonical,
                    der: try CertificateAuthority.der(certificate), notAfter: notAfter, issuedAt: time),
                history: HistoryEntry(
                    personID: personID, clientID: nil, event: "certificate-renewed", outcome: "success",
                    detail: #"{"serial":"\#(serial)"}"#, occurredAt: time),
                presentedSerial: presentedSerial)
        } catch let error as StoreError where error == .conflict {
            throw EnrollmentError.invalidWalletSignature("the certificate was revoked meanwhile")
        }
        return try issued(certificate, number: number, level: person.assuranceLevel)
    }
}
