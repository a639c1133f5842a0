import CyberIDEnrollment
import CyberIDIssuance
import CyberIDVault
import CyberIDTestSupport
import CyberIDKeys
import CyberIDLifecycle
import CyberIDStore
import Foundation
import Testing

/// The audit log's tamper evidence, on SQLite and PostgreSQL: each test edits, deletes or
/// reorders rows with plain SQL, as someone with database access would, and `verify()` must
/// name the entry.
@Suite struct AuditLogTests {
    func withLog(
        _ backend: Backend, _ body: @escaping @Sendable (AuditLog, any SQLDatabase) async throws -> Void
    ) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let keys = SigningKeySet(store: store, masterKey: MasterKey.random())
            try await keys.loadOrCreate()
            // Pages of two entries: every tampering below is found across page boundaries (the
            // log is read a page at a time, and only signed entries' hashes are kept).
            let log = AuditLog(store: store, keys: keys, pageSize: 2)
            for index in 1...5 {
                try await log.record(
                    actor: "administrator", action: "person.suspend", target: "p\(index)", reason: "reason \(index)")
            }
            try await log.checkpoint()
            #expect(try await log.verify() == .intact(entries: 5, checkpoints: 1))
            try await body(log, database)
        }
    }

    /// `verify()` must find the chain broken at entry `seq`, for a reason containing `text`.
    func expectBroken(_ log: AuditLog, at seq: Int64, saying text: String, _ why: Comment) async throws {
        guard case .broken(let found, let reason) = try await log.verify() else {
            Issue.record(why)
            return
        }
        #expect(found == seq && reason.contains(text), why)
    }

    @Test(arguments: Backend.available)
    func anEditedEntryIsNamed(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            _ = try await database.write { try await $0.execute("UPDATE audit_log SET reason = 'nothing to see' WHERE seq = 3", []) }
            try await expectBroken(log, at: 3, saying: "entry 3 was edited", "an edit must be found")
        }
    }

    @Test(arguments: Backend.available)
    func aDeletedEntryIsNamed(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            _ = try await database.write { try await $0.execute("DELETE FROM audit_log WHERE seq = 2", []) }
            try await expectBroken(log, at: 2, saying: "missing", "a deletion must be found")
        }
    }

    @Test(arguments: Backend.available)
    func reorderedEntriesAreFound(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            // Swap the contents of entries 2 and 4 (hashes moved along with them).
            _ = try await database.write { connection in
                _ = try await connection.execute("UPDATE audit_log SET seq = 100 WHERE seq = 2", [])
                _ = try await connection.execute("UPDATE audit_log SET seq = 2 WHERE seq = 4", [])
                return try await connection.execute("UPDATE audit_log SET seq = 4 WHERE seq = 100", [])
            }
            guard case .broken(let seq, _) = try await log.verify() else {
                Issue.record("a reordering must be found")
                return
            }
            #expect(seq == 2)
        }
    }

    @Test(arguments: Backend.available)
    func aRewrittenTailIsCaughtByTheCheckpoint(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            // Truncate after entry 3: the chain alone still holds; the signed checkpoint at 5 does not.
            _ = try await database.write { try await $0.execute("DELETE FROM audit_log WHERE seq > 3", []) }
            try await expectBroken(log, at: 5, saying: "truncated", "a truncation must be found")
            // A forged checkpoint signature is refused too.
            _ = try await database.write { try await $0.execute("UPDATE audit_checkpoints SET seq = 3", []) }
            guard case .broken(_, let forged) = try await log.verify() else {
                Issue.record("a moved checkpoint must be found")
                return
            }
            #expect(forged.contains("signature"))
        }
    }

    /// The log is read in pages from below 1 (review of the paged verify): a row inserted before
    /// the first entry is seen, and the chain is broken there.
    @Test(arguments: Backend.available)
    func anEntryInsertedBeforeTheFirstIsFound(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            _ = try await database.write {
                try await $0.execute(
                    """
                    INSERT INTO audit_log (seq, occurred_at, actor, action, target, reason, prev_hash, entry_hash)
                    SELECT 0, occurred_at, actor, action, target, reason, prev_hash, entry_hash FROM audit_log WHERE seq = 1
                    """, [])
            }
            try await expectBroken(log, at: 0, saying: "out of order", "a row before the first entry must be found")
        }
    }

    /// Checkpoints are read in pages beside the entries (about one per entry): with pages of
    /// two, a rewritten checkpoint in the middle is found.
    @Test(arguments: Backend.available)
    func aCheckpointInTheMiddleIsCheckedInItsPage(_ backend: Backend) async throws {
        try await withLog(backend) { log, database in
            for index in 6...9 {
                try await log.record(actor: "administrator", action: "person.resume", target: "p\(index)", reason: "r")
                try await log.checkpoint()
            }
            #expect(try await log.verify() == .intact(entries: 9, checkpoints: 5))
            _ = try await database.write { try await $0.execute("UPDATE audit_log SET reason = 'x' WHERE seq = 7", []) }
            try await expectBroken(log, at: 7, saying: "edited", "an edit must be found")
            _ = try await database.write { try await $0.execute("DELETE FROM audit_log WHERE seq >= 7", []) }
            try await expectBroken(log, at: 7, saying: "truncated", "the checkpoint at 7 names a missing entry")
        }
    }

    @Test(arguments: Backend.available)
    func appendsContinueTheChain(_ backend: Backend) async throws {
        try await withLog(backend) { log, _ in
            let next = try await log.record(actor: "administrator", action: "record.read", target: "p9", reason: "court order")
            #expect(next.seq == 6)
            #expect(try await log.checkpoint() != nil)
            #expect(try await log.checkpoint() == nil)
            #expect(try await log.verify() == .intact(entries: 6, checkpoints: 2))
        }
    }
}

/// `verify()` while an operator acts: an entry and its checkpoint appended between verify's
/// reads must not look like a truncated log (found by the crash test on PostgreSQL, issue 13).
@Suite struct AuditVerifyConcurrencyTests {
    /// A store that appends an entry and a checkpoint right after verify() reads the entries,
    /// the moment the race used to hit.
    final class RacingStore: AuditStore, SigningKeyStore, @unchecked Sendable {
        let base: SQLStore
        var log: AuditLog?
        var raced = false

        init(base: SQLStore) { self.base = base }

        func appendAudit(_ make: @Sendable ((seq: Int64, hash: [UInt8])?) throws -> AuditEntryRecord) async throws
            -> AuditEntryRecord
        { try await base.appendAudit(make) }
        func auditEntries(matching query: AuditQuery, limit: Int) async throws -> (entries: [AuditEntryRecord], total: Int) {
            try await base.auditEntries(matching: query, limit: limit)
        }
        func auditEntries(after seq: Int64, limit: Int) async throws -> [AuditEntryRecord] {
            let entries = try await base.auditEntries(after: seq, limit: limit)
            if !raced, let log {
                raced = true
                try await log.record(actor: "operator", action: "client.create", target: "c", reason: "meanwhile")
                try await log.checkpoint()
            }
            return entries
        }
        func addAuditCheckpoint(_ checkpoint: AuditCheckpointRecord) async throws { try await base.addAuditCheckpoint(checkpoint) }
        func auditCheckpoints(after seq: Int64, limit: Int) async throws -> [AuditCheckpointRecord] {
            try await base.auditCheckpoints(after: seq, limit: limit)
        }
        func lastAuditEntry() async throws -> AuditEntryRecord? { try await base.lastAuditEntry() }
        func latestAuditCheckpoint() async throws -> AuditCheckpointRecord? { try await base.latestAuditCheckpoint() }
        func signingKeys() async throws -> [StoredSigningKey] { try await base.signingKeys() }
        func rotate(to key: StoredSigningKey, publishRetiredUntil publishUntil: Date) async throws {
            try await base.rotate(to: key, publishRetiredUntil: publishUntil)
        }
    }

    @Test func anEntryAndItsCheckpointWrittenDuringVerifyAreNotATruncation() async throws {
        try await withSQLiteStore { store in
            let keys = SigningKeySet(store: store, masterKey: MasterKey.random())
            try await keys.loadOrCreate()
            let writer = AuditLog(store: store, keys: keys)
            try await writer.record(actor: "operator", action: "person.suspend", target: "p", reason: "r")
            try await writer.checkpoint()
            let racing = RacingStore(base: store)
            racing.log = writer
            let verifier = AuditLog(store: racing, keys: keys)
            #expect(try await verifier.verify() == .intact(entries: 1, checkpoints: 1))
            #expect(racing.raced)
            // The next verify sees both.
            #expect(try await writer.verify() == .intact(entries: 2, checkpoints: 2))
        }
    }
}
