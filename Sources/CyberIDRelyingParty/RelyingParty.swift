public import AsyncHTTPClient
import CyberIDBase64URL
public import Crypto
public import Foundation
public import JWTKit
import NIOCore
import NIOFoundationCompat
import NIOHTTP1

/// A relying party's side of a CyberID login: discovery, the authorization URL with PKCE,
/// state and nonce, the callback checks (state, RFC 9207 `iss`), the code exchange, and ID-token
/// verification (ES256 via the provider's JWKS, refreshed when a `kid` is unknown).
public final class RelyingParty: Sendable {
    /// How the client authenticates at the token endpoint.
    public enum Credentials: Sendable {
        /// `client_secret_basic`.
        case secret(String)
        /// `private_key_jwt` with an ES256 key and its `kid`.
        case privateKey(P256.Signing.PrivateKey, kid: String)
    }

    /// The provider's discovery document (the fields the SDK uses).
    public struct Metadata: Sendable, Decodable {
        public var issuer: String
        public var authorizationEndpoint: String
        public var tokenEndpoint: String
        public var jwksURI: String
        public var userinfoEndpoint: String?
        public var pushedAuthorizationRequestEndpoint: String?

        enum CodingKeys: String, CodingKey {
            case issuer, authorizationEndpoint = "authorization_endpoint", tokenEndpoint = "token_endpoint"
            case jwksURI = "jwks_uri", userinfoEndpoint = "userinfo_endpoint"
            case pushedAuthorizationRequestEndpoint = "pushed_authorization_request_endpoint"
        }
    }

    /// A prepared authorization request: send the browser to ``url``, keep the rest for the callback.
    public struct AuthorizationRequest: Sendable {
        public var url: String
        public var state: String
        public var nonce: String
        public var codeVerifier: String
        public var maxAge: Int?
        public var requiredLevel: String?
    }

    /// What a verified login yields.
    public struct Login: Sendable {
        /// The verified ID token's claims.
        public var claims: IDToken
        /// The access token (for userinfo).
        public var accessToken: String
        /// The raw ID token.
        public var idToken: String
    }

    /// The ID token claims CyberID issues.
    public struct IDToken: JWTPayload, Equatable {
        public var iss: String
        public var sub: String
        public var aud: AudienceClaim
        public var exp: ExpirationClaim
        public var iat: IssuedAtClaim
        public var authTime: Int?
        public var nonce: String?
        public var acr: String?
        /// How the person authenticated (RFC 8176): `hwk`, and `pin`, `face` in modes R02–R04.
        public var amr: [String]?
        /// The person's eIDAS level, when `acr` names an authentication mode.
        public var cyberidLevel: String?
        public var cyberidVerified: Bool?
        public var ageOver14: Bool?
        public var ageOver18: Bool?
        public var name: String?
        public var birthdate: String?
        public var networkNumber: String?

        enum CodingKeys: String, CodingKey {
            case iss, sub, aud, exp, iat, nonce, acr, amr, name, birthdate, cyberidLevel = "cyberid_level"
            case authTime = "auth_time", cyberidVerified = "cyberid_verified", ageOver14 = "age_over_14"
            case ageOver18 = "age_over_18", networkNumber = "network_number"
        }

        public func verify(using algorithm: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    public let metadata: Metadata
    public let clientID: String
    public let redirectURI: String
    let credentials: Credentials
    let http: HTTPClient
    private let keys: KeyCache

    /// Discovers the provider at `issuer` and creates the relying party.
    /// - Throws: ``RelyingPartyError`` when discovery fails or the document's issuer differs.
    public static func discover(
        issuer: String, clientID: String, credentials: Credentials, redirectURI: String, http: HTTPClient = .shared
    ) async throws -> RelyingParty {
        let data = try await fetch(http, "\(issuer)/.well-known/openid-configuration")
        guard let metadata = try? JSONDecoder().decode(Metadata.self, from: data) else {
            throw RelyingPartyError("the discovery document does not parse")
        }
        guard metadata.issuer == issuer else { throw RelyingPartyError("the discovery document names another issuer") }
        return RelyingParty(metadata: metadata, clientID: clientID, credentials: credentials, redirectURI: redirectURI, http: http)
    }

    init(metadata: Metadata, clientID: String, credentials: Credentials, redirectURI: String, http: HTTPClient) {
        (
            self.metadata, self.clientID, self.credentials, self.redirectURI, self.http
        ) = (
            metadata, clientID, credentials, redirectURI, http
        )
        keys = KeyCache(jwksURI: metadata.jwksURI, http: http)
    }

    /// Prepares an authorization request (code flow, PKCE S256, fresh state and nonce).
    public func authorizationRequest(
        scope: String = "openid", acrValues: String? = nil, prompt: String? = nil, maxAge: Int? = nil
    ) -> AuthorizationRequest {
        let verifier = Self.random(32)
        let state = Self.random(16)
        let nonce = Self.random(16)
        var query = [
            ("response_type", "code"), ("client_id", clientID), ("redirect_uri", redirectURI), ("scope", scope),
            ("state", state), ("nonce", nonce), ("code_challenge", Self.base64URL(SHA256.hash(data: Array(verifier.utf8)))),
            ("code_challenge_method", "S256"),
        ]
        if let acrValues { query.append(("acr_values", acrValues)) }
        if let prompt { query.append(("prompt", prompt)) }
        if let maxAge { query.append(("max_age", String(maxAge))) }
        return AuthorizationRequest(
            url: metadata.authorizationEndpoint + "?" + Self.form(query), state: state, nonce: nonce, codeVerifier: verifier,
            maxAge: maxAge, requiredLevel: acrValues)
    }

    /// Checks the callback (state, `iss`, error) and returns the code.
    /// - Parameter callback: the redirect URL the browser came back with.
    public func code(fromCallback callback: String, for request: AuthorizationRequest) throws -> String {
        guard let components = URLComponents(string: callback) else { throw RelyingPartyError("the callback is not a URL") }
        var values = [String: String]()
        for item in components.queryItems ?? [] { values[item.name] = item.value }
        guard values["state"] == request.state else { throw RelyingPartyError("the callback's state does not match") }
        guard values["iss"] == metadata.issuer else { throw RelyingPartyError("the callback's iss is not the issuer (RFC 9207)") }
        if let error = values["error"] { throw RelyingPartyError("the provider answered \(error): \(values["error_description"] ?? "")") }
        guard let code = values["code"] else { throw RelyingPartyError("the callback has no code") }
        return code
    }

    /// Exchanges the code and verifies the ID token (signature, iss, aud, exp, nonce, and the
    /// level when one was asked for).
    public func exchange(code: String, for request: AuthorizationRequest) async throws -> Login {
        var form = [
            ("grant_type", "authorization_code"), ("code", code), ("redirect_uri", redirectURI),
            ("code_verifier", request.codeVerifier),
        ]
        var headers = HTTPHeaders()
        try await authenticate(&form, &headers)
        var httpRequest = HTTPClientRequest(url: metadata.tokenEndpoint)
        httpRequest.method = .POST
        headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
        httpRequest.headers = headers
        httpRequest.body = .bytes(ByteBuffer(string: Self.form(form)))
        let response = try await http.execute(httpRequest, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else {
            let error = (try? JSONDecoder().decode([String: String].self, from: Data(buffer: body)))?["error"] ?? "?"
            throw RelyingPartyError("the token endpoint answered \(response.status.code) \(error)")
        }
        guard let tokens = try? JSONDecoder().decode(TokenBody.self, from: Data(buffer: body)) else {
            throw RelyingPartyError("the token response does not parse")
        }
        let claims = try await verifyIDToken(tokens.idToken, nonce: request.nonce, requiredLevel: request.requiredLevel)
        return Login(claims: claims, accessToken: tokens.accessToken, idToken: tokens.idToken)
    }

    /// Verifies an ID token.
    public func verifyIDToken(_ token: String, nonce: String?, requiredLevel: String? = nil) async throws -> IDToken {
        let claims = try await keys.verify(token)
        guard claims.iss == metadata.issuer else { throw RelyingPartyError("the ID token's iss is not the issuer") }
        guard claims.aud.value.contains(clientID) else { throw RelyingPartyError("the ID token is for another audience") }
        guard claims.nonce == nonce else { throw RelyingPartyError("the ID token's nonce does not match") }
        if let requiredLevel, !Self.acr(claims.acr, level: claims.cyberidLevel, meets: requiredLevel) {
            throw RelyingPartyError("the ID token's acr is \(claims.acr ?? "absent"), not \(requiredLevel)")
        }
        return claims
    }

    /// The eIDAS levels of assurance, lowest first.
    static let levels = ["low", "substantial", "high"].map { "http://eidas.europa.eu/LoA/\($0)" }

    /// Whether the token satisfies the `acr_values` asked for (space-separated), each kind
    /// checked on its own so that a browser cannot drop one from the request unnoticed:
    /// - a CyberID authentication mode asked for: `acr` is a mode with every factor of the first
    ///   one asked (the platform's registered minimum may raise R02 to R04);
    /// - an eIDAS level asked for: the person's level (`acr`, or `cyberid_level` when `acr` is a
    ///   mode) is at least the lowest level asked (a provider may verify more strongly);
    /// - neither: `acr` is exactly one of the values.
    static func acr(_ acr: String?, level: String? = nil, meets requested: String) -> Bool {
        guard let acr else { return false }
        let values = requested.split(separator: " ").map(String.init)
        // Another provider's own value, asked for by name.
        if values.contains(acr), modeFactors(acr) == nil, !levels.contains(acr) { return true }
        let askedMode = values.lazy.compactMap(modeFactors).first
        let askedLevel = values.compactMap { levels.firstIndex(of: $0) }.min()
        guard askedMode != nil || askedLevel != nil else { return values.contains(acr) }
        let met = modeFactors(acr)
        if let askedMode {
            guard let met, (met.password || !askedMode.password) && (met.face || !askedMode.face) else { return false }
        }
        if let askedLevel {
            guard let rank = levels.firstIndex(of: (met == nil ? acr : level) ?? "") else { return false }
            return rank >= askedLevel
        }
        return true
    }

    /// Adds the client's authentication to a request's form and headers.
    func authenticate(_ form: inout [(String, String)], _ headers: inout HTTPHeaders) async throws {
        switch credentials {
        case .secret(let secret):
            let pair = "\(Self.formEscape(clientID)):\(Self.formEscape(secret))"
            headers.add(name: "Authorization", value: "Basic " + Data(pair.utf8).base64EncodedString())
        case .privateKey(let key, let kid):
            form.append(("client_id", clientID))
            form.append(("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))
            form.append(("client_assertion", try await assertion(key: key, kid: kid)))
        }
    }

    /// The factors of a CyberID authentication mode URI (`urn:cyberid:mode:R01` … `R04`).
    static func modeFactors(_ value: String) -> (password: Bool, face: Bool)? {
        switch value {
        case "urn:cyberid:mode:R01": (false, false)
        case "urn:cyberid:mode:R02": (true, false)
        case "urn:cyberid:mode:R03": (false, true)
        case "urn:cyberid:mode:R04": (true, true)
        default: nil
        }
    }

    private func assertion(key: P256.Signing.PrivateKey, kid: String) async throws -> String {
        struct Assertion: JWTPayload {
            var iss: String, sub: String, aud: String, exp: Int, iat: Int, jti: String
            func verify(using algorithm: some JWTAlgorithm) async throws {}
        }
        let now = Int(Date().timeIntervalSince1970)
        let collection = JWTKeyCollection()
        await collection.add(ecdsa: try ES256PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        return try await collection.sign(
            Assertion(iss: clientID, sub: clientID, aud: metadata.issuer, exp: now + 60, iat: now, jti: Self.random(16)),
            kid: JWKIdentifier(string: kid))
    }

    private struct TokenBody: Decodable {
        var accessToken: String
        var idToken: String
        enum CodingKeys: String, CodingKey { case accessToken = "access_token", idToken = "id_token" }
    }

    static func fetch(_ http: HTTPClient, _ url: String) async throws -> Data {
        var request = HTTPClientRequest(url: url)
        request.headers.add(name: "Accept", value: "application/json")
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        guard response.status == .ok else { throw RelyingPartyError("\(url) answered \(response.status.code)") }
        return Data(buffer: body)
    }

    static func random(_ count: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return base64URL((0..<count).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }

    static func base64URL(_ bytes: some Sequence<UInt8>) -> String { Base64URL.encode(bytes) }

    static func form(_ pairs: [(String, String)]) -> String {
        pairs.map { "\(formEscape($0.0))=\(formEscape($0.1))" }.joined(separator: "&")
    }

    /// Percent-encodes everything but RFC 3986 unreserved characters.
    static func formEscape(_ text: String) -> String {
        var out = [UInt8]()
        out.reserveCapacity(text.utf8.count)
        let hex = Array("0123456789ABCDEF".utf8)
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }
}

/// Why the relying party refused a login.
public struct RelyingPartyError: Error, Sendable, CustomStringConvertible {
    public let description: String
    /// The provider's problem code, when it answered with a CyberID problem document (e.g.
    /// `code-used`).
    public let problem: String?
    init(_ description: String, problem: String? = nil) { (self.description, self.problem) = (description, problem) }
}

/// The provider's keys, fetched again (at most every 10 s) when a token names an unknown key.
actor KeyCache {
    private let jwksURI: String
    private let http: HTTPClient
    private var keys: JWTKeyCollection?
    private var fetchedAt = Date.distantPast

    init(jwksURI: String, http: HTTPClient) {
        self.jwksURI = jwksURI
        self.http = http
    }

    func verify(_ token: String) async throws -> RelyingParty.IDToken {
        if let keys, let claims = try? await keys.verify(token, as: RelyingParty.IDToken.self) { return claims }
        guard keys == nil || Date().timeIntervalSince(fetchedAt) > 10 else {
            throw RelyingPartyError("the ID token does not verify with the provider's keys")
        }
        let fresh = JWTKeyCollection()
        let data = try await RelyingParty.fetch(http, jwksURI)
        try await fresh.add(jwksJSON: String(decoding: data, as: UTF8.self))
        keys = fresh
        fetchedAt = Date()
        do {
            return try await fresh.verify(token, as: RelyingParty.IDToken.self)
        } catch {
            throw RelyingPartyError("the ID token does not verify with the provider's keys: \(error)")
        }
    }
}
