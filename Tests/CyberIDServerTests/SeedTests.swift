import Crypto
import CyberIDCore
@testable import CyberIDEnrollment
import CyberIDServices
import CyberIDStore
import CyberIDVault
import Foundation
import SwiftASN1
import Synchronization
import Testing
import X509

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
            // The sessions the persons were completed through are gone with their batch: a live
            // store keeps a completed session a day, and a seeded person's enrollment is long past.
            let sessions = try await runtime.store.database.read { connection in
                try await connection.first("SELECT COUNT(*) AS n FROM enrollment_sessions", [])?.integer("n")
            }
            #expect(sessions == 0)
            // Seeding again adds more people (random personal numbers: no "already enrolled").
            #expect(try await runtime.enrollment.seed(count: 3, transactions: runtime.store) { _ in } == 3)
        }
    }

    /// `--wallets-out`: the kept wallets are seeded persons' own — each key is the one its
    /// certificate is on, the certificate is the one stored for the person with that number, and
    /// the persons are spread over the batches (chosen at random, each once).
    @Test func keptWalletsArePersonsOfTheStore() async throws {
        try await withTestApp { _, runtime async throws in
            let kept = Mutex<[EnrollmentService.SeededWallet]>([])
            let seeded = try await runtime.enrollment.seed(
                count: 40, batch: 10, workers: 2, keepingWallets: 7, transactions: runtime.store, progress: { _ in }
            ) { wallets in kept.withLock { $0 += wallets } }
            #expect(seeded == 40)
            let wallets = kept.withLock { $0 }
            #expect(wallets.count == 7)
            #expect(Set(wallets.map(\.networkNumber)).count == 7)
            for wallet in wallets {
                let certificate = try Certificate(pemEncoded: wallet.certificatePEM)
                #expect(certificate.publicKey == (try Certificate.PrivateKey(pemEncoded: wallet.privateKeyPEM)).publicKey)
                #expect(certificate.notValidAfter == wallet.notAfter)
                let number = try NetworkNumber(parsing: wallet.networkNumber)
                let person = try #require(try await runtime.store.person(networkNumber: number.canonical))
                let stored = try await runtime.store.networkCertificates(personID: person.id)
                var serializer = DER.Serializer()
                try serializer.serialize(certificate)
                #expect(stored.count == 1 && stored[0].der == serializer.serializedBytes)
                #expect(stored.first?.notAfter == certificate.notValidAfter)
            }
            // Asking for more wallets than persons keeps every one of them.
            let all = Mutex(0)
            _ = try await runtime.enrollment.seed(
                count: 3, keepingWallets: 10, transactions: runtime.store, progress: { _ in }
            ) { wallets in all.withLock { $0 += wallets.count } }
            #expect(all.withLock { $0 } == 3)
        }
    }

    /// A seeded wallet's key (drawn from random bytes, not by swift-crypto's generator): each a
    /// different scalar, each signing what its public key verifies and nothing else.
    @Test func walletKeysAreFreshWorkingKeys() throws {
        let keys = (0..<64).map { _ in EnrollmentService.walletKey() }
        #expect(Set(keys.map(\.rawRepresentation)).count == 64)
        #expect(Set(keys.map(\.publicKey.x963Representation)).count == 64)
        let message = Data("seed".utf8)
        for key in keys.prefix(8) {
            let signature = try key.signature(for: message)
            #expect(key.publicKey.isValidSignature(signature, for: message))
            #expect(!keys[63].publicKey.isValidSignature(signature, for: message) || key.rawRepresentation == keys[63].rawRepresentation)
        }
    }

    /// The choice of kept persons: distinct, in range, as many as asked, and not always the same.
    @Test func keptPersonsAreChosenAtRandom() {
        let picks = (0..<20).map { _ in EnrollmentService.chosen(5, of: 1000) }
        for pick in picks {
            #expect(pick.count == 5 && Set(pick).count == 5 && pick.allSatisfy { (0..<1000).contains($0) })
        }
        #expect(Set(picks).count > 1)
        #expect(EnrollmentService.chosen(0, of: 10).isEmpty && EnrollmentService.chosen(3, of: 0).isEmpty)
        #expect(EnrollmentService.chosen(12, of: 4) == [0, 1, 2, 3])
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
