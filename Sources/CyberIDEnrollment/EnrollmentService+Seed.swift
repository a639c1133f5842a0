import Crypto
import CyberIDCore
import CyberIDIssuance
import CyberIDKeys
public import CyberIDStore
import CyberIDVault
public import Foundation
import X509

/// `cyberid dev seed` (issue 16): synthetic enrolled persons for scale measurements, made by
/// enrollment's own steps — a sealed identity record, the blind and person indexes, a random
/// network number, a certificate from the issuing CA on a fresh P-256 wallet key and the
/// `enrollment` history line (`complete`) — in batches of one transaction each. Only the document
/// check is skipped: there is no chip. The enrollment session each person is completed through
/// is deleted in the same transaction: a seeded person stands for an enrollment long past, and a
/// live store keeps a completed session only a day (until 2026-12-06 the seed left them all: 4 KB
/// a person, two thirds of a seeded store, and one DELETE of all of them a day later). Every seeded person is an adult of the
/// ICAO test state `UTO` with a unique random personal number, so seeding twice adds more people.
///
/// A seeded person's wallet key is thrown away, unless the person is among the `keepingWallets`
/// chosen at random: their keys and certificates come back, so that a load generator can log in
/// as persons spread over the whole store (`cyberid dev seed --wallets-out`, `bench login
/// --wallet-file`) rather than as a few freshly enrolled ones whose rows are always hot.
extension EnrollmentService {
    /// A seeded person's wallet: the key and what enrollment would have answered the wallet.
    public struct SeededWallet: Sendable {
        /// The wallet key the certificate is on, PKCS#8 PEM.
        public let privateKeyPEM: String
        /// The network certificate, PEM.
        public let certificatePEM: String
        /// The issuing and root CA certificates, PEM.
        public let chainPEM: String
        /// The person's network number, formatted.
        public let networkNumber: String
        /// The enrollment's assurance level.
        public let assuranceLevel: String
        /// The certificate's `notAfter`.
        public let notAfter: Date
    }

    /// Seeds `count` persons in transactions of `batch`, `workers` batches at a time (the
    /// cryptography of one batch runs while another is written).
    /// - Parameters:
    ///   - keepingWallets: how many of the persons, chosen uniformly at random, keep their wallets.
    ///   - progress: called after each batch with the number of persons seeded so far.
    ///   - kept: called after each batch's commit with the kept wallets of that batch (never for
    ///     a person whose transaction did not commit).
    /// - Returns: the number seeded.
    public func seed(
        count: Int, batch: Int = 500, workers: Int = 2, keepingWallets: Int = 0, transactions: any TransactionalStore,
        progress: @escaping @Sendable (Int) -> Void, kept: @escaping @Sendable ([SeededWallet]) -> Void = { _ in }
    ) async throws -> Int {
        let step = max(1, batch)
        let keep = Self.chosen(keepingWallets, of: count)
        let batches = stride(from: 0, to: count, by: step).map { start in
            (start: start, size: min(step, count - start))
        }
        var done = 0
        try await withThrowingTaskGroup(of: (Int, [SeededWallet]).self) { group in
            var next = batches.makeIterator()
            func add(_ part: (start: Int, size: Int)) {
                let kept = keep.filter { $0 >= part.start && $0 < part.start + part.size }.map { $0 - part.start }
                group.addTask { try await self.seedBatch(part.size, keeping: Set(kept), transactions: transactions) }
            }
            for _ in 0..<max(1, workers) {
                guard let part = next.next() else { break }
                add(part)
            }
            while let (finished, wallets) = try await group.next() {
                done += finished
                if !wallets.isEmpty { kept(wallets) }
                progress(done)
                if let part = next.next() { add(part) }
            }
        }
        return done
    }

    /// `wanted` distinct indices of `0..<count` chosen uniformly at random (all of them when
    /// `wanted >= count`), sorted.
    static func chosen(_ wanted: Int, of count: Int) -> [Int] {
        guard wanted > 0, count > 0 else { return [] }
        guard wanted < count else { return Array(0..<count) }
        var picked = Set<Int>()
        picked.reserveCapacity(wanted)
        // Floyd's algorithm: exactly `wanted` draws, each index equally likely.
        for upper in (count - wanted)..<count {
            let draw = Int.random(in: 0...upper)
            picked.insert(picked.contains(draw) ? upper : draw)
        }
        return picked.sorted()
    }

    /// One batch: everything computed first, then written in one transaction; the wallets of the
    /// persons at the `keeping` offsets come back.
    func seedBatch(
        _ size: Int, keeping: Set<Int> = [], transactions: any TransactionalStore
    ) async throws -> (Int, [SeededWallet]) {
        let time = now()
        let rows = try (0..<size).map { try seedRow(at: time, keepingWallet: keeping.contains($0)) }
        let store = self.store
        try await transactions.inTransaction {
            for row in rows {
                try await store.create(row.started)
                try await store.complete(row.completed, person: row.person, networkNumber: row.number, certificate: row.certificate)
            }
            _ = try await store.deleteEnrollmentSessions(ids: rows.map(\.started.id))
        }
        return (size, rows.compactMap(\.wallet))
    }

    struct SeedRow: Sendable {
        var started: EnrollmentSessionRecord
        var completed: EnrollmentSessionRecord
        var person: PersonRecord
        var number: String
        var certificate: NetworkCertificateRecord
        var wallet: SeededWallet?
    }

    /// One synthetic person, as `presentDocument` + `complete` would make them.
    func seedRow(at time: Date, keepingWallet: Bool = false) throws -> SeedRow {
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
            personIndex: blindIndex.index(identity.personParts), nationalIndex: identity.nationalParts.map(blindIndex.index))
        let number = NetworkNumber.generate()
        let key = Self.walletKey()
        let issued = try issuer.issue(
            publicKey: key.publicKey, number: number, level: .substantial, personID: personID,
            documentExpiry: identity.documentExpiry, now: time)
        let started = session
        session.blindIndex = index
        session.ageBand = AgeBand.adult.rawValue
        session.documentExpiry = identity.documentExpiry.description
        var completed = try Self.completed(session, answer: issued.answer)
        completed.personID = personID
        let wallet =
            keepingWallet
            ? SeededWallet(
                privateKeyPEM: key.pemRepresentation, certificatePEM: issued.answer.certificate, chainPEM: issued.answer.chain,
                networkNumber: issued.answer.networkNumber, assuranceLevel: issued.answer.assuranceLevel,
                notAfter: issued.certificate.notValidAfter) : nil
        return SeedRow(
            started: started, completed: completed, person: person, number: number.canonical, certificate: issued.record,
            wallet: wallet)
    }

    /// A seeded person's wallet key — made by the wallet on the phone, never by the service, so
    /// its cost here is the seed's alone: a scalar from 32 random bytes (drawn again in the
    /// 2⁻³² case that it is not below the group order), without swift-crypto's generation path,
    /// whose compact-representable retries and FIPS pairwise self-test (a signature and its
    /// verification) cost more than the certificate's own signature.
    static func walletKey() -> P256.Signing.PrivateKey {
        while true {
            if let key = try? P256.Signing.PrivateKey(rawRepresentation: SecureRandom.bytes(32)) { return key }
        }
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
