import CyberIDCore
public import CyberIDStore
public import Foundation

/// A wallet token whose certificate is valid in the store and whose holder is active: what a
/// guardian's start or approval and a phone change's start need.
public struct VerifiedWalletToken<Payload: WalletTokenPayload>: Sendable {
    /// The holder.
    public let personID: String
    /// The holder's network number (canonical).
    public let networkNumber: String
    /// The certificate that signed.
    public let certificateSerial: String
    /// The decoded payload.
    public let payload: Payload
}

/// The payload of a guardian's or holder's enrollment token (`guardian-start`,
/// `guardian-approval`, `phone-change`).
public struct EnrollmentTokenPayload: WalletTokenPayload {
    public var aud: String?
    public var purpose: String?
    public var iat: Double?
    /// The session a `guardian-approval` approves.
    public var sessionID: String?

    enum CodingKeys: String, CodingKey { case aud, purpose, iat, sessionID = "session_id" }
}

/// Verifies a wallet token against the store: ``WalletToken``'s checks, then the certificate's
/// status and the holder's state.
public struct WalletTokenVerifier: Sendable {
    let authority: CertificateAuthority
    let certificates: any NetworkCertificateStore
    let persons: any PersonStore
    let maxSkew: TimeInterval

    /// Creates a verifier.
    public init(
        authority: CertificateAuthority, certificates: any NetworkCertificateStore, persons: any PersonStore,
        maxSkew: TimeInterval = 300
    ) {
        self.authority = authority
        self.certificates = certificates
        self.persons = persons
        self.maxSkew = maxSkew
    }

    /// Verifies `jws` for `audience` and `purpose`.
    /// - Throws: ``IssuanceError`` `invalid-wallet-signature` with the reason.
    public func verify<Payload: WalletTokenPayload>(
        _ jws: String, as type: Payload.Type = EnrollmentTokenPayload.self, audience: String, purpose: String, at now: Date
    ) async throws -> VerifiedWalletToken<Payload> {
        let token = try WalletToken<Payload>(compact: jws, authority: authority, now: now)
        guard let record = try await certificates.networkCertificate(serial: token.serial), record.status == .valid else {
            throw IssuanceError.invalidWalletSignature("the certificate is unknown or revoked")
        }
        guard let person = try await persons.person(id: record.personID), person.state == .active else {
            throw IssuanceError.invalidWalletSignature("the certificate's holder is not active")
        }
        try token.check(audience: audience, purpose: purpose, now: now, skew: maxSkew)
        return VerifiedWalletToken(
            personID: record.personID, networkNumber: record.networkNumber, certificateSerial: token.serial,
            payload: token.payload)
    }
}
