import CyberIDCore
import CyberIDStore
import Foundation
import Logging
import CyberIDTestSupport
import Testing

/// The behaviour every store backend must have. Each test runs on SQLite and, when a server is
/// configured, on PostgreSQL.
@Suite struct StoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    func person(_ id: String, blind: UInt8, state: PersonRecord.State = .active, guardian: String? = nil) -> PersonRecord {
        PersonRecord(
            id: id, state: state, blindIndex: Array(repeating: blind, count: 32), assuranceLevel: .substantial,
            ageBand: .adult, guardianID: guardian, recordCiphertext: [1, 2, 3, 0, 255], recordWrappedKey: [9, 9, 9],
            createdAt: t0, updatedAt: t0)
    }

    /// A person enrolled through the store's one way in: a completed enrollment session that
    /// writes the person, their number and a certificate in one transaction.
    func enroll(_ store: SQLStore, _ person: PersonRecord, networkNumber: String) async throws {
        var session = EnrollmentSessionRecord(
            id: "s-\(person.id)", aaChallenge: [1], guardianID: person.guardianID, createdAt: t0,
            expiresAt: t0.addingTimeInterval(600))
        try await store.create(session)
        session.state = .completed
        session.personID = person.id
        try await store.complete(
            session, person: person, networkNumber: networkNumber,
            certificate: NetworkCertificateRecord(
                serial: "c-\(person.id)", personID: person.id, networkNumber: networkNumber, der: [3],
                notAfter: t0.addingTimeInterval(1000), issuedAt: t0))
    }

    /// A transition written as the lifecycle service writes it.
    func transition(
        _ store: SQLStore, _ personID: String, _ event: LifecycleEvent, from: PersonState, to: PersonState,
        effects: TransitionEffects = TransitionEffects(), at time: Date
    ) async throws -> Bool {
        try await store.recordTransition(
            LifecycleEventRecord(
                personID: personID, event: event.rawValue, from: from, to: to, actor: "administrator", reason: "r",
                occurredAt: time),
            effects: effects,
            history: HistoryEntry(personID: personID, event: HistoryEvent(event), at: time),
            securityEvent: SecurityEventType(event))
    }

    func client(_ id: String) -> ClientRecord {
        ClientRecord(clientID: id, name: "Platform \(id)", secretHash: [7, 7], metadata: #"{"redirect_uris":[]}"#, createdAt: t0)
    }

    // MARK: migrations

    @Test(arguments: Backend.available)
    func migrationsApplyOnceAndRecordTheirVersion(_ backend: Backend) async throws {
        try await withTestDatabase(backend, migrate: false) { database async throws in
            let migrator = Migrator()
            let logger = Logger(label: "test")
            #expect(try await migrator.migrate(database, logger: logger) == Schema.migrations.map(\.version))
            #expect(try await migrator.migrate(database, logger: logger) == [])
            #expect(try await migrator.currentVersion(database) == Schema.migrations.last?.version)
        }
    }

    @Test(arguments: Backend.available)
    func refusesASchemaNewerThanThisBuild(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            _ = try await database.write { connection in
                try await connection.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                    [.integer(999), .text("future"), .integer(0)])
            }
            await #expect(throws: StoreError.migration) {
                try await Migrator().migrate(database, logger: Logger(label: "test"))
            }
        }
    }

    @Test(arguments: Backend.available)
    func aFailingMigrationRollsBackAndIsNotRecorded(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let broken = Migrator(
                migrations: Schema.migrations + [
                    Migration(version: 1000, name: "broken", statements: ["CREATE TABLE t_ok (x INTEGER)", "NOT SQL"])
                ])
            await #expect(throws: StoreError.migration) { try await broken.migrate(database, logger: Logger(label: "test")) }
            #expect(try await Migrator().currentVersion(database) == Schema.migrations.last?.version)
            // The first statement of the failed migration was rolled back with it.
            await #expect(throws: StoreError.self) {
                _ = try await database.read { try await $0.query("SELECT x FROM t_ok", []) }
            }
        }
    }

    // MARK: SQL layer

    @Test(arguments: Backend.available)
    func valuesRoundTripIncludingNullAndEmptyBytes(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let row = try await database.read { connection in
                try await connection.first(
                    "SELECT $1 AS a, $2 AS b, $3 AS c, $4 AS d, '$1 stays text' AS e",
                    [.text("naïve ☃"), .integer(Int64.max), .blob([0, 1, 254, 255]), .null])
            }
            let values = try #require(row)
            #expect(try values.text("a") == "naïve ☃")
            #expect(try values.integer("b") == Int64.max)
            #expect(try values.blob("c") == [0, 1, 254, 255])
            #expect(try values.optionalText("d") == nil)
            #expect(try values.text("e") == "$1 stays text")
        }
    }

    @Test(arguments: Backend.available)
    func aThrowingWriteRollsBackEverything(_ backend: Backend) async throws {
        struct Boom: Error {}
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            await #expect(throws: Boom.self) {
                try await database.write { connection in
                    _ = try await connection.execute(
                        "INSERT INTO clients (client_id, name, metadata, disabled, created_at) VALUES ('c1', 'n', '{}', 0, 0)", [])
                    throw Boom()
                }
            }
            #expect(try await store.client(id: "c1") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func foreignKeysAreEnforced(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            await #expect(throws: StoreError.conflict) {
                try await database.write { connection in
                    _ = try await connection.execute(
                        "INSERT INTO network_numbers (number, person_id, status, created_at) VALUES ('N', 'nobody', 'active', 0)",
                        [])
                }
            }
        }
    }

    // MARK: signing keys

    @Test(arguments: Backend.available)
    func rotationRetiresThePreviousKeyAtomically(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let first = StoredSigningKey(kid: "k1", algorithm: "ES256", publicKey: [4, 1], sealedPrivateKey: [1], createdAt: t0)
            let second = StoredSigningKey(
                kid: "k2", algorithm: "ES256", publicKey: [4, 2], sealedPrivateKey: [2], createdAt: t0.addingTimeInterval(60))
            try await store.rotate(to: first, publishRetiredUntil: t0.addingTimeInterval(100))
            try await store.rotate(to: second, publishRetiredUntil: t0.addingTimeInterval(86_460))
            let keys = try await store.signingKeys()
            #expect(keys.map(\.kid) == ["k2", "k1"])
            #expect(keys[0].retiredAt == nil)
            #expect(keys[1].retiredAt == t0.addingTimeInterval(60))
            #expect(keys[1].publishUntil == t0.addingTimeInterval(86_460))
            #expect(keys[1].sealedPrivateKey == [1])
        }
    }

    // MARK: persons and network numbers

    @Test(arguments: Backend.available)
    func personIsFoundByIdBlindIndexAndNumber(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let alice = person("p1", blind: 1)
            try await enroll(store, alice, networkNumber: "NUMBER1")
            #expect(try await store.person(id: "p1") == alice)
            #expect(try await store.livePerson(blindIndex: alice.blindIndex) == alice)
            #expect(try await store.person(networkNumber: "NUMBER1") == alice)
            #expect(try await store.activeNetworkNumber(personID: "p1") == "NUMBER1")
            #expect(try await store.person(id: "nobody") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func onePersonOneActiveIdentity(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await enroll(store, person("p1", blind: 1), networkNumber: "N1")
            // Same identity (blind index) again: refused, and nothing half-written remains.
            await #expect(throws: StoreError.conflict) { try await enroll(store, person("p2", blind: 1), networkNumber: "N2") }
            #expect(try await store.person(id: "p2") == nil)
            #expect(try await store.person(networkNumber: "N2") == nil)
            // A number is never issued twice.
            await #expect(throws: StoreError.conflict) { try await enroll(store, person("p3", blind: 3), networkNumber: "N1") }
        }
    }

    @Test(arguments: Backend.available)
    func concurrentEnrollmentsOfOneIdentityYieldExactlyOnePerson(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            let outcomes = try await withThrowingTaskGroup(of: Bool.self) { group in
                for index in 0..<12 {
                    group.addTask {
                        do {
                            try await self.enroll(store, self.person("p\(index)", blind: 42), networkNumber: "N\(index)")
                            return true
                        } catch let error as StoreError where error == .conflict {
                            return false
                        }
                    }
                }
                return try await group.reduce(into: [Bool]()) { $0.append($1) }
            }
            #expect(outcomes.filter { $0 }.count == 1)
        }
    }

    @Test(arguments: Backend.available)
    func cancellationShredsTheRecordKeyAndRetiresTheNumberForever(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await enroll(store, person("p1", blind: 1), networkNumber: "N1")
            #expect(
                try await transition(
                    store, "p1", .cancel, from: .active, to: .cancelled,
                    effects: TransitionEffects(actions: [.shredRecord, .retireNumber, .revokeCertificates]),
                    at: t0.addingTimeInterval(5)))
            let cancelled = try #require(try await store.person(id: "p1"))
            #expect(cancelled.state == .cancelled)
            #expect(cancelled.recordWrappedKey == nil)
            #expect(cancelled.recordCiphertext == [1, 2, 3, 0, 255])
            #expect(try await store.person(networkNumber: "N1") == nil)
            #expect(try await store.livePerson(blindIndex: Array(repeating: 1, count: 32)) == nil)
            // The same person may enroll again, with a new number; the old one stays burnt.
            try await enroll(store, person("p2", blind: 1), networkNumber: "N2")
            await #expect(throws: StoreError.conflict) { try await enroll(store, person("p3", blind: 3), networkNumber: "N1") }
            #expect(try await store.networkCertificates(personID: "p1").map(\.status) == [.revoked])
            #expect(try await !transition(store, "ghost", .cancel, from: .active, to: .cancelled, at: t0))
        }
    }

    @Test(arguments: Backend.available)
    func stateChangesAreStored(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await enroll(store, person("g", blind: 7), networkNumber: "NG")
            try await enroll(store, person("kid", blind: 8, guardian: "g"), networkNumber: "NK")
            #expect(try await transition(store, "kid", .suspend, from: .active, to: .suspended, at: t0.addingTimeInterval(9)))
            let kid = try #require(try await store.person(id: "kid"))
            #expect(kid.state == .suspended)
            #expect(kid.guardianID == "g")
            #expect(kid.updatedAt == t0.addingTimeInterval(9))
            #expect(try await !transition(store, "ghost", .resume, from: .suspended, to: .active, at: t0))
        }
    }

    // MARK: clients

    @Test(arguments: Backend.available)
    func clientsAreRegisteredListedAndDisabled(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await store.create(client("a"))
            try await store.create(client("b"))
            await #expect(throws: StoreError.conflict) { try await store.create(client("a")) }
            #expect(try await store.clients().map(\.clientID) == ["a", "b"])
            try await store.setDisabled(clientID: "a", true)
            #expect(try await store.client(id: "a")?.disabled == true)
            #expect(try await store.client(id: "b")?.disabled == false)
            await #expect(throws: StoreError.notFound) { try await store.setDisabled(clientID: "zz", true) }
        }
    }

    // MARK: history

    @Test(arguments: Backend.available)
    func historyIsAppendedAndListedNewestFirst(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await enroll(store, person("p1", blind: 1), networkNumber: "N1")
            try await enroll(store, person("p2", blind: 2), networkNumber: "N2")
            var ids = [Int64]()
            for index in 0..<5 {
                let entry = try await store.append(
                    HistoryEntry(
                        personID: "p1", clientID: index % 2 == 0 ? "rp" : nil, event: "login", outcome: "success",
                        detail: #"{"claims":["age_over_18"]}"#, occurredAt: t0.addingTimeInterval(Double(index))))
                ids.append(try #require(entry.id))
            }
            try await store.append(HistoryEntry(personID: "p2", clientID: nil, event: "suspend", outcome: "success", occurredAt: t0))
            #expect(ids == ids.sorted() && Set(ids).count == 5)
            let recent = try await store.history(personID: "p1", limit: 3)
            #expect(recent.map(\.occurredAt) == [4, 3, 2].map { t0.addingTimeInterval($0) })
            #expect(recent.first?.clientID == "rp")
            #expect(try await store.history(personID: "p2", limit: 10).map(\.event).filter { $0 != "enrollment" } == ["suspend"])
        }
    }
}

@Suite struct EnrollmentStoreContractTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    @Test(arguments: Backend.available)
    func sessionUpdatesAreCompareAndSetAndExpiredOnesArePurged(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            var session = EnrollmentSessionRecord(
                id: "s1", aaChallenge: [1, 2, 3], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
            try await store.create(session)
            var loaded = try #require(try await store.enrollmentSession(id: "s1"))
            #expect(loaded == session)
            loaded.state = .documentVerified
            loaded.sealedIdentity = [9, 9]
            #expect(try await store.update(loaded))
            // A second writer holding the old version loses.
            session.state = .phoneCodeSent
            #expect(try await !store.update(session))
            let current = try #require(try await store.enrollmentSession(id: "s1"))
            #expect(current.state == .documentVerified && current.version == 1 && current.sealedIdentity == [9, 9])

            var done = EnrollmentSessionRecord(
                id: "s2", aaChallenge: [4], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
            done.state = .completed
            try await store.create(done)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: t0.addingTimeInterval(601), limit: 10) == 1)
            #expect(try await store.enrollmentSession(id: "s1") == nil)
            #expect(try await store.enrollmentSession(id: "s2") != nil)
            #expect(try await store.purgeExpiredEnrollmentSessions(before: t0.addingTimeInterval(600 + 86_401), limit: 10) == 1)
        }
    }

    @Test(arguments: Backend.available)
    func completionIsAllOrNothing(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            var session = EnrollmentSessionRecord(
                id: "s1", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
            try await store.create(session)
            let person = PersonRecord(
                id: "p1", state: .active, blindIndex: [7], assuranceLevel: .substantial, ageBand: .adult,
                recordCiphertext: [1], recordWrappedKey: [2], createdAt: t0, updatedAt: t0)
            let certificate = NetworkCertificateRecord(
                serial: "01", personID: "p1", networkNumber: "N1", der: [3], notAfter: t0.addingTimeInterval(1000), issuedAt: t0)
            session.state = .completed
            session.personID = "p1"
            try await store.complete(session, person: person, networkNumber: "N1", certificate: certificate)
            #expect(try await store.networkCertificate(serial: "01")?.personID == "p1")
            #expect(try await store.enrollmentSession(id: "s1")?.state == .completed)
            // A stale session version rolls the whole completion back, person included.
            var other = EnrollmentSessionRecord(
                id: "s2", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
            try await store.create(other)
            other.version = 5
            var second = person
            second.id = "p2"
            second.blindIndex = [8]
            await #expect(throws: StoreError.conflict) {
                try await store.complete(
                    other, person: second, networkNumber: "N2",
                    certificate: NetworkCertificateRecord(
                        serial: "02", personID: "p2", networkNumber: "N2", der: [3], notAfter: t0, issuedAt: t0))
            }
            #expect(try await store.person(id: "p2") == nil)
            #expect(try await store.networkCertificate(serial: "02") == nil)
        }
    }
}
