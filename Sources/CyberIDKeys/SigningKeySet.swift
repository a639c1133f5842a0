public import CyberIDCore
public import CyberIDStore
public import Foundation
public import Crypto
import Synchronization

/// The service's ES256 keys: the one that signs now, and the retired ones still published.
///
/// Keys live in the store, private halves sealed under the master key; this type keeps a
/// decrypted snapshot in memory behind a small lock, because every login reads it. Rotation
/// makes a new key the signer while the old one stays in the JWKS for ``publishGrace`` so that
/// tokens it signed still verify. Several server processes share one store: each reloads with
/// ``refresh()`` (the server does so periodically) and a rotation made by any of them, or by
/// `cyberid admin keys rotate`, reaches all.
public final class SigningKeySet: Sendable {
    /// What a key listing shows; never private material.
    public struct Summary: Sendable, Equatable {
        public var kid: String
        public var createdAt: Date
        public var retiredAt: Date?
        public var publishUntil: Date?
        /// Whether this key signs now.
        public var active: Bool { retiredAt == nil }
    }

    private struct Snapshot {
        var active: SigningKey?
        /// A rotated-in key published but not yet signing, and from when it signs.
        var pending: (key: SigningKey, from: Date)?
        var published: JWKS = JWKS(keys: [])
        var summaries: [Summary] = []
        /// Every stored key's public half as derived from its unsealed private half.
        var verified: [String: P256.Signing.PublicKey] = [:]
        /// Keys refused (review finding 4): `kid: why`.
        var rejected: [String] = []
    }

    private let store: any SigningKeyStore
    private let seal: WrappingKeys
    private let now: @Sendable () -> Date
    /// How long a retired key stays published; longer than any token it signed lives.
    public let publishGrace: TimeInterval
    /// How long after a rotation the new key starts signing (it is published at once). Longer
    /// than the servers' reload period, so that every process publishes a key before any signs
    /// with it (issue 16: a relying party reaching another node for the JWKS finds the key).
    public let activationDelay: TimeInterval
    private let snapshot = Mutex(Snapshot())

    /// Creates the set; call ``loadOrCreate()`` before use.
    /// - Parameters:
    ///   - store: where keys persist.
    ///   - masterKey: seals the private keys.
    ///   - publishGrace: how long retired keys stay in the JWKS (default one day).
    ///   - activationDelay: how long a rotated-in key is published before it signs (the
    ///     server uses more than its reload period; 0 signs at once, for one process).
    ///   - now: the clock, injected for tests.
    public init(
        store: any SigningKeyStore, masterKey: MasterKey, publishGrace: TimeInterval = 86_400,
        activationDelay: TimeInterval = 0, now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.store = store
        self.seal = masterKey.wrapping(Self.sealPurpose)
        self.publishGrace = publishGrace
        self.activationDelay = activationDelay
        self.now = now
    }

    /// The wrapping purpose of the private keys' seal (master-key rotation re-wraps under it).
    public static let sealPurpose = "signing-keys v1"

    /// Loads the stored keys, generating the first one on first start.
    /// - Returns: whether a key was generated.
    /// - Throws: ``KeyError/decryptionFailed`` when the stored keys were sealed under another
    ///   master key, or a store error.
    @discardableResult
    public func loadOrCreate() async throws -> Bool {
        try await refresh()
        guard snapshot.withLock({ $0.active == nil && $0.pending == nil }) else { return false }
        // Several processes may start together on an empty store: one first key for all.
        let created = try await store.createFirstSigningKey(try storedKey(SigningKey(privateKey: P256.Signing.PrivateKey()), at: now()))
        try await refresh()
        return created
    }

    /// Reloads the keys from the store (picks up a rotation made elsewhere).
    ///
    /// Every public key is derived from its unsealed private key, never read from the
    /// `public_key` column alone (review finding 4): someone who can write the database but does
    /// not hold the master key cannot publish a key of theirs, nor swap a key's public half. A
    /// key that does not open, or whose column disagrees with its sealed key, is refused — not
    /// published, not used to sign or to verify — and listed in ``rejectedKeys``.
    /// - Throws: ``KeyError/decryptionFailed`` when keys are stored but none opens with this
    ///   master key (the wrong `CYBERID_MASTER_KEY`).
    public func refresh() async throws {
        let stored = try await store.signingKeys()
        let time = now()
        var next = Snapshot()
        var opened = 0
        for key in stored {
            next.summaries.append(
                Summary(kid: key.kid, createdAt: key.createdAt, retiredAt: key.retiredAt, publishUntil: key.publishUntil))
            guard let signing = try? unseal(key) else {
                next.rejected.append("\(key.kid): does not open with this master key")
                continue
            }
            opened += 1
            let derived = signing.privateKey.publicKey
            guard Array(derived.x963Representation) == key.publicKey else {
                next.rejected.append("\(key.kid): its public_key column is not its sealed key's")
                continue
            }
            next.verified[key.kid] = derived
            let published = key.retiredAt == nil || (key.publishUntil.map { $0 > time } ?? false)
            guard published else { continue }
            if key.retiredAt == nil {
                next.published.keys.insert(JWK(publicKey: derived, kid: key.kid), at: 0)
            } else {
                next.published.keys.append(JWK(publicKey: derived, kid: key.kid))
            }
            // Newest first: the newest key younger than the activation delay is published and
            // waits; the newest key older than the delay signs until then — every process has
            // published that one (after two quick rotations, not necessarily the middle key).
            if key.createdAt.addingTimeInterval(activationDelay) > time {
                if next.pending == nil { next.pending = (signing, key.createdAt.addingTimeInterval(activationDelay)) }
            } else if next.active == nil {
                next.active = signing
            }
        }
        // The very first key (or every key young) has nothing to wait for.
        if next.active == nil, let pending = next.pending {
            next.active = pending.key
            next.pending = nil
        }
        if !stored.isEmpty && opened == 0 {
            throw KeyError.decryptionFailed(
                "no stored signing key opens with this master key; is CYBERID_MASTER_KEY the one used before?")
        }
        snapshot.withLock { $0 = next }
    }

    /// A stored key's public half, derived from its private half; `nil` for an unknown or
    /// refused key. Verifies what the service signed (audit checkpoints) however old.
    public func verifiedPublicKey(kid: String) -> P256.Signing.PublicKey? {
        snapshot.withLock { $0.verified[kid] }
    }

    /// The keys refused at the last refresh, `kid: why` (logged by the server).
    public var rejectedKeys: [String] { snapshot.withLock { $0.rejected } }

    /// Generates a new signing key and retires the current one.
    /// - Returns: the new key's `kid`.
    @discardableResult
    public func rotate() async throws -> String {
        let key = SigningKey(privateKey: P256.Signing.PrivateKey())
        let time = now()
        // The retired key stays published for the grace after the new one starts signing.
        try await store.rotate(
            to: try storedKey(key, at: time), publishRetiredUntil: time.addingTimeInterval(activationDelay + publishGrace))
        try await refresh()
        return key.kid
    }

    private func storedKey(_ key: SigningKey, at time: Date) throws -> StoredSigningKey {
        StoredSigningKey(
            kid: key.kid, algorithm: "ES256", publicKey: Array(key.privateKey.publicKey.x963Representation),
            sealedPrivateKey: try seal.seal(key.privateKey.rawRepresentation, authenticating: Array(key.kid.utf8)),
            createdAt: time)
    }

    /// The key that signs now (a rotated-in key once its activation time has come).
    /// - Throws: ``KeyError/noSigningKey`` before ``loadOrCreate()``.
    public func activeKey() throws(KeyError) -> SigningKey {
        let time = now()
        guard
            let key = snapshot.withLock({ snapshot in
                snapshot.pending.flatMap { time >= $0.from ? $0.key : nil } ?? snapshot.active
            })
        else {
            throw .noSigningKey("signing keys are not loaded")
        }
        return key
    }

    /// The published keys (active first), for `/jwks.json`.
    public var jwks: JWKS { snapshot.withLock { $0.published } }

    /// Every stored key, newest first, for `cyberid admin keys list`.
    public var summaries: [Summary] { snapshot.withLock { $0.summaries } }

    private func unseal(_ key: StoredSigningKey) throws -> SigningKey {
        do {
            let raw = try seal.open(key.sealedPrivateKey, authenticating: Array(key.kid.utf8))
            return SigningKey(privateKey: try P256.Signing.PrivateKey(rawRepresentation: raw))
        } catch {
            throw KeyError.decryptionFailed(
                "signing key \(key.kid) does not open with this master key; is CYBERID_MASTER_KEY the one used before?")
        }
    }

}
