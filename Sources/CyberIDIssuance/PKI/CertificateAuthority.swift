public import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
import CyberIDVault
public import Crypto
public import Foundation
public import SwiftASN1
public import X509

/// The CyberID root and issuing CAs, and the issuance of network certificates.
///
/// Both CAs are generated on first start (P-384 root valid 20 years, P-256 issuing CA valid 10
/// years) and stored with their private keys sealed under the master key; every server process
/// loads the same pair. (Importing an externally generated pair for production is a later step.)
public struct CertificateAuthority: Sendable {
    /// The self-signed root.
    public let root: Certificate
    /// The intermediate that signs network certificates.
    public let issuing: Certificate
    let issuingKey: Certificate.PrivateKey

    /// Policy OIDs per assurance level (a placeholder private arc until one is registered).
    public static func policy(for level: AssuranceLevel) -> ASN1ObjectIdentifier {
        switch level {
        case .low: [1, 3, 6, 1, 4, 1, 65535, 1, 1, 1]
        case .substantial: [1, 3, 6, 1, 4, 1, 65535, 1, 1, 2]
        case .high: [1, 3, 6, 1, 4, 1, 65535, 1, 1, 3]
        }
    }

    /// `C=CN, O=CyberID, CN=<commonName>`.
    private static func name(_ commonName: String) throws -> DistinguishedName {
        try DistinguishedName {
            CountryName("CN")
            OrganizationName("CyberID")
            CommonName(commonName)
        }
    }

    /// A CA certificate signed by the root key (ECDSA with SHA-384).
    private static func authorityCertificate(
        key: Certificate.PublicKey, subject: DistinguishedName, issuer: DistinguishedName, years: Double, pathLength: Int,
        issuerKeyIdentifier: ArraySlice<UInt8>?, signer: Certificate.PrivateKey, now: Date
    ) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: .init(), publicKey: key, notValidBefore: now.addingTimeInterval(-3600),
            notValidAfter: now.addingTimeInterval(years * 365 * 86_400), issuer: issuer, subject: subject,
            signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: pathLength))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key)
                if let issuerKeyIdentifier { AuthorityKeyIdentifier(keyIdentifier: issuerKeyIdentifier) }
            },
            issuerPrivateKey: signer)
    }

    /// The wrapping purpose of the CA private keys' seal (master-key rotation re-wraps under it).
    public static let sealPurpose = "ca-keys v1"

    /// Loads the CAs, generating and storing them on first start.
    public static func loadOrCreate(
        store: any CertificateAuthorityStore, masterKey: MasterKey, now: Date = Date()
    ) async throws -> CertificateAuthority {
        let seal = masterKey.wrapping(sealPurpose)
        if let existing = try await load(store: store, seal: seal) { return existing }
        let rootKey = P384.Signing.PrivateKey()
        let issuingKey = P256.Signing.PrivateKey()
        let rootName = try name("CyberID Root CA")
        let root = try authorityCertificate(
            key: .init(rootKey.publicKey), subject: rootName, issuer: rootName, years: 20, pathLength: 1,
            issuerKeyIdentifier: nil, signer: .init(rootKey), now: now)
        let issuing = try authorityCertificate(
            key: .init(issuingKey.publicKey), subject: try name("CyberID Network Certificate CA"), issuer: rootName,
            years: 10, pathLength: 0, issuerKeyIdentifier: try root.extensions.subjectKeyIdentifier?.keyIdentifier,
            signer: .init(rootKey), now: now)
        let records = [
            CertificateAuthorityRecord(
                name: "root", certificate: try der(root),
                sealedPrivateKey: try sealKey(rootKey.rawRepresentation, name: "root", seal: seal), createdAt: now),
            CertificateAuthorityRecord(
                name: "issuing", certificate: try der(issuing),
                sealedPrivateKey: try sealKey(issuingKey.rawRepresentation, name: "issuing", seal: seal), createdAt: now),
        ]
        if try await store.createCertificateAuthorities(records) {
            return CertificateAuthority(root: root, issuing: issuing, issuingKey: .init(issuingKey))
        }
        // Another process created them first.
        guard let existing = try await load(store: store, seal: seal) else {
            throw KeyError.decryptionFailed("the certificate authorities could not be loaded")
        }
        return existing
    }

    /// Imports an externally generated CA pair for production (an offline root, an issuing CA
    /// whose key the service holds), instead of generating one. Only into a store that has no
    /// CAs yet: replacing a CA would orphan every certificate it issued.
    /// - Parameters:
    ///   - root: the root certificate (its private key stays offline).
    ///   - issuing: the issuing CA certificate, signed by `root`.
    ///   - issuingKeyPEM: the issuing CA's P-256 private key.
    /// - Throws: ``IssuanceError`` `invalid-ca` when the pair does not fit together or the store
    ///   already has CAs.
    public static func importAuthorities(
        root: Certificate, issuing: Certificate, issuingKeyPEM: String, store: any CertificateAuthorityStore,
        masterKey: MasterKey, now: Date = Date()
    ) async throws {
        func invalid(_ reason: String) -> IssuanceError { .invalidCA(reason) }
        guard let key = try? P256.Signing.PrivateKey(pemRepresentation: issuingKeyPEM) else {
            throw invalid("the issuing key must be a P-256 private key in PEM")
        }
        guard issuing.publicKey == Certificate.PublicKey(key.publicKey) else {
            throw invalid("the issuing key does not belong to the issuing certificate")
        }
        guard issuing.issuer == root.subject, root.publicKey.isValidSignature(issuing.signature, for: issuing) else {
            throw invalid("the issuing certificate is not signed by the root")
        }
        guard let constraints = try? issuing.extensions.basicConstraints, case .isCertificateAuthority = constraints else {
            throw invalid("the issuing certificate is not a CA certificate")
        }
        let seal = masterKey.wrapping(sealPurpose)
        let records = [
            CertificateAuthorityRecord(name: "root", certificate: try der(root), sealedPrivateKey: [], createdAt: now),
            CertificateAuthorityRecord(
                name: "issuing", certificate: try der(issuing),
                sealedPrivateKey: try sealKey(key.rawRepresentation, name: "issuing", seal: seal), createdAt: now),
        ]
        guard try await store.createCertificateAuthorities(records) else {
            throw invalid("this store already has certificate authorities")
        }
    }

    private static func load(store: any CertificateAuthorityStore, seal: WrappingKeys) async throws -> CertificateAuthority? {
        guard let rootRecord = try await store.certificateAuthority(name: "root"),
            let issuingRecord = try await store.certificateAuthority(name: "issuing")
        else { return nil }
        let raw: Data
        do {
            raw = try seal.open(issuingRecord.sealedPrivateKey, authenticating: Array("issuing".utf8))
        } catch {
            throw KeyError.decryptionFailed("the issuing CA key does not open with this master key")
        }
        return CertificateAuthority(
            root: try Certificate(derEncoded: rootRecord.certificate),
            issuing: try Certificate(derEncoded: issuingRecord.certificate),
            issuingKey: .init(try P256.Signing.PrivateKey(rawRepresentation: raw)))
    }

    private static func sealKey(_ raw: Data, name: String, seal: WrappingKeys) throws -> [UInt8] {
        try seal.seal(raw, authenticating: Array(name.utf8))
    }

    /// DER of a certificate.
    public static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }

    /// PEM of a certificate.
    public static func pem(_ certificate: Certificate) throws -> String {
        pem(der: try der(certificate))
    }

    /// PEM of a certificate's DER: what `serializeAsPEM().pemString` makes (64 characters a line,
    /// line feeds, no final newline), built on bytes. swift-certificates splits the base64 text
    /// into lines by `String` index arithmetic, which was 10 % of `cyberid dev seed`'s CPU and
    /// ran three times per issued certificate (the certificate and its two-certificate chain).
    public static func pem(der: [UInt8], label: String = "CERTIFICATE") -> String {
        let base64 = Array(Data(der).base64EncodedData())
        var out = [UInt8]()
        out.reserveCapacity(base64.count + base64.count / 64 + 2 * label.utf8.count + 40)
        out.append(contentsOf: "-----BEGIN \(label)-----\n".utf8)
        var start = 0
        while start < base64.count {
            let end = min(start + 64, base64.count)
            out.append(contentsOf: base64[start..<end])
            out.append(UInt8(ascii: "\n"))
            start = end
        }
        out.append(contentsOf: "-----END \(label)-----".utf8)
        return String(decoding: out, as: UTF8.self)
    }

    /// Issues a network certificate.
    /// - Parameters:
    ///   - publicKey: the wallet's P-256 key (from a verified CSR).
    ///   - networkNumber: the holder's number: the subject's only attribute.
    ///   - level: the assurance level, recorded as a certificate policy.
    ///   - notBefore: issue time.
    ///   - notAfter: expiry (already capped at the document's expiry by the caller).
    /// - Returns: the certificate and its serial as lower-case hex.
    public func issue(
        publicKey: P256.Signing.PublicKey, networkNumber: NetworkNumber, level: AssuranceLevel, notBefore: Date,
        notAfter: Date
    ) throws -> (Certificate, String) {
        var serialBytes = SecureRandom.bytes(16)
        serialBytes[0] &= 0x7F  // positive
        serialBytes[0] |= 0x01  // and 16 bytes long
        // id-at-serialNumber (2.5.4.5), the subject's only attribute.
        let subject = DistinguishedName([
            RelativeDistinguishedName(
                try RelativeDistinguishedName.Attribute(type: [2, 5, 4, 5], printableString: networkNumber.formatted))
        ])
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(bytes: serialBytes), publicKey: .init(publicKey),
            notValidBefore: notBefore.addingTimeInterval(-300), notValidAfter: notAfter, issuer: issuing.subject,
            subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
                SubjectKeyIdentifier(hash: .init(publicKey))
                AuthorityKeyIdentifier(keyIdentifier: try issuing.extensions.subjectKeyIdentifier?.keyIdentifier)
                try Self.certificatePolicies([Self.policy(for: level)])
            },
            issuerPrivateKey: issuingKey)
        return (certificate, Hex.encode(serialBytes))
    }

    /// A certificatePolicies extension (RFC 5280 §4.2.1.4) with bare policy OIDs; swift-certificates
    /// has no type for it, so it is encoded here.
    static func certificatePolicies(_ policies: [ASN1ObjectIdentifier]) throws -> Certificate.Extension {
        var serializer = DER.Serializer()
        try serializer.appendConstructedNode(identifier: .sequence) { coder in
            for policy in policies {
                try coder.appendConstructedNode(identifier: .sequence) { try $0.serialize(policy) }
            }
        }
        return Certificate.Extension(oid: [2, 5, 29, 32], critical: false, value: serializer.serializedBytes[...])
    }

    /// Whether `certificate` was issued by this issuing CA (signature check).
    public func issued(_ certificate: Certificate) -> Bool {
        certificate.issuer == issuing.subject && issuing.publicKey.isValidSignature(certificate.signature, for: certificate)
    }
}
