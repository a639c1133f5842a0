import Crypto
import CyberIDKeys
import CyberIDLifecycle
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// Review finding 4: someone who can write the database, but does not hold the master key, must
/// not be able to publish a key of theirs (and so forge ID tokens), forge audit checkpoints, or
/// hide a truncation of the audit log from a checkpoint published earlier.
@Suite struct DatabaseWriteAttackTests {
    let attacker = P256.Signing.PrivateKey()

    func withKeys(
        _ backend: Backend, _ body: @escaping @Sendable (SQLStore, SigningKeySet, any SQLDatabase) async throws -> Void
    ) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let keys = SigningKeySet(store: store, masterKey: MasterKey.random())
            try await keys.loadOrCreate()
            try await body(store, keys, database)
        }
    }

    @Test(arguments: Backend.available)
    func aPublicKeyWrittenIntoTheDatabaseIsNeverPublished(_ backend: Backend) async throws {
        try await withKeys(backend) { _, keys, database in
            let real = try #require(keys.jwks.keys.first?.kid)
            let forged = Array(attacker.publicKey.x963Representation)
            // A row of the attacker's (no sealed key opens), and the real key's column swapped.
            _ = try await database.write { connection in
                try await connection.execute(
                    """
                    INSERT INTO signing_keys (kid, algorithm, public_key, sealed_private_key, created_at)
                    VALUES ('attacker', 'ES256', $1, $2, $3)
                    """, [.blob(forged), .blob(Array(repeating: 7, count: 60)), .integer(1)])
            }
            try await keys.refresh()
            #expect(!keys.jwks.keys.contains { $0.kid == "attacker" })
            #expect(keys.jwks.keys.map(\.kid) == [real])
            _ = try await database.write { connection in
                try await connection.execute("UPDATE signing_keys SET public_key = $1 WHERE kid = $2", [.blob(forged), .text(real)])
            }
            try await keys.refresh()
            #expect(keys.jwks.keys.isEmpty, "a key whose column disagrees with its sealed key is refused")
            #expect(keys.verifiedPublicKey(kid: real) == nil && keys.verifiedPublicKey(kid: "attacker") == nil)
            #expect(keys.rejectedKeys.contains { $0.hasPrefix("attacker:") })
            #expect(keys.rejectedKeys.contains { $0.hasPrefix("\(real):") && $0.contains("public_key column") })
        }
    }

    @Test(arguments: Backend.available)
    func aCheckpointSignedWithAnInsertedKeyDoesNotVerify(_ backend: Backend) async throws {
        try await withKeys(backend) { store, keys, database in
            let log = AuditLog(store: store, keys: keys)
            try await log.record(actor: "administrator", action: "person.suspend", target: "p1", reason: "r")
            try await log.checkpoint()
            let entry = try #require(try await store.auditEntries().last)
            // The attacker appends an entry, with a checkpoint signed by their key under a row
            // they inserted with their public key.
            _ = try await database.write { connection in
                try await connection.execute(
                    """
                    INSERT INTO signing_keys (kid, algorithm, public_key, sealed_private_key, created_at, retired_at)
                    VALUES ('attacker', 'ES256', $1, $2, $3, $3)
                    """, [.blob(Array(attacker.publicKey.x963Representation)), .blob([1, 2, 3]), .integer(1)])
            }
            let signature = try attacker.signature(
                for: Array("cyberid audit checkpoint v1\n\(entry.seq)\n\(entry.entryHash.map { String(format: "%02x", $0) }.joined())".utf8))
            try await store.addAuditCheckpoint(
                AuditCheckpointRecord(
                    seq: entry.seq + 1000, entryHash: entry.entryHash, kid: "attacker",
                    signature: Array(signature.rawRepresentation), signedAt: Date()))
            guard case .broken(_, let reason) = try await log.verify() else {
                Issue.record("a checkpoint signed with an inserted key was accepted")
                return
            }
            #expect(reason.contains("no valid signature"))
        }
    }

    /// Truncating the log and its checkpoints together leaves a consistent chain; only a
    /// checkpoint published before (and kept by someone else) shows what is gone.
    @Test(arguments: Backend.available)
    func aTruncatedLogIsFoundAgainstACheckpointSavedEarlier(_ backend: Backend) async throws {
        try await withKeys(backend) { store, keys, database in
            let log = AuditLog(store: store, keys: keys)
            for index in 1...4 {
                try await log.record(actor: "administrator", action: "person.suspend", target: "p\(index)", reason: "r")
                try await log.checkpoint()
            }
            let published = try #require(try await log.latestCheckpoint())
            let saved = try #require(AuditCheckpointDocument.parse(try AuditCheckpointDocument(published).json())?.record)
            #expect(try await log.verify(against: saved) == .intact(entries: 4, checkpoints: 4))
            _ = try await database.write { connection in
                _ = try await connection.execute("DELETE FROM audit_log WHERE seq >= 3", [])
                return try await connection.execute("DELETE FROM audit_checkpoints WHERE seq >= 3", [])
            }
            #expect(try await log.verify() == .intact(entries: 2, checkpoints: 2))
            guard case .broken(let seq, let reason) = try await log.verify(against: saved) else {
                Issue.record("the truncation was not found against the saved checkpoint")
                return
            }
            #expect(seq == 4 && reason.contains("truncated"))
        }
    }
}
