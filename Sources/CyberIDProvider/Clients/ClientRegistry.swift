import CyberIDCore
import CyberIDVault
public import CyberIDStore
public import Foundation
import JWTKit
import Synchronization

/// Registers, reads and disables relying parties.
public struct ClientRegistry: Sendable {
    let store: any ClientStore
    let cache: ClientCache

    /// Creates a registry over `store`.
    /// - Parameter cacheLifetime: how long a client read is reused on the login path (a change
    ///   made by another process, such as `admin client disable`, takes effect within it).
    public init(store: any ClientStore, cacheLifetime: TimeInterval = 2) {
        self.store = store
        cache = ClientCache(lifetime: cacheLifetime)
    }

    /// A client by id for the login path: served from a short-lived cache (a login reads the
    /// client three times: authorize, wallet, token).
    public func cachedClient(id: String, now: Date = Date()) async throws -> Client? {
        if let hit = cache.lookup(id, now: now) { return hit.client }
        let client = try await self.client(id: id)
        cache.store(id, client, now: now)
        return client
    }

    /// Registers a client.
    /// - Returns: the client and, for secret-based authentication, its secret (shown once;
    ///   only its hash is stored).
    /// - Throws: ``ProviderError`` `invalid-client-registration` with the reason.
    public func register(_ registration: ClientRegistration, now: Date = Date()) async throws -> (Client, String?) {
        let metadata = try await Self.validate(registration)
        let secret: String? = metadata.authMethod == .privateKeyJWT ? nil : SecureRandom.token(bytes: 32)
        let client = Client(
            id: "c_" + SecureRandom.token(bytes: 12), name: registration.name.trimmingCharacters(in: .whitespaces),
            metadata: metadata,
            secretHash: secret.map(sha256), disabled: false, createdAt: now)
        let json = String(decoding: try JSONEncoder().encode(metadata), as: UTF8.self)
        try await store.create(
            ClientRecord(
                clientID: client.id, name: client.name, secretHash: client.secretHash, metadata: json, createdAt: now))
        return (client, secret)
    }

    /// A client by id, disabled or not.
    public func client(id: String) async throws -> Client? {
        // No registered id holds a NUL (neither store keeps one): such an id is simply unknown,
        // answered as any unknown client is, not as the store's refusal of the text.
        guard id.utf8.count <= 128, !id.utf8.contains(0), let record = try await store.client(id: id) else { return nil }
        return try Self.client(record)
    }

    /// Every client, oldest first.
    public func clients() async throws -> [Client] { try await store.clients().map(Self.client) }

    /// Disables (or re-enables) a client.
    /// - Throws: ``ProviderError`` `unknown-client`.
    public func setDisabled(id: String, _ disabled: Bool) async throws {
        guard !FirstPartyClient.isReserved(id) else {
            throw ProviderError.invalidClientRegistration("\(id) is one of CyberID's own applications")
        }
        defer { cache.remove(id) }
        do {
            try await store.setDisabled(clientID: id, disabled)
        } catch let error as StoreError where error == .notFound {
            throw ProviderError.unknownClient("no client \(id)")
        }
    }

    static func client(_ record: ClientRecord) throws -> Client {
        guard let metadata = try? JSONDecoder().decode(ClientMetadata.self, from: Data(record.metadata.utf8)) else {
            throw StoreError.corrupt("client \(record.clientID) has unreadable metadata")
        }
        return Client(
            id: record.clientID, name: record.name, metadata: metadata, secretHash: record.secretHash,
            disabled: record.disabled, createdAt: record.createdAt)
    }

    /// The registration rules, one check each.
    static func validate(_ registration: ClientRegistration) async throws(ProviderError) -> ClientMetadata {
        let name = registration.name.trimmingCharacters(in: .whitespaces)
        // Plain text (no control character): the name is stored, audited and shown to people.
        guard name.isPlainText(atMost: 100) else { throw fail("the name must be 1 to 100 characters, no control characters") }
        // A platform cannot present itself to people as one of CyberID's own applications.
        guard !FirstPartyClient.all.contains(where: { $0.name.caseInsensitiveCompare(name) == .orderedSame }) else {
            throw fail("the name is reserved for CyberID's own applications")
        }
        let hosts = try checkRedirectURIs(registration.redirectURIs)
        let sector = try checkSector(registration.sector, hosts: hosts)
        let legalBasis = registration.legalBasis?.trimmingCharacters(in: .whitespaces).nonEmpty
        if let legalBasis, !legalBasis.isPlainText(atMost: 500) {
            throw fail("the legal basis must be at most 500 characters, no control characters")
        }
        let scopes = try checkScopes(registration.scopes, legalBasis: legalBasis)
        let method = try await checkAuthentication(registration)
        if let uri = registration.eventsURI, !isSecureOrLoopback(uri) {
            throw fail("the events URL must use https (http only on a loopback host)")
        }
        return ClientMetadata(
            redirectURIs: registration.redirectURIs, sector: sector, scopes: scopes, legalBasis: legalBasis,
            authMethod: method, jwks: registration.jwks, jwksURI: registration.jwksURI, strict: registration.strict,
            eventsURI: registration.eventsURI, defaultMode: registration.defaultMode)
    }

    static func fail(_ reason: String) -> ProviderError { .invalidClientRegistration(reason) }

    /// Redirect URIs: absolute, no fragment, https (http only on loopback).
    /// - Returns: their hosts, lower-cased.
    static func checkRedirectURIs(_ uris: [String]) throws(ProviderError) -> Set<String> {
        guard !uris.isEmpty else { throw fail("at least one --redirect-uri is required") }
        var hosts = Set<String>()
        for uri in uris {
            guard let components = URLComponents(string: uri), let scheme = components.scheme?.lowercased(),
                let host = components.host, !host.isEmpty, components.fragment == nil
            else { throw fail("the redirect URI \(uri) is not an absolute URI without a fragment") }
            guard scheme == "https" || (scheme == "http" && isLoopback(host)) else {
                throw fail("the redirect URI \(uri) must use https (http only on a loopback host)")
            }
            hosts.insert(host.lowercased())
        }
        return hosts
    }

    /// The sector: the given one, or the redirect URIs' one host.
    static func checkSector(_ given: String?, hosts: Set<String>) throws(ProviderError) -> String {
        if let given = given?.trimmingCharacters(in: .whitespaces), !given.isEmpty {
            // A sector is a host name (or a URI naming one): plain text. The bound is loose (a host
            // name is at most 253): a platform's change re-checks its stored sector, and one
            // registered before this rule must stay editable.
            guard given.isPlainText(atMost: 1_000) else { throw fail("the sector must be at most 1000 characters, no control characters") }
            return given
        }
        guard hosts.count == 1, let host = hosts.first else {
            throw fail("redirect URIs on several hosts need an explicit --sector")
        }
        return host
    }

    /// Known scopes, `openid` always; real-name scopes only with a legal basis.
    static func checkScopes(_ requested: [String]?, legalBasis: String?) throws(ProviderError) -> [Scope] {
        var scopes: [Scope]
        if let requested {
            scopes = []
            for text in requested {
                guard let scope = Scope(rawValue: text) else {
                    throw fail("unknown scope \(text); known: \(Scope.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                if !scopes.contains(scope) { scopes.append(scope) }
            }
            if !scopes.contains(.openid) { scopes.insert(.openid, at: 0) }
        } else {
            scopes = legalBasis == nil ? [.openid, .age] : Scope.allCases
        }
        if legalBasis == nil, let scope = scopes.first(where: \.needsLegalBasis) {
            throw fail("the scope \(scope.rawValue) needs a registered --legal-basis")
        }
        return scopes
    }

    /// The token endpoint method: strict clients use `private_key_jwt`, which needs exactly one
    /// parseable JWKS or a secure JWKS URL.
    static func checkAuthentication(_ registration: ClientRegistration) async throws(ProviderError) -> ClientAuthMethod {
        let method = registration.authMethod ?? (registration.strict ? .privateKeyJWT : .clientSecretBasic)
        if registration.strict, method != .privateKeyJWT {
            throw fail("a --strict (FAPI 2.0) client must use private_key_jwt")
        }
        guard method == .privateKeyJWT else {
            if registration.jwks != nil || registration.jwksURI != nil {
                throw fail("--jwks is only for private_key_jwt clients")
            }
            return method
        }
        guard (registration.jwks == nil) != (registration.jwksURI == nil) else {
            throw fail("private_key_jwt needs exactly one of a JWKS file or a JWKS URL (--jwks)")
        }
        if let jwks = registration.jwks {
            do {
                _ = try await JWTKeyCollection().add(jwksJSON: jwks)
            } catch {
                throw fail("the JWKS does not parse as public keys")
            }
        }
        if let uri = registration.jwksURI, !isSecureOrLoopback(uri) {
            throw fail("the JWKS URL must use https (http only on a loopback host)")
        }
        return method
    }

    /// https, or http on a loopback host.
    static func isSecureOrLoopback(_ uri: String) -> Bool {
        guard let components = URLComponents(string: uri), let host = components.host else { return false }
        return components.scheme == "https" || (components.scheme == "http" && isLoopback(host))
    }
}

func isLoopback(_ host: String) -> Bool { ["127.0.0.1", "localhost", "::1", "[::1]"].contains(host.lowercased()) }

extension String {
    var nonEmpty: String? { isEmpty ? nil : self }
}

/// The login path's client cache: entries live `lifetime` seconds; bounded.
final class ClientCache: Sendable {
    private let entries = Mutex<[String: (client: Client?, until: Date)]>([:])
    private let lifetime: TimeInterval

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func lookup(_ id: String, now: Date) -> (client: Client?, until: Date)? {
        guard lifetime > 0 else { return nil }
        return entries.withLock { entries in
            guard let entry = entries[id], entry.until > now else { return nil }
            return entry
        }
    }

    func store(_ id: String, _ client: Client?, now: Date) {
        guard lifetime > 0 else { return }
        entries.withLock { entries in
            if entries.count > 10_000 { entries.removeAll(keepingCapacity: true) }
            entries[id] = (client, now.addingTimeInterval(lifetime))
        }
    }

    func remove(_ id: String) { _ = entries.withLock { $0.removeValue(forKey: id) } }
}

/// What an operator may change on a registered platform (issue 15's Platforms page). Redirect
/// URIs and the sector stay as registered: the sector decides every person's pairwise `sub`,
/// so a new one is a new registration.
public struct ClientChange: Sendable, Equatable {
    public var name: String
    /// The legal basis for real-name claims; `nil` or empty removes it (then the platform's
    /// real-name scopes are dropped).
    public var legalBasis: String?
    /// Where Security Event Tokens go; `nil` or empty stops delivery.
    public var eventsURI: String?

    public init(name: String, legalBasis: String?, eventsURI: String?) {
        (self.name, self.legalBasis, self.eventsURI) = (name, legalBasis, eventsURI)
    }
}

extension ClientRegistry {
    /// Changes a platform's name, legal basis and events URL; the same rules as a registration.
    /// - Returns: the client as changed.
    /// - Throws: ``ProviderError`` `unknown-client`, `invalid-client-registration`.
    public func change(id: String, _ change: ClientChange) async throws -> Client {
        guard !FirstPartyClient.isReserved(id) else {
            throw ProviderError.invalidClientRegistration("\(id) is one of CyberID's own applications")
        }
        guard var client = try await client(id: id) else { throw ProviderError.unknownClient("no client \(id)") }
        let legalBasis = change.legalBasis?.trimmingCharacters(in: .whitespaces).nonEmpty
        let eventsURI = change.eventsURI?.trimmingCharacters(in: .whitespaces).nonEmpty
        // A registration with the new values must pass the registration's rules.
        _ = try await Self.validate(
            ClientRegistration(
                name: change.name, redirectURIs: client.metadata.redirectURIs, sector: client.metadata.sector,
                scopes: Scope.allowed(client.metadata.scopes, legalBasis: legalBasis).map(\.rawValue),
                legalBasis: legalBasis, authMethod: client.metadata.authMethod, jwks: client.metadata.jwks,
                jwksURI: client.metadata.jwksURI, strict: client.metadata.strict, eventsURI: eventsURI))
        client.name = change.name.trimmingCharacters(in: .whitespaces)
        client.metadata.legalBasis = legalBasis
        client.metadata.scopes = Scope.allowed(client.metadata.scopes, legalBasis: legalBasis)
        client.metadata.eventsURI = eventsURI
        defer { cache.remove(id) }
        let json = String(decoding: try JSONEncoder().encode(client.metadata), as: UTF8.self)
        guard try await store.updateClient(clientID: id, name: client.name, metadata: json) else {
            throw ProviderError.unknownClient("no client \(id)")
        }
        return client
    }
}
