import Crypto
import CyberIDCore
import CyberIDIssuance
import CyberIDKeys
public import CyberIDStore
import CyberIDVault
import Foundation

/// `cyberid dev seed` (issue 16): synthetic enrolled persons for scale measurements, made by
/// enrollment's own steps — a sealed identity record, the blind and person indexes, a random
/// network number, a certificate from the issuing CA on a fresh P-256 wallet key, the completed
/// session and the `enrollment` history line (`complete`) — in batches of one transaction each.
/// Only the document check is skipped: there is no chip. Every seeded person is an adult of the
/// ICAO test state `UTO` with a unique random personal number, so seeding twice adds more people.
extension EnrollmentService {
    /// Seeds `count` persons in transactions of `batch`, `workers` batches at a time (the
    /// cryptography of one batch runs while another is written).
    /// - Parameter progress: called after each batch with the number of persons seeded so far.
    /// - Returns: the number seeded.
    public func seed(
        count: Int, batch: Int = 500, workers: Int = 2, transactions: any TransactionalStore,
        progress: @escaping @Sendable (Int) -> Void
    ) async throws -> Int {
        let batches = stride(from: 0, to: count, by: max(1, batch)).map { min(batch, count - $0) }
        var done = 0
        try await withThrowingTaskGroup(of: Int.self) { group in
            var next = batches.makeIterator()
            for _ in 0..<max(1, workers) {
                guard let size = next.next() else { break }
                group.addTask { try await self.seedBatch(size, transactions: transactions) }
            }
            while let finished = try await group.next() {
                done += finished
                progress(done)
                if let size = next.next() { group.addTask { try await self.seedBatch(size, transactions: transactions) } }
            }
        }
        return done
    }

    /// One batch: everything computed first, then written in one transaction.
    func seedBatch(_ size: Int, transactions: any TransactionalStore) async throws -> Int {
        let time = now()
        let rows = try (0..<size).map { _ in try seedRow(at: time) }
        let store = self.store
        try await transactions.inTransaction {
            for row in rows {
                try await store.create(row.started)
                try await store.complete(row.completed, person: row.person, networkNumber: row.number, certificate: row.certificate)
            }
        }
        return size
    }

    struct SeedRow: Sendable {
        var started: EnrollmentSessionRecord
        var completed: EnrollmentSessionRecord
        var person: PersonRecord
        var number: String
        var certificate: NetworkCertificateRecord
    }

    /// One synthetic person, as `presentDocument` + `complete` would make them.
    func seedRow(at time: Date) throws -> SeedRow {
        let identity = Self.syntheticIdentity(today: today())
        let personID = SecureRandom.token()
        var session = EnrollmentSessionRecord(
            id: SecureRandom.token(), aaChallenge: Array(SecureRandom.bytes(8)), guardianID: nil, createdAt: time,
            expiresAt: time.addingTimeInterval(configuration.sessionLifetime))
        let index = blindIndex.index(identity.identityParts)
        let record = try vault.seal(identity, personID: personID)
        let person = PersonRecord(
            id: personID, state: .active, blindIndex: index, assuranceLevel: .substantial, ageBand: .adult,
            recordCiphertext: record.ciphertext, recordWrappedKey: record.wrappedKey, createdAt: time, updatedAt: time,
            personIndex: blindIndex.index(identity.personParts))
        let number = NetworkNumber.generate()
        let issued = try issuer.issue(
            publicKey: P256.Signing.PrivateKey().publicKey, number: number, level: .substantial, personID: personID,
            documentExpiry: identity.documentExpiry, now: time)
        let started = session
        session.blindIndex = index
        session.ageBand = AgeBand.adult.rawValue
        session.documentExpiry = identity.documentExpiry.description
        var completed = try Self.completed(session, answer: issued.answer)
        completed.personID = personID
        return SeedRow(
            started: started, completed: completed, person: person, number: number.canonical, certificate: issued.record)
    }

    /// An adult of the ICAO test state `UTO`: random names, birth date, sex and personal
    /// number; a passport valid five more years.
    static func syntheticIdentity(today: CalendarDate) -> IdentityRecord {
        let random = SecureRandom.bytes(12)
        let letters = random.prefix(8).map { Character(UnicodeScalar(UInt8(65) + $0 % 26)) }
        let days = Int(random[8]) << 8 | Int(random[9])
        let birth = (try? CalendarDate(year: 1950 + days % 50, month: 1 + Int(random[10]) % 12, day: 1 + Int(random[11]) % 28))
            ?? today
        let expiry = (try? CalendarDate(year: today.year + 5, month: today.month, day: min(today.day, 28))) ?? today
        return IdentityRecord(
            documentCode: "P", issuingState: "UTO", surname: "SEED" + String(letters.prefix(4)),
            givenNames: String(letters.suffix(4)), documentNumber: "S" + String(SecureRandom.token(bytes: 6).prefix(8)),
            nationality: "UTO", birthDate: birth, sex: random[0] % 2 == 0 ? "F" : "M", documentExpiry: expiry,
            personalNumber: SecureRandom.token(bytes: 9))
    }
}
