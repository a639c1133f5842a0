public import CyberIDSDJWT
import CyberIDStatusList
public import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// What a verifier keeps of the issuer: its keys (`/.well-known/jwt-vc-issuer`) and its status
/// lists, each reused for its `ttl` and, when the issuer cannot be reached, until its `exp` —
/// so verification needs no request to CyberID while the cache is fresh, and none at all
/// offline. The issuer never learns which credential is checked: a list covers many thousands.
public actor IssuerCache {
    /// Fetches a URL: `(url, accept) → body`; throws for a transport failure or a non-2xx answer.
    public typealias Fetch = @Sendable (URL, String) async throws -> Data

    /// The issuer (its base URL).
    public let issuer: String
    let fetch: Fetch
    private var keys: [String: ECPublicJWK] = [:]
    private var lists: [String: CachedList] = [:]
    private var lastKeyFetch: Date?
    /// When a list last failed to refresh: it is not tried again for 30 s (the cached one serves).
    private var failedAt: [String: Date] = [:]

    struct CachedList {
        var list: StatusList
        var fetchedAt: Date
        var ttl: TimeInterval
        var expiresAt: Date
    }

    /// Creates a cache for `issuer`; `fetch` defaults to URLSession.
    public init(issuer: String, fetch: Fetch? = nil) {
        var issuer = issuer
        while issuer.hasSuffix("/") { issuer.removeLast() }
        self.issuer = issuer
        self.fetch = fetch ?? Self.urlSessionFetch
    }

    /// Fetches the issuer's keys (at start, and when a credential names an unknown `kid`, at
    /// most once a minute).
    /// - Throws: ``VerifierError`` `issuer-unavailable`.
    public func refreshKeys(now: Date = Date()) async throws {
        lastKeyFetch = now
        let data: Data
        do {
            data = try await fetch(URL(string: issuer + "/.well-known/jwt-vc-issuer")!, "application/json")
        } catch {
            throw VerifierError(code: "issuer-unavailable", reason: "cannot fetch the issuer's keys: \(error)")
        }
        guard let metadata = try? JSON(parsing: data), metadata["issuer"]?.string == issuer,
            let jwks = metadata["jwks"]?["keys"]?.array
        else { throw VerifierError(code: "issuer-unavailable", reason: "the issuer's metadata is not jwt-vc-issuer metadata for \(issuer)") }
        var next = [String: ECPublicJWK]()
        for entry in jwks {
            if let key = try? ECPublicJWK(json: entry), let kid = key.kid { next[kid] = key }
        }
        keys = next
    }

    /// The issuer key `kid`.
    /// - Throws: ``VerifierError`` `signature` for a key the issuer does not publish.
    public func key(kid: String, now: Date = Date()) async throws -> ECPublicJWK {
        if let key = keys[kid] { return key }
        if lastKeyFetch.map({ now.timeIntervalSince($0) >= 60 }) ?? true { try? await refreshKeys(now: now) }
        guard let key = keys[kid] else { throw VerifierError(code: "signature", reason: "the issuer does not publish key \(kid)") }
        return key
    }

    /// Refreshes every cached list whose `ttl` has passed (failures are kept for later: the
    /// cached list serves). Run on a timer (``cyberid verifier serve`` does, every 5 s), the
    /// issuer sees lists fetched on a schedule, not at the moment a credential is checked.
    /// - Returns: how many lists were fetched.
    @discardableResult
    public func refreshStaleLists(now: Date = Date()) async -> Int {
        var fetched = 0
        for (uri, cached) in lists where now.timeIntervalSince(cached.fetchedAt) >= cached.ttl {
            guard let url = URL(string: uri) else { continue }
            if let list = try? await fetchList(url, uri: uri, now: now) {
                lists[uri] = list
                failedAt[uri] = nil
                fetched += 1
            } else {
                failedAt[uri] = now
            }
        }
        return fetched
    }

    /// The status value of entry `index` of the list at `uri` (which must be the issuer's).
    /// - Throws: ``VerifierError`` `status-unavailable`.
    public func status(uri: String, index: Int, now: Date = Date()) async throws -> UInt8 {
        guard uri.hasPrefix(issuer + "/status/lists/"), let url = URL(string: uri) else {
            throw VerifierError(code: "status-unavailable", reason: "the status list is not the issuer's")
        }
        var cached = lists[uri]
        let backingOff = cached != nil && failedAt[uri].map { (0..<30).contains(now.timeIntervalSince($0)) } == true
        if cached == nil || (now.timeIntervalSince(cached!.fetchedAt) >= cached!.ttl && !backingOff) {
            do {
                cached = try await fetchList(url, uri: uri, now: now)
                lists[uri] = cached
                failedAt[uri] = nil
            } catch let error as VerifierError {
                // Offline (or a bad answer): a cached list is used until its own expiry.
                failedAt[uri] = now
                guard let old = cached, old.expiresAt > now else { throw error }
            }
        }
        guard let list = cached, list.expiresAt > now else {
            throw VerifierError(code: "status-unavailable", reason: "the cached status list has expired and the issuer cannot be reached")
        }
        guard let value = list.list[index] else {
            throw VerifierError(code: "status-unavailable", reason: "the credential's status index is outside its list")
        }
        return value
    }

    private func fetchList(_ url: URL, uri: String, now: Date) async throws -> CachedList {
        let data: Data
        do {
            data = try await fetch(url, "application/statuslist+jwt")
        } catch {
            throw VerifierError(code: "status-unavailable", reason: "cannot fetch the status list: \(error)")
        }
        func refuse(_ reason: String) -> VerifierError { VerifierError(code: "status-unavailable", reason: reason) }
        // A list is larger than a credential: up to 4 MiB of token (its inflated bits are capped too).
        guard data.count <= 4 << 20, let text = String(data: data, encoding: .utf8),
            let jws = try? CompactJWS(compact: text.trimmingCharacters(in: .whitespacesAndNewlines), maxBytes: 4 << 20)
        else { throw refuse("the status list is not a JWT of at most 4 MiB") }
        guard jws.header["typ"]?.string == "statuslist+jwt", let kid = jws.header["kid"]?.string else {
            throw refuse("the status list token's typ must be statuslist+jwt, with a kid")
        }
        do {
            try jws.verify(with: try await key(kid: kid, now: now).publicKey())
        } catch {
            throw refuse("the status list's signature does not verify")
        }
        let claims = jws.payload
        guard claims["sub"]?.string == uri else { throw refuse("the status list is for another URI (sub)") }
        let expiresAt = claims["exp"]?.integer.map { Date(timeIntervalSince1970: TimeInterval($0)) } ?? .distantFuture
        guard expiresAt > now else { throw refuse("the status list has expired") }
        guard let bits = claims["status_list"]?["bits"]?.integer, let lst = claims["status_list"]?["lst"]?.string,
            let list = try? StatusList(bits: bits, lst: lst)
        else { throw refuse("the status list's status_list is malformed") }
        let ttl = TimeInterval(min(max(claims["ttl"]?.integer ?? 300, 0), 86_400))
        return CachedList(list: list, fetchedAt: now, ttl: ttl, expiresAt: expiresAt)
    }

    /// URLSession GET with a 10-second timeout.
    static let urlSessionFetch: Fetch = { url, accept in
        var request = URLRequest(url: url, timeoutInterval: 10)
        request.setValue(accept, forHTTPHeaderField: "Accept")
        let (data, response) = try await URLSession.shared.data(for: request)
        guard let status = (response as? HTTPURLResponse)?.statusCode, (200..<300).contains(status) else {
            throw VerifierError(code: "issuer-unavailable", reason: "the issuer answered \((response as? HTTPURLResponse)?.statusCode ?? 0)")
        }
        return data
    }
}
