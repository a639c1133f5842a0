import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The document trust store (CSCAs and CRLs), on SQLite and PostgreSQL.
@Suite struct TrustAnchorStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func trustAnchorsAreAddedOnceListedAndRemovedByPrefix(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let anchor = TrustAnchorRecord(fingerprint: "abcdef0123456789", kind: .csca, der: [1, 2], label: "CN=X", addedAt: t0)
            #expect(try await store.add(anchor))
            #expect(try await !store.add(anchor))
            try await store.add(TrustAnchorRecord(fingerprint: "abcdef01ff", kind: .crl, der: [3], label: "CN=X", addedAt: t0))
            #expect(try await store.trustAnchors().map(\.kind) == [.csca, .crl])
            // Too short, ambiguous, unknown: all refused, nothing removed.
            await #expect(throws: StoreError.notFound) { _ = try await store.removeTrustAnchor(fingerprintPrefix: "abcdef") }
            await #expect(throws: StoreError.notFound) { _ = try await store.removeTrustAnchor(fingerprintPrefix: "abcdef01") }
            await #expect(throws: StoreError.notFound) { _ = try await store.removeTrustAnchor(fingerprintPrefix: "12345678") }
            #expect(try await store.trustAnchors().count == 2)
            #expect(try await store.removeTrustAnchor(fingerprintPrefix: "ABCDEF0123").fingerprint == "abcdef0123456789")
            #expect(try await store.trustAnchors().map(\.fingerprint) == ["abcdef01ff"])
        }
    }
}
