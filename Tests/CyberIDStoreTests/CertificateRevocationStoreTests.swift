import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The CRL's store side (review finding 13): expired certificates are pruned from the list, and
/// the fingerprint changes exactly when the list does.
@Suite struct CertificateRevocationStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func theListPrunesExpiredCertificatesAndItsFingerprintFollowsRevocations(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            var session = EnrollmentSessionRecord(
                id: "s1", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
            try await store.create(session)
            session.state = .completed
            session.personID = "p1"
            let person = PersonRecord(
                id: "p1", state: .active, blindIndex: [7], assuranceLevel: .substantial, ageBand: .adult,
                recordCiphertext: [1], recordWrappedKey: [2], createdAt: t0, updatedAt: t0)
            try await store.complete(
                session, person: person, networkNumber: "N1",
                certificate: NetworkCertificateRecord(
                    serial: "0a", personID: "p1", networkNumber: "N1", der: [3], notAfter: t0.addingTimeInterval(100),
                    issuedAt: t0))
            let empty = try await store.revocationFingerprint(at: t0)
            #expect(empty == RevocationFingerprint(count: 0, latest: nil))
            // Two renewals: each new certificate revokes the one before (0a, then 0b).
            for (index, serial) in ["0b", "0c"].enumerated() {
                let at = t0.addingTimeInterval(Double(index + 1))
                try await store.replaceCertificates(
                    with: NetworkCertificateRecord(
                        serial: serial, personID: "p1", networkNumber: "N1", der: [3],
                        notAfter: t0.addingTimeInterval(10_000), issuedAt: at),
                    history: HistoryEntry(personID: "p1", clientID: nil, event: .certificateRenewed, outcome: .success, detail: "{}", at: at))
            }
            let two = try await store.revocationFingerprint(at: t0.addingTimeInterval(3))
            #expect(two.count == 2 && two != empty)
            #expect(try await store.revokedCertificates(at: t0.addingTimeInterval(3)).map(\.serial) == ["0a", "0b"])
            // 0a expires: pruned from the list, and the fingerprint says the list changed.
            let later = t0.addingTimeInterval(200)
            #expect(try await store.revokedCertificates(at: later).map(\.serial) == ["0b"])
            let pruned = try await store.revocationFingerprint(at: later)
            #expect(pruned.count == 1 && pruned != two)
            // Unchanged until the next revocation.
            #expect(try await store.revocationFingerprint(at: later.addingTimeInterval(1)) == pruned)
            #expect(try await store.revokeCertificate(serial: "0c", at: later.addingTimeInterval(2), history: nil))
            #expect(try await store.revocationFingerprint(at: later.addingTimeInterval(3)) != pruned)
        }
    }
}
