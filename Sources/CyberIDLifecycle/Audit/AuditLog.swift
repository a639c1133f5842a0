import Crypto
import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
public import Foundation

/// The tamper-evident audit log: append-only entries, each hash-chained to the previous one,
/// with checkpoints signed by the service's ES256 key.
///
/// `entry_hash = SHA-256(prev_hash ‖ len‖seq ‖ len‖time ‖ len‖actor ‖ len‖action ‖ len‖target ‖
/// len‖reason)` (4-byte big-endian lengths, UTF-8 text, the first `prev_hash` 32 zero bytes), so
/// editing a field breaks that entry's hash, deleting or reordering breaks the chain, and a
/// checkpoint (a signature over a sequence number and its hash) pins everything up to it —
/// also against someone who rewrites the chain from an edited entry onwards.
public struct AuditLog: Sendable {
    /// The storage the log needs.
    public typealias Store = AuditStore & SigningKeyStore

    let store: any Store
    let keys: SigningKeySet
    /// The entries ``verify(against:)`` reads at a time.
    let pageSize: Int

    /// Creates the log over the store, signing checkpoints with `keys`; verification reads
    /// `pageSize` entries at a time (tests make pages small to cross their boundaries).
    public init(store: any Store, keys: SigningKeySet, pageSize: Int = 5_000) {
        self.store = store
        self.keys = keys
        self.pageSize = max(1, pageSize)
    }

    /// Appends an entry.
    /// - Parameters:
    ///   - actor: who (`administrator`, `person`, `policy`…).
    ///   - action: what (`person.suspend`, `certificate.revoke`, `record.read`…).
    ///   - target: on what (an internal id, a serial, a client id — never personal data).
    ///   - reason: the reason or legal basis given.
    @discardableResult
    public func record(actor: String, action: String, target: String, reason: String, at time: Date = Date()) async throws
        -> AuditEntryRecord
    {
        try await store.appendAudit { last in
            let seq = (last?.seq ?? 0) + 1
            let previous = last?.hash ?? Self.genesis
            let stamped = Date(milliseconds: Int64((time.timeIntervalSince1970 * 1000).rounded()))
            return AuditEntryRecord(
                seq: seq, occurredAt: stamped, actor: actor, action: action, target: target, reason: reason,
                previousHash: previous,
                entryHash: Self.hash(
                    previous: previous, seq: seq, milliseconds: Self.milliseconds(stamped), actor: actor, action: action,
                    target: target, reason: reason))
        }
    }

    /// Signs the newest entry, unless it is already checkpointed.
    /// - Returns: the new checkpoint, if one was made.
    @discardableResult
    public func checkpoint(at time: Date = Date()) async throws -> AuditCheckpointRecord? {
        guard let last = try await store.lastAuditEntry() else { return nil }
        if try await store.latestAuditCheckpoint()?.seq == last.seq { return nil }
        let key = try keys.activeKey()
        let checkpoint = AuditCheckpointRecord(
            seq: last.seq, entryHash: last.entryHash, kid: key.kid,
            signature: try key.sign(Self.checkpointMessage(seq: last.seq, hash: last.entryHash)), signedAt: time)
        try await store.addAuditCheckpoint(checkpoint)
        return checkpoint
    }

    /// The outcome of ``verify()``.
    public enum Verification: Sendable, Equatable {
        /// The chain and every checkpoint hold.
        case intact(entries: Int, checkpoints: Int)
        /// The first problem found: the entry's sequence number and what is wrong.
        case broken(seq: Int64, reason: String)
    }

    /// Recomputes the chain and checks every checkpoint's signature and hash; with `saved`, a
    /// checkpoint published earlier (`GET /audit/checkpoint`), also that the log still holds
    /// what it pinned — a log truncated or rewritten together with its checkpoint table passes
    /// the chain check, not this one (review finding 4). Signatures are checked with keys
    /// derived from the sealed private keys, never the database's `public_key` column.
    public func verify(against saved: AuditCheckpointRecord? = nil) async throws -> Verification {
        // Checkpoints first: a checkpoint is written only after its entry committed, so every
        // checkpoint read here names an entry the next read sees. Read the other way round, an
        // entry and its checkpoint appended in between looked like a truncated log.
        let checkpoints = try await store.auditCheckpoints()
        let pinned = checkpoints + (saved.map { [$0] } ?? [])
        // The log is read a page at a time and only the signed entries' hashes are kept: memory
        // stays bounded however long the log grows.
        let signed = Set(pinned.map(\.seq))
        var previous = Self.genesis
        var expected: Int64 = 1
        var bySeq = [Int64: [UInt8]]()
        while true {
            let page = try await store.auditEntries(after: expected - 1, limit: pageSize)
            for entry in page {
                if entry.seq > expected {
                    return .broken(seq: expected, reason: "entry \(expected) is missing (deleted)")
                }
                if entry.seq < expected {
                    return .broken(seq: entry.seq, reason: "entry \(entry.seq) appears twice or out of order")
                }
                if entry.previousHash != previous {
                    return .broken(
                        seq: entry.seq,
                        reason: "entry \(entry.seq) does not follow entry \(entry.seq - 1) (reordered, or an earlier entry was rewritten)")
                }
                let recomputed = Self.hash(
                    previous: entry.previousHash, seq: entry.seq, milliseconds: Self.milliseconds(entry.occurredAt),
                    actor: entry.actor, action: entry.action, target: entry.target, reason: entry.reason)
                if recomputed != entry.entryHash {
                    return .broken(seq: entry.seq, reason: "entry \(entry.seq) was edited (its content does not match its hash)")
                }
                if signed.contains(entry.seq) { bySeq[entry.seq] = entry.entryHash }
                previous = entry.entryHash
                expected += 1
            }
            if page.count < pageSize { break }
        }
        try await keys.refresh()
        for checkpoint in pinned {
            guard isSigned(checkpoint) else {
                return .broken(seq: checkpoint.seq, reason: "the checkpoint at entry \(checkpoint.seq) has no valid signature")
            }
            guard let hash = bySeq[checkpoint.seq] else {
                return .broken(
                    seq: checkpoint.seq, reason: "entry \(checkpoint.seq), signed in a checkpoint, is missing (the log was truncated)")
            }
            guard hash == checkpoint.entryHash else {
                return .broken(
                    seq: checkpoint.seq,
                    reason: "entries up to \(checkpoint.seq) were rewritten after they were signed in a checkpoint")
            }
        }
        return .intact(entries: Int(expected - 1), checkpoints: checkpoints.count)
    }

    /// Whether the service's verified key `kid` signed the checkpoint.
    func isSigned(_ checkpoint: AuditCheckpointRecord) -> Bool {
        guard let key = keys.verifiedPublicKey(kid: checkpoint.kid),
            let signature = try? P256.Signing.ECDSASignature(rawRepresentation: checkpoint.signature)
        else { return false }
        return key.isValidSignature(signature, for: Self.checkpointMessage(seq: checkpoint.seq, hash: checkpoint.entryHash))
    }

    /// The newest signed checkpoint (`GET /audit/checkpoint`), if any.
    public func latestCheckpoint() async throws -> AuditCheckpointRecord? {
        try await store.latestAuditCheckpoint()
    }

    static let genesis = [UInt8](repeating: 0, count: 32)

    static func milliseconds(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded()) }

    static func hash(
        previous: [UInt8], seq: Int64, milliseconds: Int64, actor: String, action: String, target: String, reason: String
    ) -> [UInt8] {
        var hasher = SHA256()
        hasher.update(data: previous)
        for field in [String(seq), String(milliseconds), actor, action, target, reason] {
            let bytes = Array(field.utf8)
            let count = UInt32(bytes.count)
            hasher.update(data: [UInt8(count >> 24), UInt8(count >> 16 & 0xFF), UInt8(count >> 8 & 0xFF), UInt8(count & 0xFF)])
            hasher.update(data: bytes)
        }
        return Array(hasher.finalize())
    }

    static func checkpointMessage(seq: Int64, hash: [UInt8]) -> [UInt8] {
        Array("cyberid audit checkpoint v1\n\(seq)\n\(Hex.encode(hash))".utf8)
    }
}

extension Date {
    fileprivate init(milliseconds: Int64) { self.init(timeIntervalSince1970: Double(milliseconds) / 1000) }
}
