import CyberIDStore
import Foundation
import Synchronization
import Testing

@testable import CyberIDServer

/// Review finding 13: the issuing CA's CRL is signed once and served until something is revoked.
@Suite struct IssuingCRLTests {
    /// A revocation store whose list the test changes, counting how often the list is read (each
    /// read is a new signature).
    final class Revocations: CertificateRevocationStore {
        let revoked = Mutex<[(serial: String, revokedAt: Date)]>([])
        let listReads = Mutex(0)

        func revokeCertificate(serial: String, at time: Date, history: HistoryEntry?) async throws -> Bool {
            revoked.withLock { $0.append((serial, time)) }
            return true
        }

        func revokedCertificates(at now: Date) async throws -> [(serial: String, revokedAt: Date)] {
            listReads.withLock { $0 += 1 }
            return revoked.withLock { $0 }
        }

        func revocationFingerprint(at now: Date) async throws -> RevocationFingerprint {
            revoked.withLock { list in
                RevocationFingerprint(count: Int64(list.count), latest: list.map { Int64($0.revokedAt.timeIntervalSince1970) }.max())
            }
        }
    }

    @Test func theListIsSignedOnceAndRemadeAfterARevocationOrHalfItsLifetime() async throws {
        try await withTestApp { _, runtime async throws in
            let authority = runtime.authority
            let store = Revocations()
            let crl = IssuingCRL(authority: authority, store: store)
            let now = Date()
            let first = try await crl.der(now: now)
            #expect(try await crl.der(now: now.addingTimeInterval(10)) == first)
            #expect(store.listReads.withLock { $0 } == 1)
            _ = try await store.revokeCertificate(serial: "0a1b", at: now.addingTimeInterval(11), history: nil)
            let revoked = try await crl.der(now: now.addingTimeInterval(12))
            #expect(revoked != first && store.listReads.withLock { $0 } == 2)
            #expect(revoked.count > first.count)  // it lists the serial now
            // Before nextUpdate comes close, a fresh list even without a change.
            let renewed = try await crl.der(now: now.addingTimeInterval(12 + IssuingCRL.lifetime / 2 + 1))
            #expect(renewed != revoked && store.listReads.withLock { $0 } == 3)
        }
    }
}
