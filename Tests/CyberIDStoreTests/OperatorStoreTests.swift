import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// Operators, roles and four-eyes requests (issue 15), on SQLite and PostgreSQL.
@Suite struct OperatorStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func rolesAreAddedOnceAndListedWithTheOperator(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await PortalStoreTests().prepare(store)
            #expect(try await store.operatorRecord(personID: "p1") == nil)
            #expect(try await store.grantRole(personID: "p1", displayName: "Li", role: "admin", grantedBy: "root", at: t0))
            #expect(try await store.grantRole(personID: "p1", displayName: "Li", role: "admin", grantedBy: "root", at: t0) == false)
            #expect(try await store.grantRole(personID: "p1", displayName: "Li Wei", role: "auditor", grantedBy: "root", at: t0))
            #expect(try await store.grantRole(personID: "p2", displayName: "Ann", role: "support", grantedBy: "Li Wei", at: t0))
            // A later grant does not rename: the name the audit uses is set once (a review finding:
            // an admin could otherwise rename anyone, or take another's name).
            #expect(try await store.operatorRecord(personID: "p1") == OperatorRecord(personID: "p1", displayName: "Li", roles: ["admin", "auditor"], createdAt: t0))
            #expect(try await store.operatorRecords().map(\.displayName) == ["Ann", "Li"])
            #expect(try await store.revokeRole(personID: "p1", role: "admin"))
            #expect(try await store.revokeRole(personID: "p1", role: "admin") == false)
            #expect(try await store.operatorRecord(personID: "p1")?.roles == ["auditor"])
            #expect(try await store.revokeRole(personID: "p1", role: "auditor"))
            // An operator without roles is still listed (their past acts name them).
            #expect(try await store.operatorRecord(personID: "p1")?.roles == [])
        }
    }

    @Test(arguments: Backend.available)
    func aRequestIsDecidedOnceAndCarriedOutOnce(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let request = FourEyesRequestRecord(
                id: "fe_1", action: "read-record", target: "p1", detail: #"{"legal_basis":"x"}"#, requestedBy: "a",
                requestedAt: t0, expiresAt: t0 + 86_400)
            try await store.createFourEyesRequest(request)
            #expect(try await store.fourEyesRequest(id: "fe_1") == request)
            #expect(try await store.markFourEyesRequestExecuted(id: "fe_1", at: t0) == false)
            // Two second operators at once: one decision wins.
            let decided = try await withThrowingTaskGroup(of: Bool.self) { group in
                for (index, status) in [FourEyesRequestRecord.Status.approved, .refused, .approved].enumerated() {
                    group.addTask {
                        try await store.decideFourEyesRequest(id: "fe_1", status: status, decidedBy: "b\(index)", reason: nil, at: t0 + 1)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(decided == 1)
            let after = try #require(try await store.fourEyesRequest(id: "fe_1"))
            #expect(after.status != .pending && after.decidedAt == t0 + 1)
            #expect(try await store.fourEyesRequests(status: .pending).isEmpty)
            if after.status == .approved {
                #expect(try await store.markFourEyesRequestExecuted(id: "fe_1", at: t0 + 2))
                #expect(try await store.markFourEyesRequestExecuted(id: "fe_1", at: t0 + 3) == false)
                #expect(try await store.fourEyesRequest(id: "fe_1")?.executedAt == t0 + 2)
            }
        }
    }
}
