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
        // The newest checkpoint first: a checkpoint is written only after its entry committed, so
        // every checkpoint up to it names an entry the entries' reads see. Read the other way
        // round, an entry and its checkpoint appended in between looked like a truncated log;
        // checkpoints appended after this read are left to the next verification.
        let newest = try await store.latestAuditCheckpoint()?.seq ?? .min
        try await keys.refresh()
        // Entries and checkpoints (about one per entry) are read a page at a time, side by side,
        // and each checkpoint is checked as its entry passes: memory stays bounded however long
        // the log grows. The first page starts below 1, so a row inserted with seq 0 or less is
        // seen (and refused).
        var checkpoints = CheckpointCursor(store: store, upTo: newest, pageSize: pageSize)
        var previous = Self.genesis
        var expected: Int64 = 1
        var after = Int64.min
        var checked = 0
        while true {
            let page = try await store.auditEntries(after: after, limit: pageSize)
            for entry in page {
                if let problem = Self.chainProblem(entry, expected: expected, previous: previous) { return problem }
                // The checkpoints signing this entry (or, below 1, an entry that cannot exist).
                while let checkpoint = try await checkpoints.next(atMost: entry.seq) {
                    if let problem = check(checkpoint, entryHash: checkpoint.seq == entry.seq ? entry.entryHash : nil) {
                        return problem
                    }
                    checked += 1
                }
                if let saved, saved.seq == entry.seq, let problem = check(saved, entryHash: entry.entryHash) { return problem }
                previous = entry.entryHash
                expected += 1
            }
            after = page.last?.seq ?? after
            if page.count < pageSize { break }
        }
        // Checkpoints (and the saved one) past the last entry: their entries are gone.
        while let checkpoint = try await checkpoints.next(atMost: .max) {
            if let problem = check(checkpoint, entryHash: nil) { return problem }
        }
        if let saved, saved.seq >= expected || saved.seq < 1, let problem = check(saved, entryHash: nil) { return problem }
        return .intact(entries: Int(expected - 1), checkpoints: checked)
    }

    /// Why `entry` does not continue the chain at `expected` after `previous`, if it does not.
    static func chainProblem(_ entry: AuditEntryRecord, expected: Int64, previous: [UInt8]) -> Verification? {
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
        let recomputed = hash(
            previous: entry.previousHash, seq: entry.seq, milliseconds: milliseconds(entry.occurredAt),
            actor: entry.actor, action: entry.action, target: entry.target, reason: entry.reason)
        if recomputed != entry.entryHash {
            return .broken(seq: entry.seq, reason: "entry \(entry.seq) was edited (its content does not match its hash)")
        }
        return nil
    }

    /// What is wrong with `checkpoint` given its entry's hash (`nil`: no such entry), if anything.
    func check(_ checkpoint: AuditCheckpointRecord, entryHash: [UInt8]?) -> Verification? {
        guard isSigned(checkpoint) else {
            return .broken(seq: checkpoint.seq, reason: "the checkpoint at entry \(checkpoint.seq) has no valid signature")
        }
        guard let entryHash else {
            return .broken(
                seq: checkpoint.seq, reason: "entry \(checkpoint.seq), signed in a checkpoint, is missing (the log was truncated)")
        }
        guard entryHash == checkpoint.entryHash else {
            return .broken(
                seq: checkpoint.seq, reason: "entries up to \(checkpoint.seq) were rewritten after they were signed in a checkpoint")
        }
        return nil
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

/// The checkpoints up to a sequence number, read a page at a time in sequence order.
struct CheckpointCursor {
    let store: any AuditLog.Store
    let upTo: Int64
    let pageSize: Int
    private var buffer: [AuditCheckpointRecord] = []
    private var index = 0
    private var after = Int64.min
    private var exhausted = false

    init(store: any AuditLog.Store, upTo: Int64, pageSize: Int) {
        (self.store, self.upTo, self.pageSize) = (store, upTo, pageSize)
    }

    /// The next checkpoint if its sequence number is at most `seq` (and at most `upTo`).
    mutating func next(atMost seq: Int64) async throws -> AuditCheckpointRecord? {
        if index == buffer.count {
            guard !exhausted else { return nil }
            buffer = try await store.auditCheckpoints(after: after, limit: pageSize)
            index = 0
            exhausted = buffer.count < pageSize
            after = buffer.last?.seq ?? after
            guard !buffer.isEmpty else { return nil }
        }
        let checkpoint = buffer[index]
        guard checkpoint.seq <= seq, checkpoint.seq <= upTo else { return nil }
        index += 1
        return checkpoint
    }
}
