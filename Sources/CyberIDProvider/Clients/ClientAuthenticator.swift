import CyberIDKeys
import AsyncHTTPClient
import CyberIDAdapters
public import CyberIDStore
public import Foundation
import JWTKit
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// The credentials a request to the token, PAR or revocation endpoint carries.
public struct ClientCredentials: Sendable {
    /// The `Authorization` header, if any.
    public var authorization: String?
    /// The form parameters (`client_id`, `client_secret`, `client_assertion`…).
    public var form: FormParameters

    /// Creates credentials.
    public init(authorization: String?, form: FormParameters) {
        self.authorization = authorization
        self.form = form
    }
}

/// Authenticates clients (RFC 6749 §2.3, RFC 7523 / OIDC `private_key_jwt`): the method must
/// be the one registered, a disabled client is refused, and an assertion's `jti` is single-use.
final class ClientAuthenticator: Sendable {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    private let registry: ClientRegistry
    private let assertions: any ClientAssertionStore
    private let issuer: String
    private let keyCache: JWKSCache

    init(registry: ClientRegistry, assertions: any ClientAssertionStore, issuer: String, keys: JWKSCache = JWKSCache()) {
        self.registry = registry
        self.assertions = assertions
        self.issuer = issuer
        self.keyCache = keys
    }

    /// Authenticates the client of a request to `endpoint` (its full URL, for the error messages
    /// of the caller; an assertion's audience must be the issuer whatever the endpoint).
    func authenticate(_ credentials: ClientCredentials, endpoint: String, now: Date) async throws -> Client {
        if let assertion = credentials.form["client_assertion"] {
            guard credentials.form["client_assertion_type"] == Self.assertionType else {
                throw ProviderError.invalidClient("client_assertion_type must be \(Self.assertionType)")
            }
            guard credentials.authorization == nil, credentials.form["client_secret"] == nil else {
                throw ProviderError.invalidRequest("use one client authentication method")
            }
            return try await authenticateAssertion(assertion, claimedID: credentials.form["client_id"], endpoint: endpoint, now: now)
        }
        let (id, secret, method): (String, String, ClientAuthMethod)
        if let header = credentials.authorization, header.lowercased().hasPrefix("basic ") {
            guard credentials.form["client_secret"] == nil else {
                throw ProviderError.invalidRequest("use one client authentication method")
            }
            guard let decoded = Data(base64Encoded: String(header.dropFirst(6)).trimmingCharacters(in: .whitespaces)),
                let text = String(data: decoded, encoding: .utf8), let colon = text.firstIndex(of: ":"),
                let user = (try? FormParameters(encoded: "u=" + text[..<colon]))?["u"],
                let password = (try? FormParameters(encoded: "p=" + text[text.index(after: colon)...]))?["p"]
            else { throw ProviderError.invalidClient("malformed Basic credentials") }
            if let formID = credentials.form["client_id"], formID != user {
                throw ProviderError.invalidRequest("client_id differs from the authenticated client")
            }
            (id, secret, method) = (user, password, .clientSecretBasic)
        } else if let user = credentials.form["client_id"], let password = credentials.form["client_secret"] {
            (id, secret, method) = (user, password, .clientSecretPost)
        } else {
            throw ProviderError.invalidClient("client authentication is required")
        }
        guard let client = try await registry.cachedClient(id: id), !client.disabled, let hash = client.secretHash,
            constantTimeEqual(hash, sha256(secret))
        else { throw ProviderError.invalidClient("unknown client, disabled client or wrong secret") }
        guard client.metadata.authMethod == method else {
            throw ProviderError.invalidClient("this client is registered for \(client.metadata.authMethod.rawValue)")
        }
        return client
    }

    private func authenticateAssertion(_ assertion: String, claimedID: String?, endpoint: String, now: Date) async throws -> Client {
        let unverified: ClientAssertion
        do {
            unverified = try await JWTKeyCollection().unverified(assertion, as: ClientAssertion.self)
        } catch {
            throw ProviderError.invalidClient("the client assertion is not a JWT")
        }
        guard let id = unverified.iss, unverified.sub == id, claimedID == nil || claimedID == id else {
            throw ProviderError.invalidClient("the assertion's iss and sub must both be the client_id")
        }
        guard let client = try await registry.client(id: id), !client.disabled else {
            throw ProviderError.invalidClient("unknown or disabled client")
        }
        guard client.metadata.authMethod == .privateKeyJWT else {
            throw ProviderError.invalidClient("this client is registered for \(client.metadata.authMethod.rawValue)")
        }
        let claims = try await keyCache.verify(assertion, client: client)
        // The issuer identifier, as one string (FAPI 2.0, RFC 7523bis): an endpoint URL or a list
        // could make an assertion meant for one server or endpoint count at another.
        guard let audience = claims.aud, audience.single == issuer else {
            throw ProviderError.invalidClient("the assertion's aud must be exactly the issuer identifier \(issuer)")
        }
        // An hour is what common client libraries (authlib) give an assertion; its jti is kept
        // until then, so a longer life buys nothing but a bigger replay table.
        guard let exp = claims.exp, exp > now.timeIntervalSince1970, exp <= now.timeIntervalSince1970 + 3_660 else {
            throw ProviderError.invalidClient("the assertion is expired or lives longer than an hour")
        }
        if let iat = claims.iat, iat > now.timeIntervalSince1970 + 60 {
            throw ProviderError.invalidClient("the assertion is issued in the future")
        }
        // A jti the replay table could not keep (a NUL: no store holds one) is a bad assertion.
        guard let jti = claims.jti, !jti.isEmpty, jti.utf8.count <= 256, !jti.utf8.contains(0) else {
            throw ProviderError.invalidClient("the assertion needs a jti (at most 256 bytes, no NUL)")
        }
        guard try await assertions.useClientAssertion(clientID: id, jti: jti, expiresAt: Date(timeIntervalSince1970: exp))
        else { throw ProviderError.invalidClient("the assertion's jti was used before") }
        return client
    }
}

/// The claims of a client assertion (RFC 7523 §3). Checked by ``ClientAuthenticator``, not here.
struct ClientAssertion: JWTPayload {
    var iss: String?
    var sub: String?
    var aud: Audience?
    var exp: Double?
    var iat: Double?
    var jti: String?

    func verify(using algorithm: some JWTAlgorithm) async throws {}

    /// `aud` as one string or an array.
    struct Audience: Codable, Sendable {
        var values: [String]
        /// The audience when it was sent as one string (not a list).
        var single: String?
        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if let one = try? container.decode(String.self) {
                (values, single) = ([one], one)
            } else {
                (values, single) = (try container.decode([String].self), nil)
            }
        }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.singleValueContainer()
            try container.encode(values)
        }
    }
}

/// Clients' public keys as jwt-kit key collections: a registered JWKS parsed once; a JWKS URL
/// fetched and trusted five minutes, fetched again when a signature does not verify with the
/// cached keys (the client rotated) — but at most once per ``refetchInterval`` (review finding
/// 7: a stream of bad assertions must not turn the service into a client of the platform's URL
/// at the attacker's rate). Fetches never follow redirects (``OutboundHTTP``).
actor JWKSCache {
    private var entries: [String: (keys: JWTKeyCollection, source: String, fetched: Date)] = [:]
    let refetchInterval: TimeInterval
    private let fetch: @Sendable (String) async throws -> String
    private let now: @Sendable () -> Date

    init(
        refetchInterval: TimeInterval = 60, fetch: @escaping @Sendable (String) async throws -> String = JWKSCache.fetch,
        now: @escaping @Sendable () -> Date = { Date() }
    ) {
        self.refetchInterval = refetchInterval
        self.fetch = fetch
        self.now = now
    }

    func verify(_ assertion: String, client: Client) async throws -> ClientAssertion {
        let source = client.metadata.jwks ?? client.metadata.jwksURI ?? ""
        if let entry = entries[client.id], entry.source == source {
            let age = now().timeIntervalSince(entry.fetched)
            if client.metadata.jwks != nil || age < 300,
                let claims = try? await entry.keys.verify(assertion, as: ClientAssertion.self)
            {
                return claims
            }
            // A registered JWKS never changes; a URL fetched a moment ago is not fetched again.
            if client.metadata.jwks != nil || age < refetchInterval {
                throw ProviderError.invalidClient("the client assertion's signature does not verify with the client's keys")
            }
        }
        let keys = JWTKeyCollection()
        do {
            if let jwks = client.metadata.jwks {
                try await keys.add(jwksJSON: jwks)
            } else if let uri = client.metadata.jwksURI {
                try await keys.add(jwksJSON: try await fetch(uri))
            }
        } catch {
            throw ProviderError.invalidClient("the client's keys could not be loaded")
        }
        entries[client.id] = (keys, source, now())
        do {
            return try await keys.verify(assertion, as: ClientAssertion.self)
        } catch {
            throw ProviderError.invalidClient("the client assertion's signature does not verify with the client's keys")
        }
    }

    /// GET of a JWKS URL: 200 JSON only, at most 256 KiB, no redirect followed.
    @Sendable static func fetch(_ uri: String) async throws -> String {
        var request = HTTPClientRequest(url: uri)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await OutboundHTTP.client.execute(request, timeout: .seconds(5))
        guard response.status.code == 200 else { throw ProviderError.invalidClient("the client's JWKS URL answered \(response.status.code)") }
        let body = try await response.body.collect(upTo: 256 * 1024)
        return String(buffer: body)
    }
}
