import Crypto
public import CyberIDCore
public import CyberIDIssuance
public import CyberIDStore
public import CyberIDVault
public import Foundation

/// Certificate renewal: a new key (the CSR's) and a new certificate for the same network number
/// and level, never past the document's expiry; the old certificates are revoked in the same
/// write.
///
/// A renewal is answered again: a wallet whose answer was lost (a dropped connection, the app
/// killed) still holds its old certificate, now revoked, and the new key it saved before asking.
/// Signed with the old certificate and sending a CSR for that same key, it gets the certificate
/// the lost answer carried, for ``retryWindow`` after it was issued. The CSR proves possession of
/// the new key, so whoever holds only the old key gets nothing.
public struct RenewalService: Sendable {
    /// How long after a renewal its answer can be fetched again.
    public static let retryWindow: TimeInterval = 30 * 86_400

    /// The storage renewal needs.
    public typealias Store = PersonStore & NetworkCertificateStore

    let store: any Store
    let vault: IdentityVault
    let issuer: NetworkCertificateIssuer
    let now: @Sendable () -> Date

    /// Creates the service.
    public init(
        store: any Store, vault: IdentityVault, issuer: NetworkCertificateIssuer,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.vault = vault
        self.issuer = issuer
        self.now = now
    }

    /// Renews the certificate of an active person.
    /// - Parameters:
    ///   - personID: the holder (authenticated by their current certificate).
    ///   - csr: the new key's PKCS#10 request (PEM or DER).
    ///   - presentedSerial: the certificate that authenticated the request; it must still be
    ///     valid when the renewal is written, or revoked by the renewal whose answer is asked for
    ///     again (`invalid-wallet-signature` otherwise).
    /// - Throws: ``LifecycleServiceError`` `document-expired` when the document no longer allows a
    ///   certificate (renewal needs a valid document: re-enroll with a new one) or
    ///   `person-not-active`; ``IssuanceError`` `invalid-csr`.
    public func renew(personID: String, csr: [UInt8], presentedSerial: String? = nil) async throws -> CertificateIssued {
        let publicKey = try CSR.walletKey(from: csr)
        guard let person = try await store.person(id: personID) else { throw StoreError.notFound("no such person") }
        if let presentedSerial, let presented = try await store.networkCertificate(serial: presentedSerial),
            presented.status == .revoked
        {
            // A revoked certificate learns nothing but the answer it may fetch again.
            guard presented.personID == personID, person.state == .active else {
                throw IssuanceError.invalidWalletSignature("the certificate is unknown or revoked")
            }
            return try await answerAgain(person, publicKey: publicKey, after: presented)
        }
        guard person.state == .active else {
            throw LifecycleServiceError.personNotActive("only an active network number is renewed")
        }
        guard let record = try? vault.open(person),
            let canonical = try await store.activeNetworkNumber(personID: personID),
            let number = try? NetworkNumber(parsing: canonical)
        else { throw StoreError.notFound("the person's record or number is no longer available") }
        let time = now()
        // The certificate never outlives the document; an expired document cannot renew.
        guard issuer.documentEnd(record.documentExpiry) > time.addingTimeInterval(86_400) else {
            throw LifecycleServiceError.documentExpired()
        }
        let issued = try issuer.issue(
            publicKey: publicKey, number: number, level: person.assuranceLevel, personID: personID,
            documentExpiry: record.documentExpiry, now: time)
        do {
            try await store.replaceCertificates(
                with: issued.record,
                history: HistoryEntry(
                    personID: personID, event: .certificateRenewed, fields: ["serial": issued.record.serial], at: time),
                presentedSerial: presentedSerial)
        } catch let error as StoreError where error == .conflict {
            // Revoked meanwhile: by this wallet's own earlier try (its answer is still on the way)
            // or by something else (a device replacement), which answerAgain tells apart.
            guard let presentedSerial, let presented = try await store.networkCertificate(serial: presentedSerial),
                try await store.person(id: personID)?.state == .active
            else { throw IssuanceError.invalidWalletSignature("the certificate was revoked meanwhile") }
            return try await answerAgain(person, publicKey: publicKey, after: presented)
        }
        return issued.answer
    }

    /// The certificate an earlier renewal issued for `publicKey`, if it is the person's valid one,
    /// was issued after `presented` and no longer than ``retryWindow`` ago.
    private func answerAgain(
        _ person: PersonRecord, publicKey: P256.Signing.PublicKey, after presented: NetworkCertificateRecord
    ) async throws -> CertificateIssued {
        let time = now()
        let current = try await store.networkCertificates(personID: person.id).first { record in
            record.status == .valid && record.issuedAt >= presented.issuedAt
                && time.timeIntervalSince(record.issuedAt) <= Self.retryWindow
                && NetworkCertificateIssuer.publicKey(of: record)?.rawRepresentation == publicKey.rawRepresentation
        }
        guard let current else { throw IssuanceError.invalidWalletSignature("the certificate is unknown or revoked") }
        return try issuer.answer(for: current, level: person.assuranceLevel)
    }
}
