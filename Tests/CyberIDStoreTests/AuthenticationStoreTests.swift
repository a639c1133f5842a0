import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// Passwords and in-person codes (issue 17), on SQLite and PostgreSQL.
@Suite struct AuthenticationStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func entry(_ action: String, outcome: HistoryOutcome = .success) -> HistoryEntry {
        HistoryEntry(personID: "p1", event: .password, outcome: outcome, fields: ["action": action], at: t0)
    }

    @Test(arguments: Backend.available)
    func attemptsAreCountedBeforeTheCheckSoConcurrentGuessesStopAtTheLimit(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await LoginDecisionStoreTests().prepare(store)
            #expect(try await store.password(personID: "p1") == nil)
            #expect(try await store.reservePasswordAttempt(personID: "p1", limit: 5, now: t0) == nil)
            try await store.setPassword(personID: "p1", hash: "scrypt$a", history: entry("set"), now: t0)
            // Twenty guesses at once: exactly five are allowed to be checked.
            let granted = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<20 {
                    group.addTask { try await store.reservePasswordAttempt(personID: "p1", limit: 5, now: t0) != nil }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(granted == 5)
            #expect(try await store.password(personID: "p1")?.failures == 5)
            try await store.passwordRefused(personID: "p1", hash: "scrypt$a", locked: true, history: entry("locked", outcome: .failure), now: t0)
            #expect(try await store.password(personID: "p1")?.lockedAt == t0)
            // A correct entry would clear the count, but a locked password takes no attempt.
            try await store.passwordAccepted(personID: "p1", hash: "scrypt$a")
            #expect(try await store.reservePasswordAttempt(personID: "p1", limit: 5, now: t0) == nil)
            // A reset replaces the hash and lifts the lock, with its history entry.
            try await store.setPassword(personID: "p1", hash: "scrypt$b", history: entry("reset"), now: t0)
            let reset = try #require(try await store.password(personID: "p1"))
            #expect(reset.hash == "scrypt$b" && reset.failures == 0 && reset.lockedAt == nil)
            // A guess counted against the old password and judged after the reset neither locks
            // the new one nor clears its count.
            try await store.passwordRefused(
                personID: "p1", hash: "scrypt$a", locked: true, history: entry("locked", outcome: .failure), now: t0)
            #expect(try await store.password(personID: "p1")?.lockedAt == nil)
            #expect(try await store.reservePasswordAttempt(personID: "p1", limit: 5, now: t0)?.failures == 1)
            try await store.passwordAccepted(personID: "p1", hash: "scrypt$a")
            #expect(try await store.password(personID: "p1")?.failures == 1)
            try await store.passwordAccepted(personID: "p1", hash: "scrypt$b")
            #expect(try await store.password(personID: "p1")?.failures == 0)
            // A first password is added once: a concurrent second one loses.
            #expect(try await store.addPassword(personID: "p1", hash: "scrypt$c", history: entry("set"), now: t0) == false)
            #expect(try await store.password(personID: "p1")?.hash == "scrypt$b")
            let actions = try await store.history(personID: "p1", limit: 10).filter { $0.event == "password" }.map(\.detail)
            #expect(actions.count == 4 && actions.allSatisfy { $0.contains("action") })
        }
    }

    @Test(arguments: Backend.available)
    func aCodeIsUsedOnceByOneVerifierAndSaysWhyOtherwise(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await LoginDecisionStoreTests().prepare(store)
            let code = InPersonCodeRecord(
                codeHash: "h1", personID: "p1", certificateSerial: "0a", disclose: ["age"], expiresAt: t0.addingTimeInterval(60),
                createdAt: t0)
            #expect(try await store.createInPersonCode(code))
            #expect(try await store.createInPersonCode(code) == false)
            #expect(try await store.useInPersonCode(codeHash: "nope", verifier: "c1", now: t0) == .unknown)
            // Ten verifiers at once: one gets it.
            let uses = try await withThrowingTaskGroup(of: InPersonCodeUse.self) { group in
                for index in 0..<10 {
                    group.addTask { try await store.useInPersonCode(codeHash: "h1", verifier: "c\(index)", now: t0) }
                }
                return try await group.reduce(into: [InPersonCodeUse]()) { $0.append($1) }
            }
            let used = uses.compactMap { use -> InPersonCodeRecord? in
                if case .used(let record) = use { return record }
                return nil
            }
            #expect(used.count == 1 && uses.filter { $0 == .alreadyUsed }.count == 9)
            #expect(used.first?.disclose == ["age"] && used.first?.personID == "p1" && used.first?.usedBy != nil)
            var late = code
            late.codeHash = "h2"
            #expect(try await store.createInPersonCode(late))
            #expect(try await store.useInPersonCode(codeHash: "h2", verifier: "c1", now: t0.addingTimeInterval(60)) == .expired)
            #expect(try await store.purgeInPersonCodes(before: t0.addingTimeInterval(61), limit: 100) == 2)
            #expect(try await store.useInPersonCode(codeHash: "h2", verifier: "c1", now: t0) == .unknown)
        }
    }
}
