import Crypto
import CyberIDCore
import SwiftASN1
public import CyberIDDocuments
public import CyberIDIssuance
public import CyberIDKeys
public import CyberIDStore
public import Foundation
import X509

/// A trusted CSCA or a loaded CRL as the console's Trust store page shows it.
public struct TrustAnchorView: Sendable, Equatable {
    public var kind: TrustAnchorRecord.Kind
    public var fingerprint: String
    /// The CSCA's subject or the CRL's issuer.
    public var label: String
    /// The issuing state (ISO 3166 alpha-2 or the MRZ code), when the certificate names one.
    public var country: String?
    /// The CSCA's `notAfter`, the CRL's `nextUpdate`.
    public var until: Date?
    public var addedAt: Date
    /// Within ``AdminService/cscaWarning`` (a CSCA) or ``AdminService/crlWarning`` (a CRL) of `until`.
    public var expiringSoon: Bool
    /// Past `until`: a CSCA no longer valid, a CRL overdue (documents follow the stale-CRL policy).
    public var expired: Bool
}

/// One of the service's own certificate authorities, as the Keys page shows it.
public struct AuthorityView: Sendable, Equatable {
    /// `root` or `issuing`.
    public var name: String
    public var subject: String
    public var serial: String
    public var notAfter: Date
}

/// A master-key generation, as the Keys page shows it (never the key).
public struct MasterKeyView: Sendable, Equatable {
    public var keyID: String
    public var createdAt: Date
    public var retiredAt: Date?
}

extension AdminService {
    /// A CSCA this close to its end is highlighted.
    public static let cscaWarning: TimeInterval = 90 * 86_400
    /// A CRL this close to its next update is highlighted (a late CRL makes documents stale).
    public static let crlWarning: TimeInterval = 7 * 86_400

    /// The trust store with each anchor's country and end date, soonest first.
    public func trustStoreView(now: Date = Date()) async throws -> [TrustAnchorView] {
        try await trustAnchors().map { Self.view($0, now: now) }.sorted {
            ($0.until ?? .distantFuture, $0.label) < ($1.until ?? .distantFuture, $1.label)
        }
    }

    static func view(_ anchor: TrustAnchorRecord, now: Date) -> TrustAnchorView {
        var view = TrustAnchorView(
            kind: anchor.kind, fingerprint: anchor.fingerprint, label: anchor.label, country: nil, until: nil,
            addedAt: anchor.addedAt, expiringSoon: false, expired: false)
        let warning: TimeInterval
        switch anchor.kind {
        case .csca:
            let certificate = try? Certificate(derEncoded: anchor.der)
            view.until = certificate?.notValidAfter
            view.country = certificate.flatMap { IssuingState.country(of: $0) }
            warning = cscaWarning
        case .crl:
            let crl = try? CertificateRevocationList(bytes: anchor.der)
            view.until = crl?.nextUpdate
            view.country = crl.flatMap { IssuingState.country(of: $0.issuer) }
            warning = crlWarning
        }
        if let until = view.until {
            view.expired = until <= now
            view.expiringSoon = !view.expired && until.timeIntervalSince(now) <= warning
        }
        return view
    }

    /// Trusts the CSCA certificates in `bytes` (PEM or DER).
    /// - Returns: each certificate's subject, fingerprint and whether it was new.
    /// - Throws: ``AdminError`` `invalid-certificate` when nothing in `bytes` is a certificate.
    public func trustCSCAs(_ bytes: [UInt8], now: Date = Date()) async throws
        -> [(label: String, fingerprint: String, added: Bool)]
    {
        guard let certificates = try? TrustStore.certificates(from: bytes), !certificates.isEmpty else {
            throw AdminError(code: "invalid-certificate", kind: .invalid, reason: "not a PEM or DER certificate")
        }
        var out = [(label: String, fingerprint: String, added: Bool)]()
        for certificate in certificates {
            let der = try CertificateAuthority.der(certificate)
            let (label, fingerprint) = (certificate.subject.description, Self.fingerprint(der))
            let added = try await addTrustAnchor(
                TrustAnchorRecord(fingerprint: fingerprint, kind: .csca, der: der, label: label, addedAt: now))
            out.append((label, fingerprint, added))
        }
        return out
    }

    /// Loads the CRL in `bytes` (PEM or DER).
    /// - Returns: its issuer and whether it was new.
    /// - Throws: ``AdminError`` `invalid-crl`.
    public func loadCRL(_ bytes: [UInt8], now: Date = Date()) async throws -> (label: String, added: Bool) {
        guard let crl = try? CertificateRevocationList(bytes: bytes) else {
            throw AdminError(code: "invalid-crl", kind: .invalid, reason: "not a PEM or DER CRL")
        }
        let label = crl.issuer.description
        let added = try await addTrustAnchor(
            TrustAnchorRecord(
                fingerprint: Self.fingerprint(crl.derBytes), kind: .crl, der: crl.derBytes, label: label, addedAt: now))
        return (label, added)
    }

    /// SHA-256 of a DER encoding, lowercase hex: a trust anchor's identifier.
    public static func fingerprint(_ der: [UInt8]) -> String {
        Hex.encode(Array(SHA256.hash(data: der)))
    }

    // MARK: keys

    /// The service's root and issuing CAs.
    public func authorities() async throws -> [AuthorityView] {
        var out = [AuthorityView]()
        for name in ["root", "issuing"] {
            guard let record = try await store.certificateAuthority(name: name),
                let certificate = try? Certificate(derEncoded: record.certificate)
            else { continue }
            out.append(
                AuthorityView(
                    name: name, subject: certificate.subject.description,
                    serial: Hex.encode(certificate.serialNumber.bytes, separator: UInt8(ascii: ":")),
                    notAfter: certificate.notValidAfter))
        }
        return out
    }

    /// The master-key generations, newest first.
    public func masterKeys() async throws -> [MasterKeyView] {
        try await store.masterKeyRoots().map {
            MasterKeyView(keyID: $0.keyID, createdAt: $0.createdAt, retiredAt: $0.retiredAt)
        }.sorted { $0.createdAt > $1.createdAt }
    }
}
