public import CyberIDKeys
public import CyberIDStore
import CyberIDIssuance
import CyberIDVault

/// Master-key rotation (docs/keys.md, docs/operations.md): every secret wrapped under the
/// previous master key — each person's and open session's record data key, the signing keys,
/// the CA keys — is re-wrapped under the current one, in pages, each row by compare-and-set.
///
/// It runs beside live servers that accept both keys (`CYBERID_PREVIOUS_MASTER_KEY`). Every
/// step is idempotent: a row already under the current key is skipped, so a rotation that was
/// interrupted (a crash, a kill, a lost connection) is resumed by running it again. Only the
/// wrapped keys change — never a record's ciphertext — so the plaintext records are never
/// decrypted. Once ``remaining()`` is 0, the previous key can be retired and destroyed.
public struct MasterKeyRotation: Sendable {
    /// What one run did.
    public struct Report: Sendable, Equatable {
        /// Secrets re-wrapped under the current key, per kind.
        public var rewrapped: [WrappedSecretKind: Int] = [:]
        /// Secrets already under the current key, per kind.
        public var alreadyCurrent: [WrappedSecretKind: Int] = [:]
        /// Rows a server changed between the read and the write (picked up by the next pass).
        public var changedMeanwhile = 0
        /// Passes over the tables.
        public var passes = 0

        public init() {}
    }

    private let store: any MasterKeyStore
    // Derived once (HKDF), not per row.
    private let envelope: EnvelopeEncryption
    private let signingKeys: WrappingKeys
    private let authorityKeys: WrappingKeys

    /// Creates the rotation for the configured keys.
    /// - Parameter masterKey: the new key, with the old one as its previous key.
    public init(store: any MasterKeyStore, masterKey: MasterKey) {
        self.store = store
        envelope = EnvelopeEncryption(masterKey: masterKey)
        signingKeys = masterKey.wrapping(SigningKeySet.sealPurpose)
        authorityKeys = masterKey.wrapping(CertificateAuthority.sealPurpose)
    }

    /// Re-wraps every secret not yet under the current key; passes again while a server changed
    /// rows under it (at most `maxPasses`).
    /// - Parameters:
    ///   - batchSize: rows per page.
    ///   - progress: called after each page with the kind and the rows seen of it so far.
    /// - Throws: ``KeyError/decryptionFailed(_:)`` for a secret neither key opens.
    public func run(
        batchSize: Int = 500, maxPasses: Int = 3, progress: @Sendable (WrappedSecretKind, Int) -> Void = { _, _ in }
    ) async throws -> Report {
        var report = Report()
        repeat {
            report.passes += 1
            let before = report.changedMeanwhile
            for kind in WrappedSecretKind.allCases {
                try await pass(kind, batchSize: batchSize, report: &report, progress: progress)
            }
            if report.changedMeanwhile == before { break }
        } while report.passes < maxPasses
        return report
    }

    /// How many secrets are still under the previous key (0: it can be retired).
    /// - Throws: ``KeyError/decryptionFailed(_:)`` for a secret neither key opens.
    public func remaining(batchSize: Int = 500) async throws -> Int {
        var count = 0
        for kind in WrappedSecretKind.allCases {
            try await walk(kind, batchSize: batchSize) { secret in
                if try rewrapped(secret) != nil { count += 1 }
            }
        }
        return count
    }

    private func pass(
        _ kind: WrappedSecretKind, batchSize: Int, report: inout Report, progress: (WrappedSecretKind, Int) -> Void
    ) async throws {
        var seen = 0
        var rewrappedCount = 0, current = 0, changed = 0
        try await walk(kind, batchSize: batchSize, page: { count in
            seen += count
            progress(kind, seen)
        }) { secret in
            guard let sealed = try rewrapped(secret) else {
                current += 1
                return
            }
            if try await store.replaceWrappedSecret(secret, with: sealed) { rewrappedCount += 1 } else { changed += 1 }
        }
        report.rewrapped[kind, default: 0] += rewrappedCount
        report.alreadyCurrent[kind, default: 0] += current
        report.changedMeanwhile += changed
    }

    /// Visits every secret of a kind, page by page.
    private func walk(
        _ kind: WrappedSecretKind, batchSize: Int, page: (Int) -> Void = { _ in },
        _ visit: (WrappedSecret) async throws -> Void
    ) async throws {
        var after: String?
        while true {
            let secrets = try await store.wrappedSecrets(kind, after: after, limit: batchSize)
            for secret in secrets { try await visit(secret) }
            page(secrets.count)
            guard secrets.count == batchSize, let last = secrets.last else { return }
            after = last.id
        }
    }

    /// The secret sealed under the current key, or `nil` when it already is.
    private func rewrapped(_ secret: WrappedSecret) throws(KeyError) -> [UInt8]? {
        do {
            switch secret.kind {
            case .personRecordKey:
                return try envelope.rewrap(secret.sealed, context: IdentityVault.context(personID: secret.id))
            case .sessionRecordKey:
                return try envelope.rewrap(secret.sealed, context: IdentityVault.context(sessionID: secret.id))
            case .signingKey:
                return try signingKeys.rewrap(secret.sealed, authenticating: Array(secret.id.utf8))
            case .certificateAuthorityKey:
                return try authorityKeys.rewrap(secret.sealed, authenticating: Array(secret.id.utf8))
            }
        } catch {
            throw .decryptionFailed("\(secret.kind.rawValue) \(secret.id) opens with neither the current nor the previous master key")
        }
    }
}
