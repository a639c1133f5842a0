import CyberIDCore
import CyberIDStore
import CyberIDTestSupport
import Foundation
import Testing

/// `cyberid dev fill` (issue 16): filler persons have a seeded person's rows under fresh keys, on
/// SQLite and PostgreSQL, and leave the store's own writes working.
@Suite struct FillStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)
    let number = "ABCDEFGHJK0123456"
    let serial = String(repeating: "ab", count: 20)

    func count(_ store: SQLStore, _ sql: String) async throws -> Int64 {
        try await store.database.read { connection in try await connection.first(sql)!.integer("n") }
    }

    /// A person enrolled through the store's one way in (a completed session writing the person,
    /// their number, a certificate and the enrollment line in one transaction).
    func enroll(_ store: SQLStore, _ person: PersonRecord, number: String, serial: String, der: [UInt8]) async throws {
        var session = EnrollmentSessionRecord(
            id: "s-\(person.id)", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
        try await store.create(session)
        session.state = .completed
        session.personID = person.id
        try await store.complete(
            session, person: person, networkNumber: number,
            certificate: NetworkCertificateRecord(
                serial: serial, personID: person.id, networkNumber: number, der: der,
                notAfter: t0.addingTimeInterval(1000), issuedAt: t0))
    }

    /// The template: an enrolled adult with keys of real lengths.
    func enrollTemplate(_ store: SQLStore) async throws -> PersonRecord {
        let person = PersonRecord(
            id: "tmpl-person-0000000000", state: .active, blindIndex: Array(repeating: 7, count: 32),
            assuranceLevel: .substantial, ageBand: .adult, guardianID: nil, recordCiphertext: Array(repeating: 5, count: 600),
            recordWrappedKey: [9, 9, 9], createdAt: t0, updatedAt: t0, personIndex: Array(repeating: 8, count: 32))
        try await enroll(store, person, number: number, serial: serial, der: Array(repeating: 3, count: 500))
        return person
    }

    @Test(arguments: Backend.available)
    func fillerPersonsHaveASeededPersonsRowsUnderFreshKeys(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            #expect(try await store.fillTemplate() == nil)
            let template = try await enrollTemplate(store)
            let shape = try #require(try await store.fillTemplate())
            #expect(try await store.fill(200, like: shape, now: t0) == 200)
            #expect(try await store.fill(100, like: shape, now: t0) == 100)

            for table in ["persons", "network_numbers", "network_certificates"] {
                #expect(try await count(store, "SELECT COUNT(*) AS n FROM \(table)") == 301)
            }
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM history WHERE event = 'enrollment'") == 301)
            #expect(try await count(store, "SELECT COUNT(DISTINCT blind_index) AS n FROM persons") == 301)
            #expect(try await count(store, "SELECT COUNT(DISTINCT person_index) AS n FROM persons") == 301)
            #expect(try await count(store, "SELECT COUNT(DISTINCT network_number) AS n FROM network_certificates") == 301)
            let fillers = try await store.database.read { connection in
                try await connection.query(
                    """
                    SELECT p.id, n.number, c.serial, p.created_at, c.der FROM persons p
                    JOIN network_numbers n ON n.person_id = p.id JOIN network_certificates c ON c.person_id = p.id
                    WHERE p.id <> $1
                    """, [.text(template.id)]
                ).map { row throws(StoreError) in
                    (try row.text("id"), try row.text("number"), try row.text("serial"), try row.integer("created_at"),
                     try row.blob("der"))
                }
            }
            #expect(fillers.count == 300)
            for (id, filler, certificate, created, der) in fillers {
                #expect(id.utf8.count == template.id.utf8.count && filler.utf8.count == number.utf8.count)
                #expect(certificate.utf8.count == serial.utf8.count && filler != number && certificate != serial)
                // No filler number parses (`U` is not a Crockford symbol).
                #expect(filler.hasSuffix("U") && (try? NetworkNumber(parsing: filler)) == nil)
                #expect(der == Array(repeating: 3, count: 500))
                // Spread over the five years before `now`.
                let age = t0.timeIntervalSince(Date(timeIntervalSince1970: Double(created) / 1000))
                #expect(age >= 0 && age <= 5 * 365 * 86_400)
            }
            // The store reads them as it reads anyone: by number, with their certificate and history.
            let (id, filler, _, _, _) = fillers[0]
            let person = try #require(try await store.person(networkNumber: filler))
            #expect(person.id == id && person.state == .active && person.recordCiphertext == template.recordCiphertext)
            // The wrapped key is not copied: it opens under the template's row only.
            #expect(person.recordWrappedKey == nil)
            #expect(person.blindIndex.count == 32 && person.blindIndex != template.blindIndex)
            #expect(try await store.networkCertificates(personID: id).count == 1)
            #expect(try await store.history(personID: id, filter: HistoryFilter(), beforeID: nil, limit: 5).map(\.event) == ["enrollment"])
            // Spread creation times: not all one instant.
            #expect(Set(fillers.map(\.3)).count > 250)
            // The store's own writes go on after a fill.
            var next = template
            next.id = "after-fill-person-0000"
            next.blindIndex = Array(repeating: 1, count: 32)
            try await enroll(store, next, number: "ZZZZZZZZZZZZZZZZZ", serial: "cd", der: [3])
            #expect(try await count(store, "SELECT COUNT(*) AS n FROM persons") == 302)
        }
    }
}
