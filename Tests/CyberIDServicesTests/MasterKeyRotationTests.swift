import CyberIDCore
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDKeys
import CyberIDServices
import CyberIDStore
import CyberIDTestSupport
import CyberIDVault
import Crypto
import Foundation
import Synchronization
import Testing

/// Master-key rotation (issue 13): every wrapped secret moves to the new key, an interrupted
/// rotation resumes, what is derived from the root (blind indexes) stays the same, the old key
/// can be retired and then opens nothing.
@Suite struct MasterKeyRotationTests {
    /// A store that fails after `limit` replacements: the rotation killed half-way.
    final class InterruptedStore: MasterKeyStore {
        let base: SQLStore
        let limit: Int
        let done = Mutex(0)

        struct Interrupted: Error {}

        init(base: SQLStore, limit: Int) { (self.base, self.limit) = (base, limit) }

        func masterKeyRoots() async throws -> [MasterKeyRootRecord] { try await base.masterKeyRoots() }
        func addMasterKeyRoot(_ record: MasterKeyRootRecord) async throws -> Bool { try await base.addMasterKeyRoot(record) }
        func retireMasterKeys(except keyID: String, at time: Date) async throws -> Int {
            try await base.retireMasterKeys(except: keyID, at: time)
        }
        func wrappedSecrets(_ kind: WrappedSecretKind, after id: String?, limit: Int) async throws -> [WrappedSecret] {
            try await base.wrappedSecrets(kind, after: id, limit: limit)
        }
        func replaceWrappedSecret(_ secret: WrappedSecret, with sealed: [UInt8]) async throws -> Bool {
            guard done.withLock({ count in
                count += 1
                return count <= limit
            }) else { throw Interrupted() }
            return try await base.replaceWrappedSecret(secret, with: sealed)
        }
    }

    @Test(arguments: Backend.available)
    func rotationRewrapsEverythingResumesAndRetiresTheOldKey(backend: Backend) async throws {
        try await Harness.with(backend: backend) { harness in
            let store = harness.store
            // A database from before schema 14 (its signing key exists, no master_keys row): the
            // root is the key the harness's services derived from.
            _ = try await SigningKeySet(store: store, masterKey: harness.masterKey).loadOrCreate()
            let old = try await MasterKeyRoots.resolve(harness.masterKey, store: store)
            var persons = [String]()
            for number in ["R10000001", "R10000002", "R10000003"] {
                persons.append(try await harness.enrollPerson(try harness.document(number: number)).personID)
            }
            // An open session holding a sealed pending record.
            let (session, _) = try await harness.present(try harness.document(number: "R10000004"))
            let oldVault = IdentityVault(masterKey: old)
            var records = [IdentityRecord]()
            for id in persons {
                let person = try #require(try await store.person(id: id))
                records.append(try #require(try oldVault.open(person)))
            }

            // The new key, accepting the old: the root is the old one, so blind indexes stay.
            let new = MasterKey.random()
            let both = try await MasterKeyRoots.resolve(new.accepting(previous: old), store: store)
            #expect(BlindIndex(masterKey: both).index(records[0].identityParts) == BlindIndex(masterKey: old).index(records[0].identityParts))
            let before = try await MasterKeyRotation(store: store, masterKey: both).remaining()
            // 3 persons + 1 session + 1 signing key + 2 CA keys.
            #expect(before == 7)

            // Interrupted after 3 re-wraps: a mixed state that the servers (both keys) still read.
            await #expect(throws: InterruptedStore.Interrupted.self) {
                _ = try await MasterKeyRotation(store: InterruptedStore(base: store, limit: 3), masterKey: both).run(batchSize: 2)
            }
            #expect(try await MasterKeyRotation(store: store, masterKey: both).remaining() == before - 3)
            let bothVault = IdentityVault(masterKey: both)
            for (id, record) in zip(persons, records) {
                #expect(try bothVault.open(try #require(try await store.person(id: id))) == record)
            }

            // Resumed: it finishes, touching only what was left.
            let report = try await MasterKeyRotation(store: store, masterKey: both).run(batchSize: 2)
            #expect(report.rewrapped.values.reduce(0, +) == before - 3)
            #expect(report.alreadyCurrent.values.reduce(0, +) == 3)
            #expect(try await MasterKeyRotation(store: store, masterKey: both).remaining() == 0)

            // Retired: the new key alone opens everything and derives the same indexes.
            #expect(try await store.retireMasterKeys(except: new.keyID, at: Date()) == 1)
            let alone = try await MasterKeyRoots.resolve(MasterKey(base64: new.base64), store: store)
            let aloneVault = IdentityVault(masterKey: alone)
            for (id, record) in zip(persons, records) {
                let person = try #require(try await store.person(id: id))
                #expect(try aloneVault.open(person) == record)
                #expect(try await store.livePerson(blindIndex: BlindIndex(masterKey: alone).index(record.identityParts))?.id == id)
                // The old key opens nothing any more.
                #expect(throws: (any Error).self) { try oldVault.open(person) }
            }
            let pending = try #require(try await store.enrollmentSession(id: session))
            #expect(try aloneVault.open(pending) != nil)
            #expect(throws: (any Error).self) { try oldVault.open(pending) }
            _ = try await SigningKeySet(store: store, masterKey: alone).loadOrCreate()
            let authority = try await CertificateAuthority.loadOrCreate(store: store, masterKey: alone)
            #expect(authority.issuing == harness.authority.issuing)
            // The old key is refused at start now, alone or as the previous key of a rotation back.
            await #expect(throws: KeyError.decryptionFailed) { _ = try await MasterKeyRoots.resolve(old, store: store) }
            await #expect(throws: KeyError.decryptionFailed) {
                _ = try await MasterKeyRoots.resolve(MasterKey.random().accepting(previous: old), store: store)
            }
        }
    }

    @Test(arguments: Backend.available)
    func aWrongKeyIsRefusedWithoutWritingARow(backend: Backend) async throws {
        try await Harness.with(backend: backend) { harness in
            _ = try await SigningKeySet(store: harness.store, masterKey: harness.masterKey).loadOrCreate()
            // A database from before schema 14 (no rows) and a key that opens none of its keys.
            await #expect(throws: KeyError.decryptionFailed) {
                _ = try await MasterKeyRoots.resolve(MasterKey.random(), store: harness.store)
            }
            #expect(try await harness.store.masterKeyRoots().isEmpty)
            // The right key gets its row; a wrong key is refused after that too.
            _ = try await MasterKeyRoots.resolve(harness.masterKey, store: harness.store)
            #expect(try await harness.store.masterKeyRoots().map(\.keyID) == [harness.masterKey.keyID])
            await #expect(throws: KeyError.decryptionFailed) {
                _ = try await MasterKeyRoots.resolve(MasterKey.random(), store: harness.store)
            }
        }
    }

    @Test func aRotationStartedOnADatabaseFromBeforeSchema14KeepsTheOldRoot() async throws {
        try await Harness.with { harness in
            let old = harness.masterKey
            _ = try await SigningKeySet(store: harness.store, masterKey: old).loadOrCreate()
            let (_, _, personID) = try await harness.enrollPerson()
            // No row yet: the servers start with the new key and the old one as previous.
            let both = try await MasterKeyRoots.resolve(MasterKey.random().accepting(previous: old), store: harness.store)
            let person = try #require(try await harness.store.person(id: personID))
            let record = try #require(try IdentityVault(masterKey: both).open(person))
            #expect(BlindIndex(masterKey: both).index(record.identityParts) == BlindIndex(masterKey: old).index(record.identityParts))
        }
    }

    @Test func aRowChangedMeanwhileIsNotOverwritten() async throws {
        try await Harness.with { harness in
            let (_, _, personID) = try await harness.enrollPerson()
            let secret = try #require(
                try await harness.store.wrappedSecrets(.personRecordKey, after: nil, limit: 10).first { $0.id == personID })
            #expect(try await harness.store.replaceWrappedSecret(secret, with: [1, 2, 3]))
            // The same compare-and-set again: the row no longer holds what was read.
            #expect(try await !harness.store.replaceWrappedSecret(secret, with: [4, 5, 6]))

            // A session re-wrapped under a request that read it before: the request's write-back
            // (which would restore the old wrap) fails its version check.
            let (session, _) = try await harness.present(try harness.document(number: "R20000001"))
            let stale = try #require(try await harness.store.enrollmentSession(id: session))
            let wrapped = try #require(
                try await harness.store.wrappedSecrets(.sessionRecordKey, after: nil, limit: 10).first { $0.id == session })
            #expect(try await harness.store.replaceWrappedSecret(wrapped, with: [7, 8, 9]))
            #expect(try await !harness.store.update(stale))
        }
    }

    @Test(arguments: Backend.available)
    func aNewDatabaseGetsARandomRootThatNoMasterKeyDerives(backend: Backend) async throws {
        try await withTestDatabase(backend) { database in
            let store = SQLStore(database: database)
            let first = MasterKey.random()
            let resolved = try await MasterKeyRoots.resolve(first, store: store)
            let parts = ["v1", "CHN", "P", "E12345678"]
            // Not the key itself: a retired and destroyed first key derives nothing.
            #expect(BlindIndex(masterKey: resolved).index(parts) != BlindIndex(masterKey: first).index(parts))
            #expect(BlindIndex(masterKey: try await MasterKeyRoots.resolve(first, store: store)).index(parts)
                == BlindIndex(masterKey: resolved).index(parts))
            // Rotated and retired: the new key alone resolves the same root.
            let second = MasterKey.random()
            _ = try await MasterKeyRoots.resolve(second.accepting(previous: first), store: store)
            #expect(try await store.retireMasterKeys(except: second.keyID, at: Date()) == 1)
            let alone = try await MasterKeyRoots.resolve(try MasterKey(base64: second.base64), store: store)
            #expect(BlindIndex(masterKey: alone).index(parts) == BlindIndex(masterKey: resolved).index(parts))
            #expect(try await store.masterKeyRoots().first { $0.keyID == first.keyID }?.sealedRoot == [])
        }
    }
}
