import CyberIDCore
import CyberIDStore
import Foundation
import CyberIDTestSupport
import Testing

/// The login's single-use facts, on SQLite and PostgreSQL.
@Suite struct LoginDecisionStoreTests {
    let t0 = Date(timeIntervalSince1970: 1_800_000_000)

    /// A person with a network certificate, and a client.
    func prepare(_ store: SQLStore) async throws {
        var session = EnrollmentSessionRecord(
            id: "s1", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600))
        try await store.create(session)
        session.state = .completed
        session.personID = "p1"
        try await store.complete(
            session,
            person: PersonRecord(
                id: "p1", state: .active, blindIndex: [7], assuranceLevel: .substantial, ageBand: .adult,
                recordCiphertext: [1], recordWrappedKey: [2], createdAt: t0, updatedAt: t0),
            networkNumber: "N1",
            certificate: NetworkCertificateRecord(
                serial: "0a", personID: "p1", networkNumber: "N1", der: [3], notAfter: t0.addingTimeInterval(1000),
                issuedAt: t0))
        try await store.create(ClientRecord(clientID: "c1", name: "Shop", secretHash: nil, metadata: "{}", createdAt: t0))
    }

    func decision(_ id: String, _ status: LoginTransactionRecord.Status = .approved) -> LoginTransactionRecord {
        LoginTransactionRecord(
            id: id, clientID: "c1", status: status, personID: "p1", payload: #"{"sub":"x"}"#, createdAt: t0,
            expiresAt: t0.addingTimeInterval(360))
    }

    func entry(_ outcome: String) -> HistoryEntry {
        HistoryEntry(personID: "p1", clientID: "c1", event: "login", outcome: outcome, occurredAt: t0)
    }

    @Test(arguments: Backend.available)
    func aDecidedTransactionIsReadUntilItExpiresAndThenPurged(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            #expect(try await store.recordDecision(decision("t1"), history: entry("success"), consent: nil))
            var late = decision("t2", .denied)
            late.expiresAt = t0.addingTimeInterval(60)
            #expect(try await store.recordDecision(late, history: entry("denied"), consent: nil))
            #expect(try await store.transaction(id: "t1") == decision("t1"))
            #expect(try await store.transaction(id: "t2")?.status == .denied)
            #expect(try await store.purgeExpired(before: t0.addingTimeInterval(61), limit: 10) == 1)
            #expect(try await store.transaction(id: "t2") == nil)
            #expect(try await store.transaction(id: "t1") != nil)
        }
    }

    @Test(arguments: Backend.available)
    func aPurgeDeletesItsLimitOfTheOldestAndTheirTies(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            for (id, seconds) in [("t3", 30.0), ("t1", 10), ("live", 600), ("t2", 20), ("t4", 30)] {
                var record = decision(id)
                record.expiresAt = t0.addingTimeInterval(seconds)
                #expect(try await store.recordDecision(record, history: entry("success"), consent: nil))
            }
            let cutoff = t0.addingTimeInterval(60)
            #expect(try await store.purgeExpired(before: cutoff, limit: 2) == 2)
            #expect(try await store.transaction(id: "t1") == nil)
            #expect(try await store.transaction(id: "t2") == nil)
            #expect(try await store.transaction(id: "t3") != nil)
            #expect(try await store.purgeExpired(before: cutoff, limit: 0) == 0)
            // t3 and t4 expire in the same millisecond: one batch takes both.
            #expect(try await store.purgeExpired(before: cutoff, limit: 1) == 2)
            #expect(try await store.transaction(id: "t3") == nil)
            #expect(try await store.transaction(id: "t4") == nil)
            #expect(try await store.purgeExpired(before: cutoff, limit: 2) == 0)
            #expect(try await store.transaction(id: "live") != nil)
        }
    }

    @Test(arguments: Backend.available)
    func aTransactionIsDecidedOnceAndCompletedOnce(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let holder = try #require(try await store.loginHolder(certificateSerial: "0a", clientID: "c1"))
            #expect(holder.personID == "p1" && holder.networkNumber == "N1" && holder.personState == .active)
            #expect(holder.certificateStatus == .valid && holder.assuranceLevel == .substantial && holder.consentedClaims.isEmpty)
            #expect(try await store.loginHolder(certificateSerial: "ff", clientID: "c1") == nil)

            let consent = ConsentRecord(personID: "p1", clientID: "c1", claims: ["age_over_18"], grantedAt: t0)
            #expect(try await store.recordDecision(decision("t1"), history: entry("success"), consent: consent))
            // The second decision on the same transaction writes nothing, history included.
            #expect(try await !store.recordDecision(decision("t1", .denied), history: entry("denied"), consent: nil))
            // (The first line of every history is the enrollment itself.)
            #expect(try await store.history(personID: "p1", limit: 10).map(\.event) == ["login", "enrollment"])
            #expect(try await store.transaction(id: "t1")?.status == .approved)
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.consentedClaims == ["age_over_18"])

            // Only the right client completes it, once; a replay then revokes it.
            #expect(try await store.completeLogin(id: "t1", clientID: "other") == nil)
            #expect(try await store.completeLogin(id: "t1", clientID: "c1")?.payload == #"{"sub":"x"}"#)
            #expect(try await store.completeLogin(id: "t1", clientID: "c1") == nil)
            #expect(try await store.revokeLogin(id: "t1"))
            #expect(try await store.transaction(id: "t1")?.status == .revoked)
            #expect(try await !store.revokeLogin(id: "t1"))
            // A denied transaction never completes.
            #expect(try await store.recordDecision(decision("t2", .denied), history: entry("denied"), consent: nil))
            #expect(try await store.completeLogin(id: "t2", clientID: "c1") == nil)
        }
    }

    @Test(arguments: Backend.available)
    func consentsUpsertAndWithdraw(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let first = ConsentRecord(personID: "p1", clientID: "c1", claims: ["age_over_14"], grantedAt: t0)
            #expect(try await store.recordDecision(decision("t1"), history: entry("success"), consent: first))
            let second = ConsentRecord(
                personID: "p1", clientID: "c1", claims: ["age_over_14", "name"], grantedAt: t0.addingTimeInterval(5))
            #expect(try await store.recordDecision(decision("t2"), history: entry("success"), consent: second))
            let stored = try await store.consents(personID: "p1")
            #expect(stored == [second])
            #expect(try await store.withdrawConsent(personID: "p1", clientID: "c1"))
            #expect(try await !store.withdrawConsent(personID: "p1", clientID: "c1"))
            #expect(try await store.consents(personID: "p1").isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func assertionIdentifiersAreSingleUseUntilTheyExpire(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            #expect(try await store.useClientAssertion(clientID: "c1", jti: "j", expiresAt: t0.addingTimeInterval(60)))
            #expect(try await !store.useClientAssertion(clientID: "c1", jti: "j", expiresAt: t0.addingTimeInterval(60)))
            #expect(try await store.useClientAssertion(clientID: "c2", jti: "j", expiresAt: t0.addingTimeInterval(60)))
            #expect(try await store.purgeClientAssertions(before: t0.addingTimeInterval(61), limit: 100) == 2)
            #expect(try await store.useClientAssertion(clientID: "c1", jti: "j", expiresAt: t0.addingTimeInterval(120)))
        }
    }

    /// The code exchange's check: the certificate's status and its holder's state, read as the
    /// login's holder read has them.
    @Test(arguments: Backend.available)
    func theCertificateHolderIsTheLoginHoldersCore(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            let state = try #require(try await store.certificateHolder(serial: "0a"))
            let holder = try #require(try await store.loginHolder(certificateSerial: "0a", clientID: "c1"))
            #expect(state == CertificateHolderState(certificateStatus: .valid, personID: "p1", personState: .active))
            #expect(state.certificateStatus == holder.certificateStatus && state.personState == holder.personState)
            #expect(try await store.certificateHolder(serial: "ff") == nil)
            _ = try await store.recordTransition(
                LifecycleEventRecord(personID: "p1", event: "suspend", from: .active, to: .suspended, actor: "administrator", reason: "r", occurredAt: t0),
                effects: TransitionEffects(suspendedBy: "administrator"), history: entry("success"), securityEvent: nil)
            #expect(try await store.certificateHolder(serial: "0a")?.personState == .suspended)
        }
    }

    /// Which of many logins are decided (what the pages held on a node wait for): read in
    /// statements of a hundred ids, the last padded; unknown ids (logins nobody decided yet) are
    /// not.
    @Test(arguments: Backend.available)
    func decidedTransactionsAreReadInBatches(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            #expect(try await store.decidedTransactions(among: []) == [])
            var decided = Set<String>()
            for index in stride(from: 0, to: 250, by: 37) {
                let status: LoginTransactionRecord.Status = index % 2 == 0 ? .approved : .denied
                #expect(try await store.recordDecision(
                    decision("t\(index)", status), history: entry("success"), consent: nil, subject: "sub-\(index)", reverification: nil))
                decided.insert("t\(index)")
            }
            let ids = (0..<250).map { "t\($0)" }
            #expect(try await store.decidedTransactions(among: ids) == decided)
            #expect(try await store.decidedTransactions(among: ["t37", "t37", "nobody"]) == ["t37"])
        }
    }

    /// The holder read tells which pairwise subject the asking client already has for the
    /// person (the least of several), so a repeat login need not write it again.
    @Test(arguments: Backend.available)
    func theHolderCarriesTheClientsKnownSubject(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            try await store.create(ClientRecord(clientID: "c2", name: "Other", secretHash: nil, metadata: "{}", createdAt: t0))
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.knownSubject == nil)
            #expect(try await store.recordDecision(decision("t1"), history: entry("success"), consent: nil, subject: "sub-m", reverification: nil))
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.knownSubject == "sub-m")
            // Another client's subject is not this client's.
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c2")?.knownSubject == nil)
            // A second subject (after a new network number): the least of the two.
            #expect(try await store.recordDecision(decision("t2"), history: entry("success"), consent: nil, subject: "sub-a", reverification: nil))
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.knownSubject == "sub-a")
            // Both subjects still name the person (nothing was replaced).
            for subject in ["sub-m", "sub-a"] {
                let person = try await store.restrict(
                    clientID: "c1", subject: subject, reason: "r", history: { _ in entry("success") }, at: t0)
                #expect(person == "p1")
            }
        }
    }

    @Test(arguments: Backend.available)
    func securityEventsAreQueuedWithTheChangeAndLeasedOnce(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            // The platform learns the person's pairwise subject with an approved login.
            #expect(try await store.recordDecision(decision("t1"), history: entry("success"), consent: nil, subject: "sub-1", reverification: nil))
            let changed = try await store.recordTransition(
                LifecycleEventRecord(personID: "p1", event: "suspend", from: .active, to: .suspended, actor: "administrator", reason: "r", occurredAt: t0),
                effects: TransitionEffects(suspendedBy: "administrator"), history: entry("success"), securityEvent: .suspended)
            #expect(changed)
            // A transition that does not apply queues nothing.
            #expect(try await !store.recordTransition(
                LifecycleEventRecord(personID: "p1", event: "suspend", from: .active, to: .suspended, actor: "administrator", reason: "r", occurredAt: t0),
                effects: TransitionEffects(suspendedBy: "administrator"), history: entry("success"), securityEvent: .suspended))
            let due = try await store.dueSecurityEvents(at: t0, limit: 10)
            #expect(due.map(\.event) == ["suspended"] && due.first?.subject == "sub-1" && due.first?.clientID == "c1")
            let id = try #require(due.first?.id)
            #expect(try await store.claimSecurityEvent(id: id, at: t0, leaseUntil: t0.addingTimeInterval(30)))
            #expect(try await !store.claimSecurityEvent(id: id, at: t0, leaseUntil: t0.addingTimeInterval(30)))
            try await store.securityEventFailed(id: id, attempts: 1, nextAttempt: t0.addingTimeInterval(2), error: "503")
            #expect(try await store.dueSecurityEvents(at: t0.addingTimeInterval(1), limit: 10).isEmpty)
            #expect(try await store.dueSecurityEvents(at: t0.addingTimeInterval(2), limit: 10).first?.attempts == 1)
            try await store.securityEventDelivered(id: id, at: t0.addingTimeInterval(3), note: nil)
            #expect(try await store.dueSecurityEvents(at: t0.addingTimeInterval(99_999), limit: 10).isEmpty)
        }
    }

    @Test(arguments: Backend.available)
    func theLoginSeesThePlatformsIntervalOverTheGlobalOneAndAReverificationRenewsTheTime(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            var holder = try #require(try await store.loginHolder(certificateSerial: "0a", clientID: "c1"))
            // Never re-verified: verified at enrollment; no interval set.
            #expect(holder.verifiedAt == t0 && holder.reverificationInterval == nil)
            try await store.setReverificationInterval(scope: "*", seconds: 100, at: t0)
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.reverificationInterval == 100)
            try await store.setReverificationInterval(scope: "c1", seconds: 5, at: t0)
            try await store.setReverificationInterval(scope: "c1", seconds: 7, at: t0)
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c1")?.reverificationInterval == 7)
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c2")?.reverificationInterval == 100)
            #expect(try await store.reverificationIntervals().map { "\($0.scope)=\($0.seconds)" } == ["*=100", "c1=7"])
            // A re-verification renews the time (the decision's) and lifts only this client's restriction.
            _ = try await store.restrict(
                clientID: "c1", subject: "none", reason: "r", history: { _ in self.entry("success") }, at: t0)
            var later = decision("t2")
            later.createdAt = t0.addingTimeInterval(50)
            #expect(try await store.recordDecision(later, history: entry("success"), consent: nil, subject: "sub-1", reverification: ReverificationEffects(renewVerification: true, liftRestriction: true, announceLift: .reverified)))
            holder = try #require(try await store.loginHolder(certificateSerial: "0a", clientID: "c1"))
            #expect(holder.verifiedAt == t0.addingTimeInterval(50))
            try await store.setReverificationInterval(scope: "*", seconds: nil, at: t0)
            #expect(try await store.loginHolder(certificateSerial: "0a", clientID: "c2")?.reverificationInterval == nil)
        }
    }

    @Test(arguments: Backend.available)
    func aReplacementResealsTheRecordAndSwapsTheCertificatesInOneWrite(_ backend: Backend) async throws {
        try await withTestDatabase(backend) { database async throws in
            let store = SQLStore(database: database)
            try await prepare(store)
            var session = EnrollmentSessionRecord(
                id: "r1", aaChallenge: [1], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600),
                purpose: .replace)
            try await store.create(session)
            #expect(try await store.enrollmentSession(id: "r1")?.purpose == .replace)
            session.state = .completed
            session.personID = "p1"
            let replacement = NetworkCertificateRecord(
                serial: "0b", personID: "p1", networkNumber: "N1", der: [4], notAfter: t0.addingTimeInterval(2000),
                issuedAt: t0.addingTimeInterval(60))
            let replaced = HistoryEntry(personID: "p1", clientID: nil, event: "device-replaced", outcome: "success", occurredAt: t0)
            let browser = PortalStoreTests().session(1)
            try await store.createWebSession(browser)
            try await store.completeReplacement(
                session, personID: "p1", record: ([9], [8]), certificate: replacement, history: replaced)
            // A signed-in portal browser (perhaps on the lost device) is signed out with it.
            #expect(try await store.webSession(tokenHash: browser.tokenHash) == nil)
            #expect(try await store.networkCertificates(personID: "p1").map { "\($0.serial):\($0.status)" } == ["0b:valid", "0a:revoked"])
            let person = try #require(try await store.person(id: "p1"))
            #expect(person.recordCiphertext == [9] && person.recordWrappedKey == [8])
            #expect(try await store.loginHolder(certificateSerial: "0b", clientID: "c1")?.verifiedAt == t0.addingTimeInterval(60))
            // The same session again (stale version) writes nothing.
            await #expect(throws: StoreError.conflict) {
                try await store.completeReplacement(
                    session, personID: "p1", record: ([7], [6]), certificate: replacement, history: replaced)
            }
            #expect(try await store.person(id: "p1")?.recordCiphertext == [9])

            // A phone change: the record only; no certificate change, no new verification time.
            var change = EnrollmentSessionRecord(
                id: "c1", aaChallenge: [], guardianID: nil, createdAt: t0, expiresAt: t0.addingTimeInterval(600),
                purpose: .phoneChange)
            try await store.create(change)
            change.state = .completed
            try await store.completeReplacement(
                change, personID: "p1", record: ([5], [4]), certificate: nil,
                history: HistoryEntry(personID: "p1", clientID: nil, event: "phone-changed", outcome: "success", occurredAt: t0.addingTimeInterval(90)))
            #expect(try await store.person(id: "p1")?.recordCiphertext == [5])
            #expect(try await store.networkCertificates(personID: "p1").filter { $0.status == .valid }.map(\.serial) == ["0b"])
            #expect(try await store.loginHolder(certificateSerial: "0b", clientID: "c1")?.verifiedAt == t0.addingTimeInterval(60))
            #expect(try await store.enrollmentSession(id: "c1")?.purpose == .phoneChange)

            // A renewal presented with a certificate revoked meanwhile (the lost device racing its
            // replacement) writes nothing; with the valid one it replaces it.
            let renewal = NetworkCertificateRecord(
                serial: "0c", personID: "p1", networkNumber: "N1", der: [5], notAfter: t0.addingTimeInterval(3000),
                issuedAt: t0.addingTimeInterval(120))
            let renewed = HistoryEntry(personID: "p1", clientID: nil, event: "certificate-renewed", outcome: "success", occurredAt: t0)
            await #expect(throws: StoreError.conflict) {
                try await store.replaceCertificates(with: renewal, history: renewed, presentedSerial: "0a")
            }
            #expect(try await store.networkCertificates(personID: "p1").filter { $0.status == .valid }.map(\.serial) == ["0b"])
            try await store.replaceCertificates(with: renewal, history: renewed, presentedSerial: "0b")
            #expect(try await store.networkCertificates(personID: "p1").filter { $0.status == .valid }.map(\.serial) == ["0c"])
        }
    }
}
