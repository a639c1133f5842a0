import CyberIDTestSupport
import CyberIDStore
import CyberIDCore
import CyberIDKeys
import Crypto
import Foundation
import Testing
import X509

@testable import CyberIDDocuments
@testable import CyberIDIssuance

@Suite struct CertificateRevocationListTests {
    @Test func theCRLListsRevokedSerialsAndIsSignedByTheIssuingCA() async throws {
        try await Harness.with { h in
            let authority = try await CertificateAuthority.loadOrCreate(store: h.store, masterKey: h.masterKey)
            let now = Date(timeIntervalSince1970: 1_800_000_000)
            let (revoked, revokedSerial) = try authority.issue(
                publicKey: P256.Signing.PrivateKey().publicKey, networkNumber: NetworkNumber.generate(), level: .substantial,
                notBefore: now, notAfter: now.addingTimeInterval(86_400))
            let (kept, _) = try authority.issue(
                publicKey: P256.Signing.PrivateKey().publicKey, networkNumber: NetworkNumber.generate(), level: .substantial,
                notBefore: now, notAfter: now.addingTimeInterval(86_400))
            let der = try authority.crl(revoked: [(revokedSerial, now)], now: now, lifetime: 3600)
            let crl = try CertificateRevocationList(bytes: der)
            #expect(crl.issuer == authority.issuing.subject)
            #expect(crl.thisUpdate == now && crl.nextUpdate == now.addingTimeInterval(3600))
            #expect(crl.isSigned(by: authority.issuing))
            #expect(!crl.isSigned(by: authority.root))
            #expect(crl.isRevoked(revoked) && !crl.isRevoked(kept))
            // An empty list is still a valid, signed CRL.
            let empty = try CertificateRevocationList(bytes: try authority.crl(revoked: [], now: now))
            #expect(empty.isSigned(by: authority.issuing) && !empty.isRevoked(revoked))
        }
    }
}
