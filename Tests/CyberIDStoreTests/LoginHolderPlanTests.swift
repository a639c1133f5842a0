import CyberIDCore
@testable import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// A login's read of its holder must not grow with the platform's users (migration 23,
/// benchmarks.md "A population's logins on a cold store, SQLite").
@Suite struct LoginHolderPlanTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// `count` persons, each with a certificate `c-p<i>` (enrolled as the store contract's tests
    /// enroll), all known to platform `c1` by a subject, the first also to `c2`.
    func prepare(_ store: SQLStore, persons count: Int) async throws {
        for client in ["c1", "c2", "c3"] {
            try await store.create(ClientRecord(clientID: client, name: client, secretHash: nil, metadata: "{}", createdAt: t0))
        }
        let contract = StoreContractTests()
        for i in 0..<count {
            try await contract.enroll(store, contract.person("p\(i)", blind: UInt8(i)), networkNumber: "N\(i)")
        }
        _ = try await store.database.write { connection in
            for i in 0..<count {
                _ = try await connection.query(
                    "INSERT INTO pairwise_subjects (client_id, subject, person_id) VALUES ('c1', $1, $2)",
                    [.text("sub-c1-\(String(format: "%04d", count - i))"), .text("p\(i)")])
            }
            _ = try await connection.query(
                "INSERT INTO pairwise_subjects (client_id, subject, person_id) VALUES ('c2', 'sub-c2-0', 'p0')", [])
            return 0
        }
    }

    @Test(arguments: Backend.available)
    func theHolderCarriesItsOwnSubjectAtThePlatformOnly(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store, persons: 50)
            // Subjects run against the persons' order, so the platform's smallest subject is the last person's.
            #expect(try await store.loginHolder(certificateSerial: "c-p0", clientID: "c1")?.knownSubject == "sub-c1-0050")
            #expect(try await store.loginHolder(certificateSerial: "c-p49", clientID: "c1")?.knownSubject == "sub-c1-0001")
            #expect(try await store.loginHolder(certificateSerial: "c-p0", clientID: "c2")?.knownSubject == "sub-c2-0")
            #expect(try await store.loginHolder(certificateSerial: "c-p1", clientID: "c2")?.knownSubject == nil)
            #expect(try await store.loginHolder(certificateSerial: "c-p1", clientID: "c3")?.knownSubject == nil)
        }
    }

    /// SQLite has no statistics here, so its plan is the same for a thousand subjects as for a
    /// hundred million: before migration 23 it walked the platform's subjects by the primary key
    /// `(client_id, subject)` (MIN in order) and looked each row up for its person.
    @Test func onSQLiteTheSubjectIsFoundByPersonAndPlatform() async throws {
        try await withTestDatabase(.sqlite) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store, persons: 200)
            let plan = try await database.read { connection in
                try await connection.query(
                    "EXPLAIN QUERY PLAN " + SQLStore.loginHolderStatement, [.text("c-p1"), .text("c1")]
                ).map { try $0.text("detail") }
            }
            // By the index and both equality columns (SQLite 3.36+ spelling; the system's here).
            let subject = plan.filter { $0.contains(" s ") }
            #expect(subject.count == 1, "\(plan)")
            #expect(subject.allSatisfy {
                $0.hasPrefix("SEARCH") && $0.contains("INDEX pairwise_subjects_person_client (person_id=? AND client_id=?)")
            }, "\(plan)")
            #expect(!plan.contains { $0.hasPrefix("SCAN") }, "\(plan)")
        }
    }
}
