import CyberIDCore
import CyberIDKeys
import CyberIDSDJWT
import CyberIDStatusList
import CyberIDStore
public import Foundation
import Synchronization

/// Publishes the status lists (draft-ietf-oauth-status-list): each entry's value is derived,
/// when the list is built, from the person's state, the certificate the wallet proved and the
/// document's expiry — so every lifecycle change (suspend, restrict, cancel, a certificate
/// revoked, a lost device) shows in the next list without a write of its own, and nothing can
/// be missed by a crash between two writes.
public final class StatusListPublisher: Sendable {
    let configuration: CredentialConfiguration
    let store: any CredentialStore
    let signingKeys: SigningKeySet
    private let cache = Mutex<[Int: (token: String, builtAt: Date)]>([:])
    /// The build under way per list: concurrent requests for a stale list wait for one build.
    private let building = Mutex<[Int: Task<String, any Error>]>([:])

    init(configuration: CredentialConfiguration, store: any CredentialStore, signingKeys: SigningKeySet) {
        (self.configuration, self.store, self.signingKeys) = (configuration, store, signingKeys)
    }

    /// The lists' `ttl` (seconds).
    public var ttl: Int { configuration.statusListTTL }

    /// How long a built list is served before it is built again: a quarter of the `ttl`, at most
    /// 15 s (so a change shows within `ttl` + this, at a verifier that refreshes on time).
    var rebuildInterval: TimeInterval { min(Double(configuration.statusListTTL) / 4, 15) }

    /// The signed status list token of list `list` (`typ` `statuslist+jwt`).
    /// - Throws: ``CredentialError`` `unknown-status-list` for a list that has no entry.
    public func token(list: Int, now: Date = Date()) async throws -> String {
        if let cached = cache.withLock({ $0[list] }), now.timeIntervalSince(cached.builtAt) < rebuildInterval,
            now >= cached.builtAt
        {
            return cached.token
        }
        let build = building.withLock { running in
            if let task = running[list] { return task }
            let task = Task { try await self.build(list: list, now: now) }
            running[list] = task
            return task
        }
        return try await build.value
    }

    private func build(list: Int, now: Date) async throws -> String {
        defer { building.withLock { $0[list] = nil } }
        guard list >= 1, list < 1 << 30, try await store.statusListExists(list) else { throw CredentialError.unknownList() }
        var bits = StatusList(bits: 2, count: configuration.statusListSize)
        for entry in try await store.statusEntries(list: list) where entry.index < bits.count {
            bits.set(entry.index, Self.status(of: entry, at: now).rawValue)
        }
        let key = try signingKeys.activeKey()
        let iat = Int(now.timeIntervalSince1970)
        let token = try CompactJWS.sign(
            header: ["typ": .string("statuslist+jwt"), "kid": .string(key.kid)],
            payload: [
                "sub": .string(configuration.statusListURI(list)), "iat": .integer(iat),
                "exp": .integer(iat + Int(configuration.statusListLifetime)), "ttl": .integer(configuration.statusListTTL),
                "status_list": .object(["bits": .integer(2), "lst": .string(try bits.lst())]),
            ],
            sign: { try key.sign(Array($0.utf8)) }
        ).compact
        cache.withLock { $0[list] = (token, now) }
        return token
    }

    /// An entry's value: invalid once the person is cancelled (or gone), the certificate revoked
    /// or the document expired; suspended while the person is suspended or restricted. An
    /// expired credential's entry goes back to 0 — verifiers refuse it by its `exp`, and the
    /// list stays sparse, so it compresses to a few KiB however long it lives — unless its
    /// document expired (those few, cut short by the document, keep saying so).
    static func status(of entry: StatusEntryState, at now: Date) -> StatusList.Status {
        if entry.documentExpiresAt <= now { return .invalid }
        guard entry.expiresAt > now else { return .valid }
        guard let state = entry.personState, state != .cancelled, entry.certificateStatus == .valid,
            entry.documentExpiresAt > now
        else { return .invalid }
        return state == .active ? .valid : .suspended
    }
}
