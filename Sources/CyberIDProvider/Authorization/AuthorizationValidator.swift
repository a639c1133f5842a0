import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDStore
import Foundation

/// Turns raw authorization parameters into an ``AuthorizationRequest``, one named check per
/// protocol rule (in the spirit of node-oidc-provider's `check_*` steps).
///
/// Until the client and redirect URI are known to be good, errors are problems shown to the
/// browser (never redirect to an unchecked URI, RFC 9700 §4.11); after that they are
/// redirectable OAuth errors carrying `state`.
struct AuthorizationValidator: Sendable {
    let registry: ClientRegistry
    let pushedRequests: Sealer
    /// Remembers used `request_uri`s (by hash, with the client assertions' single-use table).
    let singleUse: any ClientAssertionStore

    /// Validates a front-channel request (`/authorize`), resolving a PAR `request_uri`.
    /// - Returns: the client and the request; a failure after the redirect URI checks is a
    ///   ``AuthorizationFailure`` carrying where to send it.
    func validate(_ parameters: FormParameters, now: Date) async throws -> (Client, AuthorizationRequest) {
        let client = try await checkClient(parameters["client_id"])
        if let requestURI = parameters["request_uri"] {
            guard let pushed = openPushed(requestURI) else {
                // Not from /par (a URL to fetch a request object from, or forged): unsupported,
                // answered at the redirect URI when the request names a good one (OIDC Core §6.3).
                let redirectURI = try checkRedirectURI(parameters["redirect_uri"], client: client)
                throw AuthorizationFailure(
                    error: .authorization("request_uri_not_supported", "only request_uri values from this service's /par are supported"),
                    redirectURI: redirectURI, state: parameters["state"])
            }
            return (client, try await checkPushedRequest(pushed, requestURI: requestURI, client: client, now: now))
        }
        let redirectURI = try checkRedirectURI(parameters["redirect_uri"], client: client)
        do {
            if client.metadata.strict {
                throw ProviderError.authorization("invalid_request", "this client must push its request (PAR, FAPI 2.0)")
            }
            return (client, try checkParameters(parameters, client: client, redirectURI: redirectURI))
        } catch let error as ProviderError {
            throw AuthorizationFailure(error: error, redirectURI: redirectURI, state: parameters["state"])
        }
    }

    /// Validates a pushed request (`/par`) from an authenticated client; errors are OAuth JSON.
    func validatePushed(_ parameters: FormParameters, client: Client) throws -> AuthorizationRequest {
        guard parameters["request_uri"] == nil else { throw ProviderError.invalidRequest("request_uri is not allowed in a pushed request") }
        guard let redirectURI = parameters["redirect_uri"], Self.isRegistered(redirectURI, client) else {
            throw ProviderError.invalidRequest("redirect_uri is missing or not registered for this client")
        }
        do {
            return try checkParameters(parameters, client: client, redirectURI: redirectURI)
        } catch let error as ProviderError {
            throw ProviderError.invalidRequest(error.reason).renamed(error.code)
        }
    }

    // MARK: The checks

    func checkClient(_ clientID: String?) async throws -> Client {
        guard let clientID else { throw ProviderError.invalidAuthorizationRequest("client_id is missing") }
        guard let client = try await registry.cachedClient(id: clientID) else {
            throw ProviderError.invalidAuthorizationRequest("unknown client_id")
        }
        guard !client.disabled else { throw ProviderError.invalidAuthorizationRequest("this client is disabled") }
        return client
    }

    func checkRedirectURI(_ redirectURI: String?, client: Client) throws -> String {
        guard let redirectURI else { throw ProviderError.invalidAuthorizationRequest("redirect_uri is missing") }
        guard Self.isRegistered(redirectURI, client) else {
            throw ProviderError.invalidAuthorizationRequest("redirect_uri is not registered for this client")
        }
        return redirectURI
    }

    /// Exact comparison (RFC 9700 §4.1.3): no prefix, wildcard or normalisation — byte for byte,
    /// since Swift's `==` calls canonically equivalent strings equal (a Kelvin sign U+212A equals
    /// `K`: a review's finding).
    static func isRegistered(_ redirectURI: String, _ client: Client) -> Bool {
        client.metadata.redirectURIs.contains { $0.utf8.elementsEqual(redirectURI.utf8) }
    }

    /// The pushed request behind a `request_uri` this service issued, or `nil`.
    func openPushed(_ requestURI: String) -> PushedRequest? {
        let prefix = "urn:ietf:params:oauth:request_uri:"
        guard requestURI.hasPrefix(prefix) else { return nil }
        return pushedRequests.open(String(requestURI.dropFirst(prefix.count)), as: PushedRequest.self)
    }

    func checkPushedRequest(_ pushed: PushedRequest, requestURI: String, client: Client, now: Date) async throws
        -> AuthorizationRequest
    {
        guard pushed.request.clientID == client.id else {
            throw ProviderError.invalidAuthorizationRequest("request_uri was pushed by another client")
        }
        guard pushed.expiresAt > now.timeIntervalSince1970 else {
            throw AuthorizationFailure(
                error: .authorization("invalid_request_uri", "the pushed request expired"),
                redirectURI: pushed.request.redirectURI, state: pushed.request.state)
        }
        // Single use (RFC 9126 §4): a request_uri starts one login, so a captured one is worthless.
        let used = "par:" + Base64URL.encode(SHA256.hash(data: Array(requestURI.utf8)))
        guard
            try await singleUse.useClientAssertion(
                clientID: client.id, jti: used, expiresAt: Date(timeIntervalSince1970: pushed.expiresAt))
        else {
            throw AuthorizationFailure(
                error: .authorization("invalid_request_uri", "the pushed request was used before"),
                redirectURI: pushed.request.redirectURI, state: pushed.request.state)
        }
        return pushed.request
    }

    func checkParameters(_ parameters: FormParameters, client: Client, redirectURI: String) throws -> AuthorizationRequest {
        if parameters["request"] != nil {
            throw ProviderError.authorization("request_not_supported", "request objects are not supported; use PAR")
        }
        guard let responseType = parameters["response_type"] else {
            throw ProviderError.authorization("invalid_request", "response_type is missing")
        }
        guard responseType == "code" else {
            throw ProviderError.authorization("unsupported_response_type", "only the authorization code flow (code) is supported")
        }
        if let mode = parameters["response_mode"], mode != "query" {
            throw ProviderError.authorization("invalid_request", "only response_mode=query is supported")
        }
        let scopes = try checkScopes(parameters["scope"], client: client)
        let challenge = try checkPKCE(parameters["code_challenge"], method: parameters["code_challenge_method"])
        let prompt = try checkPrompt(parameters["prompt"])
        let maxAge = try checkMaxAge(parameters["max_age"])
        for (name, limit) in [("state", 1024), ("nonce", 512)] where (parameters[name]?.utf8.count ?? 0) > limit {
            throw ProviderError.authorization("invalid_request", "\(name) is longer than \(limit) bytes")
        }
        let requested = try checkMode(parameters["acr_values"])
        var request = AuthorizationRequest(
            clientID: client.id, redirectURI: redirectURI, scopes: scopes, state: parameters["state"],
            nonce: parameters["nonce"], codeChallenge: challenge, requiredLevel: checkACRValues(parameters["acr_values"]),
            maxAge: maxAge, prompt: prompt)
        // The client's registered mode is a minimum: a request raises it, never lowers it.
        request.mode = requested.map { $0.joined(client.metadata.defaultMode) } ?? client.metadata.defaultMode
        request.modeInACR = requested != nil || parameters["acr_values"] == nil
        return request
    }

    func checkScopes(_ text: String?, client: Client) throws -> [Scope] {
        let names = (text ?? "").split(separator: " ").map(String.init)
        guard names.contains("openid") else {
            throw ProviderError.authorization("invalid_scope", "the scope must include openid")
        }
        var scopes = [Scope]()
        for name in names {
            guard let scope = Scope(rawValue: name) else {
                throw ProviderError.authorization("invalid_scope", "unknown scope \(name)")
            }
            if scope.needsLegalBasis, client.metadata.legalBasis == nil {
                throw ProviderError.authorization("invalid_scope", "\(name) is only for platforms with a registered legal basis")
            }
            guard client.metadata.scopes.contains(scope) else {
                throw ProviderError.authorization("invalid_scope", "this client is not registered for the scope \(name)")
            }
            if !scopes.contains(scope) { scopes.append(scope) }
        }
        return scopes
    }

    func checkPKCE(_ challenge: String?, method: String?) throws -> String {
        guard let challenge else {
            throw ProviderError.authorization("invalid_request", "PKCE is required: send code_challenge with code_challenge_method=S256")
        }
        guard method == "S256" else {
            throw ProviderError.authorization("invalid_request", "code_challenge_method must be S256")
        }
        guard challenge.utf8.count == 43, challenge.utf8.allSatisfy(isBase64URLCharacter) else {
            throw ProviderError.authorization("invalid_request", "code_challenge must be a base64url SHA-256 (43 characters)")
        }
        return challenge
    }

    func checkPrompt(_ text: String?) throws -> [String] {
        let values = (text ?? "").split(separator: " ").map(String.init)
        for value in values where !["none", "login", "consent", "select_account"].contains(value) {
            throw ProviderError.authorization("invalid_request", "unknown prompt value \(value)")
        }
        if values.contains("none") {
            guard values.count == 1 else {
                throw ProviderError.authorization("invalid_request", "prompt=none cannot be combined with other values")
            }
            // No browser session exists: every login is a fresh wallet approval.
            throw ProviderError.authorization("login_required", "CyberID keeps no browser session; every login needs the wallet")
        }
        return values
    }

    func checkMaxAge(_ text: String?) throws -> Int? {
        guard let text else { return nil }
        guard let value = Int(text), value >= 0 else {
            throw ProviderError.authorization("invalid_request", "max_age must be a non-negative integer")
        }
        return value
    }

    /// `acr_values` lists acceptable levels; the lowest known one is the requirement.
    func checkACRValues(_ text: String?) -> AssuranceLevel? {
        (text ?? "").split(separator: " ").compactMap { AssuranceLevel(acr: String($0)) }.min()
    }

    /// `acr_values` may name authentication modes (`urn:cyberid:mode:R01` … `R04`), in order of
    /// preference (OIDC Core §3.1.2.1): the first is the one the wallet is asked to meet. An
    /// unknown mode is refused rather than ignored (it would fall back to a weaker one).
    func checkMode(_ text: String?) throws -> AuthenticationMode? {
        let named = (text ?? "").split(separator: " ").filter { $0.hasPrefix(AuthenticationMode.uriPrefix) }
        let modes = named.compactMap { AuthenticationMode(parsing: String($0)) }
        guard modes.count == named.count else {
            throw ProviderError.authorization(
                "invalid_request", "unknown authentication mode in acr_values; this service knows urn:cyberid:mode:R01 to R04")
        }
        return modes.first
    }
}

/// An authorization error to send to a checked redirect URI.
struct AuthorizationFailure: Error, Sendable {
    let error: ProviderError
    let redirectURI: String
    let state: String?
}

/// A pushed authorization request, sealed into its `request_uri`.
struct PushedRequest: Codable, Sendable {
    var request: AuthorizationRequest
    var expiresAt: Double

    enum CodingKeys: String, CodingKey { case request = "q", expiresAt = "e" }
}

private func isBase64URLCharacter(_ byte: UInt8) -> Bool {
    switch byte {
    case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
        UInt8(ascii: "-"), UInt8(ascii: "_"):
        true
    default: false
    }
}

extension ProviderError {
    /// The same error under another OAuth code (a redirect error re-sent as JSON from `/par`).
    func renamed(_ code: String) -> ProviderError {
        ProviderError(code: code, kind: kind, reason: reason, isOAuth: true)
    }
}
