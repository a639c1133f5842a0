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
    public typealias Store = PasswordStore & PersonStore

    /// Wrong attempts allowed before the password locks.
    public static let attempts = 5

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

    /// Sets the first password.
    /// - Throws: ``ProviderError`` `password-already-set`, `weak-password`.
    public func set(personID: String, password: String, now: Date = Date()) async throws {
        guard try await store.password(personID: personID) == nil else { throw ProviderError.passwordAlreadySet() }
        try await store(personID: personID, password: password, action: "set", now: now)
    }

    /// Changes the password, proven by the current one (an attempt like a login's).
    /// - Throws: ``ProviderError`` `password-not-set`, `password-locked`, `wrong-password`,
    ///   `weak-password`.
    public func change(personID: String, current: String, new: String, now: Date = Date()) async throws {
        try await checkStrength(new, personID: personID)
        try await check(personID: personID, password: current, clientID: nil, now: now)
        try await store(personID: personID, password: new, action: "changed", now: now)
    }

    /// Sets a new password after the holder re-proved with the chip and the bound phone; clears
    /// the attempts and the lock.
    /// - Throws: ``ProviderError`` `weak-password`.
    public func reset(personID: String, password: String, now: Date = Date()) async throws {
        try await store(personID: personID, password: password, action: "reset", now: now)
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
        else { throw ProviderError.passwordLocked() }
        let hasher = hasher
        if try await Self.offload({ hasher.verify(password, against: reserved.hash) }) {
            try await store.passwordAccepted(personID: personID)
            return
        }
        let locked = reserved.failures >= Self.attempts
        let remaining = Self.attempts - reserved.failures
        try await store.passwordRefused(
            personID: personID, locked: locked,
            history: HistoryEntry(
                personID: personID, clientID: clientID, event: .password, outcome: .failure,
                fields: ["action": locked ? "locked" : "wrong", "remaining": String(remaining)], at: now),
            now: now)
        throw locked ? ProviderError.passwordLocked() : ProviderError.wrongPassword(remaining: remaining)
    }

    private func store(personID: String, password: String, action: String, now: Date) async throws {
        try await checkStrength(password, personID: personID)
        let hasher = hasher
        let hash = try await Self.offload { try hasher.hash(password) }
        try await store.setPassword(
            personID: personID, hash: hash,
            history: HistoryEntry(personID: personID, event: .password, fields: ["action": action], at: now), now: now)
    }

    static func isLocked(_ record: PasswordRecord) -> Bool { record.lockedAt != nil || record.failures >= attempts }

    /// Runs scrypt (tens of milliseconds, 32 MiB) off the cooperative threads that serve requests.
    static func offload<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global(qos: .userInitiated).async { continuation.resume(with: Result { try work() }) }
        }
    }
}
