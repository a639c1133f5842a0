import CyberIDIssuance
import CyberIDStore
import Foundation
import Synchronization

/// The issuing CA's CRL of network certificates, signed once and served from memory until
/// something is revoked or expires (review finding 13): each request reads only a fingerprint
/// of the revoked list (a count and the latest revocation, over a partial index), and a new list
/// is signed when it changes — in this process or another — or when half of the cached list's
/// lifetime has passed. Expired certificates are pruned from the list (RFC 5280 §3.3).
final class IssuingCRL: Sendable {
    /// The lifetime stated in each list (its `nextUpdate`).
    static let lifetime: TimeInterval = 3600

    private let authority: CertificateAuthority
    private let store: any CertificateRevocationStore
    private let cached = Mutex<(fingerprint: RevocationFingerprint, signedAt: Date, der: [UInt8])?>(nil)

    init(authority: CertificateAuthority, store: any CertificateRevocationStore) {
        self.authority = authority
        self.store = store
    }

    /// The current list, DER.
    func der(now: Date = Date()) async throws -> [UInt8] {
        let fingerprint = try await store.revocationFingerprint(at: now)
        if let cached = cached.withLock({ $0 }), cached.fingerprint == fingerprint,
            now.timeIntervalSince(cached.signedAt) < Self.lifetime / 2
        {
            return cached.der
        }
        let der = try authority.crl(revoked: try await store.revokedCertificates(at: now), now: now, lifetime: Self.lifetime)
        cached.withLock { $0 = (fingerprint, now, der) }
        return der
    }
}
