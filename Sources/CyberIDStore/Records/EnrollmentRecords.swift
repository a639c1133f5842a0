public import CyberIDCore
public import Foundation

/// A trusted CSCA certificate or a CRL, as stored.
public struct TrustAnchorRecord: Sendable, Equatable {
    /// What the DER is.
    public enum Kind: String, Sendable {
        case csca, crl
    }

    /// SHA-256 of the DER, hex; the identifier operators use.
    public var fingerprint: String
    public var kind: Kind
    public var der: [UInt8]
    /// The subject or issuer name, for listings.
    public var label: String
    public var addedAt: Date

    /// Creates a record.
    public init(fingerprint: String, kind: Kind, der: [UInt8], label: String, addedAt: Date) {
        (self.fingerprint, self.kind, self.der, self.label, self.addedAt) = (fingerprint, kind, der, label, addedAt)
    }
}

/// One of the service's own certificate authorities.
public struct CertificateAuthorityRecord: Sendable, Equatable {
    /// `root` or `issuing`.
    public var name: String
    /// The CA certificate, DER.
    public var certificate: [UInt8]
    /// The private key sealed under the master key.
    public var sealedPrivateKey: [UInt8]
    public var createdAt: Date

    /// Creates a record.
    public init(name: String, certificate: [UInt8], sealedPrivateKey: [UInt8], createdAt: Date) {
        self.name = name
        self.certificate = certificate
        self.sealedPrivateKey = sealedPrivateKey
        self.createdAt = createdAt
    }
}

/// An enrollment session as stored. Personal data only ever appears sealed.
public struct EnrollmentSessionRecord: Sendable, Equatable {
    public var id: String
    /// The protocol state (see docs/enrollment.md).
    public var state: EnrollmentSessionState
    /// Incremented by every update; updates are compare-and-set on it.
    public var version: Int64
    public var aaChallenge: [UInt8]
    /// The guardian who started or approved the session.
    public var guardianID: String?
    /// The document identity's blind index, once the document is verified.
    public var blindIndex: [UInt8]?
    public var ageBand: String?
    /// The document's expiry date (YYYY-MM-DD): bounds the certificate's validity.
    public var documentExpiry: String?
    /// The pending identity record (envelope ciphertext and wrapped key).
    public var sealedIdentity: [UInt8]?
    public var sealedIdentityKey: [UInt8]?
    /// SHA-256 of the current one-time code.
    public var otpHash: [UInt8]?
    public var otpExpiresAt: Date?
    public var otpAttempts: Int64
    public var otpSends: Int64
    /// The enrolled person, once completed.
    public var personID: String?
    /// The completion answer, replayed on a repeated `complete`.
    public var result: String?
    public var createdAt: Date
    public var expiresAt: Date
    /// What the session is for.
    public var purpose: Purpose

    /// What an enrollment session is for.
    public enum Purpose: String, Sendable, Hashable {
        /// A new person: the identity must not hold a live network number.
        case enroll
        /// A lost device: the identity's live person re-proves (chip + bound phone) and gets a
        /// new certificate for the same number.
        case replace
        /// A new phone number for an enrolled holder, started from their wallet.
        case phoneChange = "phone-change"
        /// A new document for an enrolled holder (a renewed passport), started from their
        /// wallet: the number moves to it (review finding 5).
        case documentChange = "document-change"
        /// A forgotten or locked network-identity password, started from the holder's wallet:
        /// the chip and the bound phone prove the holder, and the session ends with a new
        /// password instead of a certificate (issue 17).
        case passwordReset = "password-reset"
    }

    /// Creates a fresh session.
    public init(
        id: String, aaChallenge: [UInt8], guardianID: String?, createdAt: Date, expiresAt: Date, purpose: Purpose = .enroll
    ) {
        self.id = id
        self.purpose = purpose
        self.state = .started
        (
            self.version, self.aaChallenge, self.guardianID, self.otpAttempts, self.otpSends, self.createdAt,
            self.expiresAt
        ) = (
            0, aaChallenge, guardianID, 0, 0, createdAt, expiresAt
        )
    }
}

/// An issued network certificate.
public struct NetworkCertificateRecord: Sendable, Equatable {
    /// Certificate status as the service tracks it.
    public enum Status: String, Sendable {
        case valid, revoked
    }

    /// The serial number, lower-case hex.
    public var serial: String
    public var personID: String
    public var networkNumber: String
    public var der: [UInt8]
    public var status: Status
    public var notAfter: Date
    public var issuedAt: Date

    /// Creates a record.
    public init(
        serial: String, personID: String, networkNumber: String, der: [UInt8], status: Status = .valid, notAfter: Date,
        issuedAt: Date
    ) {
        (
            self.serial, self.personID, self.networkNumber, self.der, self.status, self.notAfter, self.issuedAt
        ) = (
            serial, personID, networkNumber, der, status, notAfter, issuedAt
        )
    }
}
