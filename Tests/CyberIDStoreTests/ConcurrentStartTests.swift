import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Logging
import Testing

/// Several nodes starting together on an empty database (issue 16, docs/multinode.md): the
/// migrations and the first signing key, raced from concurrent connections.
@Suite struct ConcurrentStartTests {
    @Test(arguments: Backend.available)
    func migrationsRacedFromSeveralConnectionsAllSucceedOnce(_ backend: Backend) async throws {
        try await withTestDatabase(backend, migrate: false) { database async throws in
            let applied = try await withThrowingTaskGroup(of: [Int].self) { group in
                for _ in 0..<6 {
                    group.addTask { try await Migrator().migrate(database, logger: Logger(label: "test")) }
                }
                return try await group.reduce(into: [Int]()) { $0 += $1 }
            }
            // Each migration applied by exactly one of them, none failed.
            #expect(applied.sorted() == Schema.migrations.map(\.version).sorted())
            #expect(try await Migrator().currentVersion(database) == Schema.migrations.map(\.version).max())
        }
    }

    @Test(arguments: Backend.available)
    func oneFirstSigningKeyHoweverManyProcessesStart(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.createFirstSigningKey(
                            StoredSigningKey(
                                kid: "k\(index)", algorithm: "ES256", publicKey: [UInt8(index)], sealedPrivateKey: [1],
                                createdAt: Date()))
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(created.filter { $0 }.count == 1)
            let keys = try await store.signingKeys()
            #expect(keys.count == 1 && keys[0].retiredAt == nil)
            #expect(
                try await store.createFirstSigningKey(
                    StoredSigningKey(kid: "late", algorithm: "ES256", publicKey: [9], sealedPrivateKey: [1], createdAt: Date()))
                    == false)
        }
    }

    @Test(arguments: Backend.available)
    func oneCertificateAuthorityPairHoweverManyProcessesStart(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let created = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<8 {
                    group.addTask {
                        try await store.createCertificateAuthorities(
                            ["root", "issuing"].map {
                                CertificateAuthorityRecord(
                                    name: $0, certificate: [UInt8(index)], sealedPrivateKey: [1], createdAt: Date())
                            })
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(created.filter { $0 }.count == 1)
            let root = try #require(try await store.certificateAuthority(name: "root"))
            let issuing = try #require(try await store.certificateAuthority(name: "issuing"))
            #expect(root.certificate == issuing.certificate, "one process's pair, not a mix")
        }
    }
}
