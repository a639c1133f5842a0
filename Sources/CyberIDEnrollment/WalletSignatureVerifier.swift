import CyberIDBase64URL
public import CyberIDCore
import CyberIDKeys
public import CyberIDStore
public import Foundation
import SwiftASN1
import X509

/// What a verified wallet signature proves: this person, holding this network certificate,
/// signed this payload just now.
public struct WalletSigner: Sendable {
    public let personID: String
    public let networkNumber: String
    public let certificateSerial: String
    public let payload: [String: any Sendable]
}

/// Verifies the compact JWS (ES256, `x5c` = network certificate) a wallet signs to act: a
/// guardian starting or approving an enrollment now, login approvals later.
public struct WalletSignatureVerifier: Sendable {
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
    /// - Throws: ``EnrollmentError`` `invalid-wallet-signature` with the reason.
    public func verify(_ jws: String, audience: String, purpose: String, at now: Date) async throws -> WalletSigner {
        let parsed = try WalletJWS(compact: jws, authority: authority, now: now)
        guard let payload = try? JSONSerialization.jsonObject(with: parsed.payload) as? [String: Any] else {
            throw EnrollmentError.invalidWalletSignature("the JWS payload is not a JSON object")
        }
        guard let record = try await certificates.networkCertificate(serial: parsed.serial), record.status == .valid else {
            throw EnrollmentError.invalidWalletSignature("the certificate is unknown or revoked")
        }
        guard let person = try await persons.person(id: record.personID), person.state == .active else {
            throw EnrollmentError.invalidWalletSignature("the certificate's holder is not active")
        }
        guard payload["aud"] as? String == audience, payload["purpose"] as? String == purpose else {
            throw EnrollmentError.invalidWalletSignature("the JWS is for another audience or purpose")
        }
        guard let iat = payload["iat"] as? Double ?? (payload["iat"] as? Int).map(Double.init),
            abs(now.timeIntervalSince1970 - iat) <= maxSkew
        else { throw EnrollmentError.invalidWalletSignature("the JWS is not fresh") }
        var values = [String: any Sendable]()
        for (key, value) in payload {
            if let text = value as? String { values[key] = text } else if let number = value as? Double { values[key] = number }
        }
        return WalletSigner(
            personID: record.personID, networkNumber: record.networkNumber, certificateSerial: parsed.serial, payload: values)
    }
}

/// Decodes base64url (the one implementation lives in CyberIDKeys).
func base64URLDecode(_ text: String) -> [UInt8]? { Base64URL.decode(text) }

/// Encodes unpadded base64url.
func base64URLEncode(_ bytes: some Sequence<UInt8>) -> String { Base64URL.encode(bytes) }

/// base64url helpers shared with the HTTP layer and the CLI.
public enum EnrollmentCoding {
    /// Encodes unpadded base64url.
    public static func base64URLEncode(_ bytes: some Sequence<UInt8>) -> String {
        CyberIDEnrollment.base64URLEncode(bytes)
    }

    /// Decodes unpadded (or padded) base64url; `nil` for anything else.
    public static func base64URLDecode(_ text: String) -> [UInt8]? { Base64URL.decode(text) }
}
