import CyberIDDocuments
import CyberIDStore
import Foundation
import SwiftASN1
import Synchronization
import X509

/// The trusted CSCAs and CRLs, parsed once and re-read from the store at most every 30 s (an
/// operator's `trust add-csca` reaches running servers without a restart).
final class TrustAnchorCache: Sendable {
    private let store: any TrustAnchorStore
    private let cached = Mutex<(TrustStore, Date)?>(nil)

    init(store: any TrustAnchorStore) {
        self.store = store
    }

    func trustStore() async throws -> TrustStore {
        if let (trust, loaded) = cached.withLock({ $0 }), Date().timeIntervalSince(loaded) < 30 { return trust }
        var trust = TrustStore()
        for anchor in try await store.trustAnchors() {
            switch anchor.kind {
            case .csca:
                if let certificate = try? Certificate(derEncoded: anchor.der) { trust.add(csca: certificate) }
            case .crl:
                if let crl = try? CertificateRevocationList(bytes: anchor.der) { trust.add(crl: crl) }
            }
        }
        cached.withLock { $0 = (trust, Date()) }
        return trust
    }

}
