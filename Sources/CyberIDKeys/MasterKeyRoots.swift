import Crypto
public import CyberIDStore
public import Foundation

/// Resolves the derivation root of a master key against the store (``MasterKey``): what is
/// derived from the root — blind indexes, pairwise subjects, sealed login state — stays the
/// same when the master key is rotated.
///
/// - A row for this key: the root is the one it seals.
/// - No row for this key, but one for the previous key of a rotation: the root is unsealed with
///   the previous key and sealed under this one (a new row).
/// - No row at all: on a new database a random root; on one from before schema 14 the key that
///   sealed the stored signing keys — this key, or the previous one when a rotation starts on
///   such a database —, which is what every purpose key was derived from until then. This key
///   gets its row. A key that opens none of the stored signing keys writes nothing.
/// - A row for this key marked retired: refused (a retired key never comes back).
/// - Rows, but none for either configured key: the database belongs to another master key.
public enum MasterKeyRoots {
    private static let sealPurpose = "derivation-root v1"

    /// The master key with its derivation root resolved (a row written when needed).
    /// - Throws: ``KeyError/decryptionFailed(_:)`` when the store's rows belong to other keys.
    public static func resolve(_ masterKey: MasterKey, store: any MasterKeyStore, now: Date = Date()) async throws
        -> MasterKey
    {
        let rows = try await store.masterKeyRoots()
        if let own = rows.first(where: { $0.keyID == masterKey.keyID }) {
            if let retired = own.retiredAt {
                throw KeyError.decryptionFailed(
                    "master key \(masterKey.keyID) was retired on \(retired) and may not be used again; configure the current key")
            }
            return masterKey.resolved(root: try open(own, with: masterKey))
        }
        let live = rows.filter { $0.retiredAt == nil }
        let root: [UInt8]
        if rows.isEmpty {
            root = try await legacyRoot(masterKey, store: store)
        } else if let previous = masterKey.previousKey, let row = live.first(where: { $0.keyID == previous.keyID }) {
            root = try open(row, with: previous).withUnsafeBytes { Array($0) }
        } else {
            throw KeyError.decryptionFailed(
                "this database's keys are sealed under another master key (\(live.map(\.keyID).joined(separator: ", "))), "
                    + "not \(masterKey.keyID); is CYBERID_MASTER_KEY the one used before?")
        }
        let sealed = try masterKey.wrapping(sealPurpose).seal(root, authenticating: Array(masterKey.keyID.utf8))
        if try await store.addMasterKeyRoot(MasterKeyRootRecord(keyID: masterKey.keyID, sealedRoot: sealed, createdAt: now)) {
            return masterKey.resolved(root: .init(data: root))
        }
        // Another process wrote this key's row first: use theirs.
        return try await resolve(masterKey, store: store, now: now)
    }

    /// The root of a database without rows: on a new database (no signing key yet) a fresh
    /// random one — so no master key is ever the root, and a retired key derives nothing; on a
    /// database from before schema 14, the key every purpose key was derived from until then:
    /// the one that sealed the signing keys. A key that opens none of them is refused before
    /// any row is written.
    private static func legacyRoot(_ masterKey: MasterKey, store: any MasterKeyStore) async throws -> [UInt8] {
        guard let sample = try await store.wrappedSecrets(.signingKey, after: nil, limit: 1).first else {
            return SymmetricKey(size: .bits256).withUnsafeBytes { Array($0) }
        }
        let current: Bool
        do {
            current = try masterKey.wrapping(SigningKeySet.sealPurpose)
                .openReporting(sample.sealed, authenticating: Array(sample.id.utf8)).current
        } catch {
            throw KeyError.decryptionFailed(
                "signing key \(sample.id) does not open with this master key; is CYBERID_MASTER_KEY the one used before?")
        }
        guard !current, let previous = masterKey.previousKey else { return masterKey.rootBytes }
        return previous.rootBytes
    }

    private static func open(_ row: MasterKeyRootRecord, with key: MasterKey) throws -> SymmetricKey {
        do {
            return SymmetricKey(data: try key.wrapping(sealPurpose).open(row.sealedRoot, authenticating: Array(row.keyID.utf8)))
        } catch {
            throw KeyError.decryptionFailed("the derivation root of master key \(row.keyID) does not open")
        }
    }
}
