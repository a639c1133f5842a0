import CyberIDTestSupport
import Crypto
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import Foundation
import SwiftASN1
import Testing
import X509

@testable import CyberIDIssuance

/// Runs `body` with a migrated SQLite store.
func withStore(_ body: @Sendable (SQLStore) async throws -> Void) async throws {
    try await withSQLiteStore(body)
}

@Suite struct CertificateAuthorityTests {
    @Test func theGeneratedCAsPersistAndIssueNetworkCertificatesToProfile() async throws {
        try await withStore { store in
            let master = MasterKey.random()
            let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: master)
            let again = try await CertificateAuthority.loadOrCreate(store: store, masterKey: master)
            #expect(authority.root == again.root && authority.issuing == again.issuing)
            #expect(authority.root.issuer == authority.root.subject)
            #expect(authority.root.publicKey.isValidSignature(authority.issuing.signature, for: authority.issuing))
            #expect(try authority.issuing.extensions.basicConstraints == .isCertificateAuthority(maxPathLength: 0))

            let wallet = P256.Signing.PrivateKey()
            let number = NetworkNumber.generate()
            let now = Date()
            let (certificate, serial) = try authority.issue(
                publicKey: wallet.publicKey, networkNumber: number, level: .high, notBefore: now,
                notAfter: now.addingTimeInterval(86_400))
            #expect(authority.issued(certificate))
            #expect(certificate.subject.count == 1)
            #expect(certificate.subject.description.contains(number.formatted))
            #expect(certificate.serialNumber.bytes.count == 16 && certificate.serialNumber.bytes.first! & 0x80 == 0)
            #expect(serial == certificate.serialNumber.bytes.map { String(format: "%02x", $0) }.joined())
            #expect(try certificate.extensions.keyUsage == KeyUsage(digitalSignature: true))
            #expect(try certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
            #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
            let policies = try #require(certificate.extensions[oid: [2, 5, 29, 32]])
            #expect(Array(policies.value).containsSequence(try Self.der(CertificateAuthority.policy(for: .high))))
            #expect(certificate.publicKey == Certificate.PublicKey(wallet.publicKey))
            // Another master key cannot use the stored issuing key.
            await #expect(throws: KeyError.self) {
                _ = try await CertificateAuthority.loadOrCreate(store: store, masterKey: .random())
            }
        }
    }

    /// The PEM built on bytes is swift-certificates' PEM, byte for byte, at every length around
    /// a line's end (0 to 200 bytes of DER: every remainder of 48) and for an issued certificate.
    @Test func pemOnBytesIsSwiftCertificatesPEM() async throws {
        for count in 0...200 {
            let der = (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ count) }
            #expect(CertificateAuthority.pem(der: der) == PEMDocument(type: "CERTIFICATE", derBytes: der).pemString)
            #expect(CertificateAuthority.pem(der: der, label: "X509 CRL") == PEMDocument(type: "X509 CRL", derBytes: der).pemString)
        }
        try await withStore { store in
            let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: .random())
            let issuer = NetworkCertificateIssuer(authority: authority)
            let issued = try issuer.issue(
                publicKey: P256.Signing.PrivateKey().publicKey, number: .generate(), level: .substantial, personID: "p",
                documentExpiry: try CalendarDate(year: 2040, month: 1, day: 1), now: Date())
            #expect(issued.answer.certificate == (try issued.certificate.serializeAsPEM().pemString))
            // The chain made once is the chain made fresh.
            #expect(issued.answer.chain == (try authority.issuing.serializeAsPEM().pemString) + "\n" + (try authority.root.serializeAsPEM().pemString))
            let parsed = try PEMDocument.parseMultiple(pemString: issued.answer.chain).map { try Certificate(derEncoded: $0.derBytes) }
            #expect(parsed == [authority.issuing, authority.root])
        }
    }

    @Test func anExternalPairCanBeImportedIntoAnEmptyStoreOnly() async throws {
        let rootKey = P384.Signing.PrivateKey()
        let issuingKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("Prod Root") }
        let root = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(rootKey.publicKey), notValidBefore: Date(),
            notValidAfter: Date().addingTimeInterval(86_400 * 3650), issuer: rootName, subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 1)) },
            issuerPrivateKey: .init(rootKey))
        let issuing = try Certificate(
            version: .v3, serialNumber: .init(), publicKey: .init(issuingKey.publicKey), notValidBefore: Date(),
            notValidAfter: Date().addingTimeInterval(86_400 * 1000), issuer: rootName,
            subject: try DistinguishedName { CommonName("Prod Issuing") }, signatureAlgorithm: .ecdsaWithSHA384,
            extensions: try Certificate.Extensions { Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0)) },
            issuerPrivateKey: .init(rootKey))
        try await withStore { store in
            let master = MasterKey.random()
            await #expect(throws: IssuanceError.invalidCA("")) {
                try await CertificateAuthority.importAuthorities(
                    root: root, issuing: issuing, issuingKeyPEM: P256.Signing.PrivateKey().pemRepresentation, store: store,
                    masterKey: master)
            }
            await #expect(throws: IssuanceError.invalidCA("")) {
                try await CertificateAuthority.importAuthorities(
                    root: issuing, issuing: root, issuingKeyPEM: issuingKey.pemRepresentation, store: store, masterKey: master)
            }
            try await CertificateAuthority.importAuthorities(
                root: root, issuing: issuing, issuingKeyPEM: issuingKey.pemRepresentation, store: store, masterKey: master)
            let loaded = try await CertificateAuthority.loadOrCreate(store: store, masterKey: master)
            #expect(loaded.root == root && loaded.issuing == issuing)
            let (certificate, _) = try loaded.issue(
                publicKey: P256.Signing.PrivateKey().publicKey, networkNumber: .generate(), level: .substantial,
                notBefore: Date(), notAfter: Date().addingTimeInterval(3600))
            #expect(issuing.publicKey.isValidSignature(certificate.signature, for: certificate))
            await #expect(throws: IssuanceError.invalidCA("")) {
                try await CertificateAuthority.importAuthorities(
                    root: root, issuing: issuing, issuingKeyPEM: issuingKey.pemRepresentation, store: store, masterKey: master)
            }
        }
    }

    /// The stored expiry is the certificate's own to the second: the encoder writes whole
    /// seconds, so a fraction in the issuer's `notAfter` made the record and the certificate
    /// differ (and, rounded up, could outlive the document's last second).
    @Test func theRecordsExpiryIsTheCertificatesOwn() async throws {
        try await withStore { store in
            let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: .random())
            let lifetime: TimeInterval = 365 * 86_400
            let issuer = NetworkCertificateIssuer(authority: authority, lifetime: lifetime)
            let expiry = try CalendarDate(year: 2031, month: 6, day: 30)
            let documentEnd = issuer.documentEnd(expiry)
            let times = [
                Date(timeIntervalSince1970: 1_800_000_000.25), Date(timeIntervalSince1970: 1_800_000_000.75),
                documentEnd.addingTimeInterval(-lifetime - 0.5), documentEnd.addingTimeInterval(-lifetime + 0.5),
            ]
            for now in times {
                let issued = try issuer.issue(
                    publicKey: P256.Signing.PrivateKey().publicKey, number: .generate(), level: .high, personID: "p",
                    documentExpiry: expiry, now: now)
                let decoded = try Certificate(derEncoded: issued.record.der)
                #expect(issued.record.notAfter == decoded.notValidAfter)
                #expect(issued.certificate.notValidAfter == decoded.notValidAfter)
                #expect(decoded.notValidAfter <= documentEnd)
                #expect(decoded.notValidAfter <= now.addingTimeInterval(lifetime))
                #expect(decoded.notValidAfter > now.addingTimeInterval(lifetime - 1) || decoded.notValidAfter == documentEnd)
            }
        }
    }

    static func der(_ oid: ASN1ObjectIdentifier) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(oid)
        return serializer.serializedBytes
    }
}

extension Array where Element == UInt8 {
    func containsSequence(_ needle: [UInt8]) -> Bool {
        guard needle.count <= count else { return false }
        return (0...(count - needle.count)).contains { Array(self[$0..<$0 + needle.count]) == needle }
    }
}
