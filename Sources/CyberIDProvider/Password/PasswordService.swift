public import CyberIDCore
public import CyberIDKeys
public import CyberIDStore
public import CyberIDVault
import Dispatch
public import Foundation

/// The network-identity password (口令, issue 17): set from the wallet, changed with the current
/// one, reset with the document's chip and a code to the bound phone (an enrollment session of
/// purpose `password-reset`), and checked during logins in modes R02 and R04.
///
/// Only a peppered scrypt hash is stored (``PasswordHasher``). Each attempt is counted *before*
/// it is checked, so concurrent guesses cannot exceed the limit; the fifth wrong one locks the
/// password until a reset. Every wrong attempt, the lock and every change are in the person's
/// history; the password itself is never logged, stored or put in a URL.
public struct PasswordService: Sendable {
    /// The storage the service needs.
    public typealias Store = PasswordStore & PersonStore & HistoryStore & TransactionalStore

    /// Wrong attempts allowed before the password locks.
    public static let attempts = 5
    /// How long after enrollment the wallet alone may set the first password; later, setting it
    /// needs a fresh chip proof too (the wallet alone must not add a factor: review of issue 17).
    public static let walletOnlyWindow: TimeInterval = 86_400
    /// scrypt evaluations at once (16 MiB each at the default cost): one per core.
    static let hashing = AsyncSemaphore(permits: max(1, ProcessInfo.processInfo.activeProcessorCount))

    let store: any Store
    let hasher: PasswordHasher
    let vault: IdentityVault

    /// Creates the service.
    public init(store: any Store, hasher: PasswordHasher, vault: IdentityVault) {
        (self.store, self.hasher, self.vault) = (store, hasher, vault)
    }

    /// Whether a password is set and whether it is locked.
    public func status(personID: String) async throws -> (set: Bool, locked: Bool) {
        guard let record = try await store.password(personID: personID) else { return (false, false) }
        return (true, Self.isLocked(record))
    }

    /// Sets the first password: an active person, with the wallet alone within a day of
    /// enrollment, later only with a fresh chip proof (`chipProven`).
    /// - Throws: ``ProviderError`` `person-not-active`, `password-already-set`, `weak-password`,
    ///   `document-required`.
    public func set(personID: String, password: String, chipProven: Bool = false, now: Date = Date()) async throws {
        let person = try await activePerson(personID)
        guard try await store.password(personID: personID) == nil else { throw ProviderError.passwordAlreadySet() }
        guard chipProven || now.timeIntervalSince(person.createdAt) <= Self.walletOnlyWindow else {
            throw ProviderError.documentRequiredForPassword()
        }
        try await checkStrength(password, personID: personID)
        let hash = try await hash(password)
        guard
            try await store.addPassword(
                personID: personID, hash: hash,
                history: HistoryEntry(personID: personID, event: .password, fields: ["action": "set"], at: now), now: now)
        else { throw ProviderError.passwordAlreadySet() }
    }

    /// Changes the password, proven by the current one (an attempt like a login's).
    /// - Throws: ``ProviderError`` `password-not-set`, `password-locked`, `wrong-password`,
    ///   `weak-password`.
    public func change(personID: String, current: String, new: String, now: Date = Date()) async throws {
        _ = try await activePerson(personID)
        try await checkStrength(new, personID: personID)
        try await check(personID: personID, password: current, clientID: nil, now: now)
        try await store(personID: personID, password: new, action: "changed", now: now)
    }

    /// A reset after a proof (a password-reset session: chip, bound phone, face): the new password
    /// is checked and hashed first (scrypt: tens of milliseconds, before anything is written),
    /// then `spend` (the session, spent once) and the new password with its history line are
    /// one transaction, which clears the attempts and the lock. A crash or a failed write leaves
    /// the session unspent and the password as it was: the person tries again with the same proof.
    /// - Parameters:
    ///   - personID: the holder the session proved.
    ///   - spend: spends the proof, returning the holder it proved; run inside the transaction.
    /// - Throws: ``ProviderError`` `person-not-active`, `weak-password`; what `spend` throws
    ///   (`conflict`: spent by a concurrent request).
    public func reset(
        personID: String, password: String, spending spend: @escaping @Sendable () async throws -> String,
        now: Date = Date()
    ) async throws {
        _ = try await activePerson(personID)
        try await checkStrength(password, personID: personID)
        let hash = try await hash(password)
        let store = store
        try await store.inTransaction {
            guard try await spend() == personID else { throw StoreError.conflict("the proof is another holder's") }
            try await store.setPassword(
                personID: personID, hash: hash,
                history: HistoryEntry(personID: personID, event: .password, fields: ["action": "reset"], at: now), now: now)
        }
    }

    /// Refuses a weak password before any proof is spent on it.
    /// - Throws: ``ProviderError`` `weak-password`.
    public func checkStrength(_ password: String, personID: String) async throws {
        let birthDate = try await store.person(id: personID).flatMap { try vault.open($0) }?.birthDate
        if let reason = PasswordPolicy.refusal(password, birthDate: birthDate) { throw ProviderError.weakPassword(reason) }
    }

    /// Checks an entered password: one attempt counted, the count cleared when it is right.
    /// - Parameter clientID: the platform of the login, for the history of a wrong attempt.
    /// - Throws: ``ProviderError`` `password-not-set`, `password-locked`, `wrong-password`.
    public func check(personID: String, password: String, clientID: String?, now: Date = Date()) async throws {
        guard let record = try await store.password(personID: personID) else { throw ProviderError.passwordNotSet() }
        guard !Self.isLocked(record),
            let reserved = try await store.reservePasswordAttempt(personID: personID, limit: Self.attempts, now: now)
        else {
            // A login records its own refusal; anything else (a change) is recorded here.
            if clientID == nil {
                try await store.append(
                    HistoryEntry(
                        personID: personID, event: .password, outcome: .failure, fields: ["action": "refused-locked"], at: now))
            }
            throw ProviderError.passwordLocked()
        }
        let hasher = hasher
        if try await Self.offload({ hasher.verify(password, against: reserved.hash) }) {
            try await store.passwordAccepted(personID: personID, hash: reserved.hash)
            return
        }
        let locked = reserved.failures >= Self.attempts
        let remaining = Self.attempts - reserved.failures
        try await store.passwordRefused(
            personID: personID, hash: reserved.hash, locked: locked,
            history: HistoryEntry(
                personID: personID, clientID: clientID, event: .password, outcome: .failure,
                fields: ["action": locked ? "locked" : "wrong", "remaining": String(remaining)], at: now),
            now: now)
        throw locked ? ProviderError.passwordLocked() : ProviderError.wrongPassword(remaining: remaining)
    }

    private func store(personID: String, password: String, action: String, now: Date) async throws {
        try await checkStrength(password, personID: personID)
        let hash = try await hash(password)
        try await store.setPassword(
            personID: personID, hash: hash,
            history: HistoryEntry(personID: personID, event: .password, fields: ["action": action], at: now), now: now)
    }

    static func isLocked(_ record: PasswordRecord) -> Bool { record.lockedAt != nil || record.failures >= attempts }

    private func hash(_ password: String) async throws -> String {
        let hasher = hasher
        return try await Self.offload { try hasher.hash(password) }
    }

    /// Only an active number sets or changes its password (a suspended one's wallet may be in
    /// a thief's hands).
    private func activePerson(_ personID: String) async throws -> PersonRecord {
        let person = try await store.person(id: personID)
        guard let person, person.state == .active else {
            throw ProviderError.personNotActive(person?.state.rawValue ?? "unknown")
        }
        return person
    }

    /// Runs scrypt (tens of milliseconds, 16 MiB) off the event loops that serve requests, at
    /// most one evaluation per core at a time.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await hashing.acquire()
        defer { hashing.release() }
        return try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
