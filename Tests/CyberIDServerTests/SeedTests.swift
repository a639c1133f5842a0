import CyberIDCore
import CyberIDEnrollment
import CyberIDServices
import CyberIDStore
import CyberIDVault
import Foundation
import Synchronization
import Testing

@testable import CyberIDServer

/// `cyberid dev seed` (issue 16): synthetic persons made by enrollment's own steps, whole.
@Suite struct SeedTests {
    @Test func seededPersonsAreWholeEnrolledPersons() async throws {
        try await withTestApp { _, runtime async throws in
            let reported = Mutex<[Int]>([])
            let seeded = try await runtime.enrollment.seed(count: 25, batch: 10, workers: 2, transactions: runtime.store) {
                done in reported.withLock { $0.append(done) }
            }
            #expect(seeded == 25)
            // Progress after each batch (10, 10, 5 in whatever order they finish), ending at 25.
            #expect(reported.withLock { $0.count == 3 && $0.last == 25 && $0 == $0.sorted() })
            let ids = try await runtime.store.database.read { connection in
                try await connection.query("SELECT id FROM persons", []).map { row throws(StoreError) in try row.text("id") }
            }
            #expect(ids.count == 25)
            let vault = IdentityVault(masterKey: runtime.masterKey)
            var numbers = Set<String>()
            for id in ids {
                let person = try #require(try await runtime.store.person(id: id))
                let record = try #require(try vault.open(person))
                #expect(record.issuingState == "UTO" && record.surname.hasPrefix("SEED") && record.personalNumber != nil)
                #expect(person.state == .active && person.assuranceLevel == .substantial && person.personIndex != nil)
                let number = try #require(try await runtime.store.activeNetworkNumber(personID: id))
                numbers.insert(number)
                let certificates = try await runtime.store.networkCertificates(personID: id)
                #expect(certificates.count == 1 && certificates[0].status == .valid && certificates[0].networkNumber == number)
                let history = try await runtime.store.history(personID: id, filter: HistoryFilter(), beforeID: nil, limit: 10)
                #expect(history.map(\.event) == ["enrollment"])
            }
            #expect(numbers.count == 25)
            // Seeding again adds more people (random personal numbers: no "already enrolled").
            #expect(try await runtime.enrollment.seed(count: 3, transactions: runtime.store) { _ in } == 3)
        }
    }

    /// `cyberid dev fill`: filler persons copy a seeded person's sealed record, which is bound to
    /// that person's row: no filler's record opens, and the seeded person's still does.
    @Test func fillerRecordsDoNotOpenAsIdentities() async throws {
        try await withTestApp { _, runtime async throws in
            _ = try await runtime.enrollment.seed(count: 2, transactions: runtime.store) { _ in }
            let template = try #require(try await runtime.store.fillTemplate())
            #expect(try await runtime.store.fill(20, like: template, now: Date()) == 20)
            let persons = try await runtime.store.database.read { connection in
                try await connection.query("SELECT id FROM persons", []).map { row throws(StoreError) in try row.text("id") }
            }
            #expect(persons.count == 22)
            let vault = IdentityVault(masterKey: runtime.masterKey)
            var opened = 0
            for id in persons {
                let person = try #require(try await runtime.store.person(id: id))
                if (try? vault.open(person)) != nil { opened += 1 }
            }
            #expect(opened == 2)
            // A master-key rotation goes over the whole store: the fillers hold no wrapped key to
            // rewrap (a copy of the template's would open under the template's row only).
            let rotation = MasterKeyRotation(store: runtime.store, masterKey: runtime.masterKey)
            #expect(try await rotation.remaining() == 0)
        }
    }
}
