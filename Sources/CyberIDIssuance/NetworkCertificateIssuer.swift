public import Crypto
public import CyberIDCore
public import CyberIDStore
public import CyberIDVault
public import Foundation
import SwiftASN1
public import X509

/// What a wallet receives when a certificate is issued (enrollment, replacement, phone change,
/// renewal), encoded with snake_case keys.
public struct CertificateIssued: Codable, Sendable, Equatable {
    public let networkNumber: String
    public let assuranceLevel: String
    /// The network certificate (PEM).
    public let certificate: String
    /// The issuing and root CA certificates (PEM).
    public let chain: String
}

/// A network certificate just issued: the certificate, the row to store, the wallet's answer.
public struct IssuedCertificate: Sendable {
    public let certificate: Certificate
    public let record: NetworkCertificateRecord
    public let answer: CertificateIssued
}

/// Issues network certificates for a person's number: the one place that decides a
/// certificate's lifetime (the configured one, never past the end of the identity document's
/// expiry day in the civil calendar) and builds the wallet's answer.
public struct NetworkCertificateIssuer: Sendable {
    /// The CyberID CAs.
    public let authority: CertificateAuthority
    /// Validity of a network certificate before the document cap.
    public let lifetime: TimeInterval
    /// The calendar of document expiry days.
    public let calendar: CivilCalendar

    /// The issuing and root CA certificates in PEM, the same in every answer: made once.
    private let chain: String?

    /// Creates the issuer.
    public init(authority: CertificateAuthority, lifetime: TimeInterval = 365 * 86_400, calendar: CivilCalendar = .service) {
        self.authority = authority
        self.lifetime = lifetime
        self.calendar = calendar
        self.chain = try? Self.chain(authority)
    }

    private static func chain(_ authority: CertificateAuthority) throws -> String {
        try CertificateAuthority.pem(authority.issuing) + "\n" + CertificateAuthority.pem(authority.root)
    }

    /// The last instant a certificate may be valid for a document expiring on `documentExpiry`.
    public func documentEnd(_ documentExpiry: CalendarDate) -> Date { calendar.endOfDay(documentExpiry) }

    /// Issues a certificate for `publicKey` binding `number` at `level`.
    public func issue(
        publicKey: P256.Signing.PublicKey, number: NetworkNumber, level: AssuranceLevel, personID: String,
        documentExpiry: CalendarDate, now: Date
    ) throws -> IssuedCertificate {
        // Whole seconds, as the certificate encodes them (the encoder rounds a fraction to the
        // nearest second): the stored record and the certificate then say the same instant, and
        // neither outlives the lifetime or the document's last second.
        let end = min(now.addingTimeInterval(lifetime), documentEnd(documentExpiry))
        let notAfter = Date(timeIntervalSince1970: end.timeIntervalSince1970.rounded(.down))
        let (certificate, serial) = try authority.issue(
            publicKey: publicKey, networkNumber: number, level: level, notBefore: now, notAfter: notAfter)
        let der = try CertificateAuthority.der(certificate)
        let record = NetworkCertificateRecord(
            serial: serial, personID: personID, networkNumber: number.canonical, der: der, notAfter: notAfter,
            issuedAt: now)
        let answer = CertificateIssued(
            networkNumber: number.formatted, assuranceLevel: level.rawValue,
            certificate: CertificateAuthority.pem(der: der), chain: try chain ?? Self.chain(authority))
        return IssuedCertificate(certificate: certificate, record: record, answer: answer)
    }

    /// The wallet's answer for a certificate issued before (a renewal answered again).
    public func answer(for record: NetworkCertificateRecord, level: AssuranceLevel) throws -> CertificateIssued {
        let number = try NetworkNumber(parsing: record.networkNumber)
        return CertificateIssued(
            networkNumber: number.formatted, assuranceLevel: level.rawValue,
            certificate: CertificateAuthority.pem(der: record.der), chain: try chain ?? Self.chain(authority))
    }

    /// The P-256 key a stored certificate binds, if it parses.
    public static func publicKey(of record: NetworkCertificateRecord) -> P256.Signing.PublicKey? {
        guard let certificate = try? Certificate(derEncoded: record.der) else { return nil }
        return P256.Signing.PublicKey(certificate.publicKey)
    }
}
