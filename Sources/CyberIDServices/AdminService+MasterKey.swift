public import CyberIDKeys
public import CyberIDStore
public import Foundation

extension AdminService {
    /// Re-wraps every secret under the current master key (``MasterKeyRotation``) and audits
    /// the rotation with its figures. Safe to run again after an interruption.
    /// - Parameter masterKey: the runtime's key; it must have a previous key.
    /// - Throws: ``AdminError`` `no-previous-master-key`; ``KeyError`` for a secret neither key opens.
    public func rotateMasterKey(
        _ masterKey: MasterKey, batchSize: Int = 500, progress: @Sendable (WrappedSecretKind, Int) -> Void = { _, _ in }
    ) async throws -> MasterKeyRotation.Report {
        guard let previous = masterKey.previous else { throw AdminError.noPreviousMasterKey }
        let report = try await MasterKeyRotation(store: store, masterKey: masterKey).run(batchSize: batchSize, progress: progress)
        let total = report.rewrapped.values.reduce(0, +)
        try await audited(
            "master-key.rotate", target: masterKey.keyID,
            reason: "re-wrapped \(total) secrets from master key \(previous.keyID)"
        ) {}
        return report
    }

    /// Retires the previous master key: checks that nothing is wrapped under it any more, then
    /// erases every other key's sealed derivation root and marks it retired (it is refused if
    /// it is configured again). Afterwards the old key can be destroyed.
    /// - Returns: how many keys were retired.
    /// - Throws: ``AdminError`` `rotation-incomplete` while secrets remain under the previous key.
    public func retirePreviousMasterKey(_ masterKey: MasterKey) async throws -> Int {
        let remaining = try await MasterKeyRotation(store: store, masterKey: masterKey).remaining()
        guard remaining == 0 else { throw AdminError.rotationIncomplete(remaining) }
        return try await audited(
            "master-key.retire", target: masterKey.keyID,
            reason: "every secret is wrapped under \(masterKey.keyID); other master keys retired"
        ) { [store] in
            try await store.retireMasterKeys(except: masterKey.keyID, at: Date())
        }
    }
}
