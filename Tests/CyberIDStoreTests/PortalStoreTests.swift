import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// The portal's storage (issue 14): web sessions and the holder's views, on SQLite and
/// PostgreSQL.
@Suite struct PortalStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func session(_ hash: UInt8, person: String = "p1", audience: String = "portal") -> WebSessionRecord {
        WebSessionRecord(
            tokenHash: [UInt8](repeating: hash, count: 32), audience: audience, personID: person, level: .substantial,
            authTime: t0, createdAt: t0, lastSeenAt: t0, idleExpiresAt: t0 + 900, absoluteExpiresAt: t0 + 28_800)
    }

    /// p1 (from the login-decision tests) and p2, a minor whose guardian is p1.
    func prepare(_ store: SQLStore) async throws {
        try await LoginDecisionStoreTests().prepare(store)
        var ward = EnrollmentSessionRecord(
            id: "s2", aaChallenge: [1], guardianID: "p1", createdAt: t0, expiresAt: t0.addingTimeInterval(600))
        try await store.create(ward)
        ward.state = .completed
        ward.personID = "p2"
        try await store.complete(
            ward,
            person: PersonRecord(
                id: "p2", state: .active, blindIndex: [8], assuranceLevel: .substantial, ageBand: .under14,
                guardianID: "p1", recordCiphertext: [1], recordWrappedKey: [2], createdAt: t0 + 5, updatedAt: t0 + 5),
            networkNumber: "N2",
            certificate: NetworkCertificateRecord(
                serial: "0b", personID: "p2", networkNumber: "N2", der: [3], notAfter: t0.addingTimeInterval(1000),
                issuedAt: t0))
    }

    @Test(arguments: Backend.available)
    func aSessionIsReadWithItsPersonsStateAndEndsOneByOneOrPerPerson(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            for record in [session(1), session(2), session(3, person: "p2"), session(4, audience: "console")] {
                try await store.createWebSession(record)
            }
            let read = try #require(try await store.webSession(tokenHash: session(1).tokenHash))
            #expect(read.session == session(1) && read.state == .active)
            #expect(try await store.webSession(tokenHash: [UInt8](repeating: 9, count: 32)) == nil)
            try await store.touchWebSession(tokenHash: session(1).tokenHash, lastSeenAt: t0 + 60, idleExpiresAt: t0 + 960)
            #expect(try await store.webSession(tokenHash: session(1).tokenHash)?.session.idleExpiresAt == t0 + 960)
            // "Sign out everywhere" ends this person's portal sessions only.
            #expect(try await store.deleteWebSessions(personID: "p1", audience: "portal") == 2)
            #expect(try await store.webSession(tokenHash: session(1).tokenHash) == nil)
            #expect(try await store.webSession(tokenHash: session(3).tokenHash) != nil)
            #expect(try await store.webSession(tokenHash: session(4).tokenHash) != nil)
            try await store.deleteWebSession(tokenHash: session(3).tokenHash)
            #expect(try await store.webSession(tokenHash: session(3).tokenHash) == nil)
            // A revoked certificate's device may hold a signed-in browser: its sessions end.
            try await store.createWebSession(session(5))
            #expect(try await store.revokeCertificate(serial: "0a", at: t0, history: nil))
            #expect(try await store.webSession(tokenHash: session(5).tokenHash) == nil)
            #expect(try await store.webSession(tokenHash: session(4).tokenHash) == nil)
            try await store.createWebSession(session(6, person: "p2", audience: "console"))
            // Purging removes what is past its idle expiry.
            #expect(try await store.purgeWebSessions(before: t0 + 899) == 0)
            #expect(try await store.purgeWebSessions(before: t0 + 901) == 1)
            #expect(try await store.webSession(tokenHash: session(6).tokenHash) == nil)
        }
    }

    @Test(arguments: Backend.available)
    func theHistoryStartsWithTheEnrollmentAndPagesByFilterAndCursor(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let enrollment = try await store.history(personID: "p1", limit: 10)
            #expect(enrollment.map(\.event) == ["enrollment"] && enrollment.first?.occurredAt == t0)
            for minute in 1...30 {
                let client = minute % 3 == 0 ? "c2" : "c1"
                try await store.append(
                    HistoryEntry(
                        personID: "p1", clientID: client, event: minute % 5 == 0 ? "suspend" : "login", outcome: "success",
                        occurredAt: t0 + Double(minute * 60)))
            }
            // Three pages of ten, newest first, by cursor; nothing repeated or lost.
            var seen = [Int64]()
            var cursor: Int64?
            repeat {
                let page = try await store.history(personID: "p1", filter: HistoryFilter(), beforeID: cursor, limit: 10)
                seen += page.compactMap(\.id)
                cursor = page.count == 10 ? page.last?.id : nil
            } while cursor != nil
            #expect(seen.count == 31 && Set(seen).count == 31)
            let all = try await store.history(personID: "p1", limit: 100).compactMap(\.id)
            #expect(seen == all)
            let c2Logins = try await store.history(
                personID: "p1", filter: HistoryFilter(clientID: "c2", event: "login"), beforeID: nil, limit: 100)
            #expect(c2Logins.count == 8 && c2Logins.allSatisfy { $0.clientID == "c2" && $0.event == "login" })
            let window = try await store.history(
                personID: "p1", filter: HistoryFilter(from: t0 + 600, until: t0 + 1200), beforeID: nil, limit: 100)
            #expect(window.map(\.occurredAt) == (10..<20).reversed().map { t0 + Double($0 * 60) })
            #expect(try await store.history(personID: "p2", filter: HistoryFilter(), beforeID: nil, limit: 100).count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func theHolderSeesPlatformsPairwiseSubjectsRestrictionsAndWards(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let decisions = LoginDecisionStoreTests()
            #expect(try await store.recordDecision(decisions.decision("t1"), history: decisions.entry("success"), consent: nil, subject: "sub-1"))
            var later = decisions.entry("success")
            later.occurredAt = t0 + 100
            #expect(try await store.recordDecision(decisions.decision("t2"), history: later, consent: nil, subject: "sub-1"))
            #expect(try await store.recordDecision(decisions.decision("t3"), history: decisions.entry("denied"), consent: nil))
            #expect(try await store.pairwiseSubjects(personID: "p1") == ["c1": "sub-1"])
            #expect(try await store.platformUse(personID: "p1") == [PlatformUseRecord(clientID: "c1", first: t0, last: t0 + 100, count: 2)])
            _ = try await store.restrict(
                clientID: "c1", subject: "sub-1", reason: "check again", history: { _ in decisions.entry("success") }, at: t0)
            #expect(try await store.restrictions(personID: "p1") == [RestrictionRecord(clientID: "c1", reason: "check again", createdAt: t0)])
            #expect(try await store.wards(guardianID: "p1") == [WardRecord(personID: "p2", networkNumber: "N2", state: .active)])
            #expect(try await store.wards(guardianID: "p2") == [])
        }
    }

    @Test(arguments: Backend.available)
    func aFirstPartyClientIsCreatedThenUpdatedInPlace(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await store.saveClient(ClientRecord(clientID: "cyberid-x", name: "A", secretHash: nil, metadata: "{}", createdAt: t0))
            try await store.saveClient(
                ClientRecord(clientID: "cyberid-x", name: "B", secretHash: nil, metadata: #"{"a":1}"#, createdAt: t0 + 5))
            let saved = try #require(try await store.client(id: "cyberid-x"))
            #expect(saved.name == "B" && saved.metadata == #"{"a":1}"# && saved.createdAt == t0)
            #expect(try await store.clients().count == 1)
        }
    }
}
