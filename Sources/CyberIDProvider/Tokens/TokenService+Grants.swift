import CyberIDBase64URL
public import CyberIDCore
import CyberIDKeys
import CyberIDStore
import CyberIDVault
import Crypto
public import Foundation

/// The token endpoint's answer (RFC 6749 §5.1, OIDC Core §3.1.3.3).
public struct TokenResponse: Sendable, Codable, Equatable {
    public var accessToken: String
    public var tokenType = "Bearer"
    public var expiresIn: Int
    public var idToken: String
    public var scope: String

    enum CodingKeys: String, CodingKey {
        case accessToken = "access_token", tokenType = "token_type", expiresIn = "expires_in", idToken = "id_token", scope
    }
}

/// A redeemed authorization code: what the token endpoint and the first-party sign-in build on.
struct RedeemedCode {
    var code: CodeState
    var grant: LoginGrant
    var personID: String
    var subject: String
    var level: AssuranceLevel
    var authTime: Double
}

/// The PAR endpoint's answer (RFC 9126 §2.2).
public struct PushedAuthorizationResponse: Sendable, Codable, Equatable {
    public var requestURI: String
    public var expiresIn: Int

    enum CodingKeys: String, CodingKey { case requestURI = "request_uri", expiresIn = "expires_in" }
}

/// An access token's content, sealed (opaque to the client); it works while its login's
/// decision row says `completed`.
struct AccessTokenState: Codable, Sendable {
    var transactionID: String
    var clientID: String
    var expiresAt: Double

    enum CodingKeys: String, CodingKey { case transactionID = "t", clientID = "c", expiresAt = "e" }
}

extension TokenService {
    /// `POST /par` (RFC 9126): authenticates the client, validates the request and seals it into
    /// a short-lived `request_uri`.
    public func pushAuthorizationRequest(_ credentials: ClientCredentials, now: Date = Date()) async throws
        -> PushedAuthorizationResponse
    {
        let client = try await authenticator.authenticate(credentials, endpoint: "\(issuer)/par", now: now)
        let request = try validator.validatePushed(credentials.form, client: client)
        let pushed = PushedRequest(request: request, expiresAt: now.timeIntervalSince1970 + configuration.pushedRequestLifetime)
        return PushedAuthorizationResponse(
            requestURI: "urn:ietf:params:oauth:request_uri:" + (try sealers.pushedRequest.seal(pushed)),
            expiresIn: Int(configuration.pushedRequestLifetime))
    }

    /// `POST /token`: exchanges an authorization code (with PKCE) for an ID token and an
    /// access token. A code presented twice revokes what its first exchange issued.
    public func exchange(_ credentials: ClientCredentials, now: Date = Date()) async throws -> TokenResponse {
        let form = credentials.form
        let client = try await authenticator.authenticate(credentials, endpoint: "\(issuer)/token", now: now)
        guard let grantType = form["grant_type"] else { throw ProviderError.invalidRequest("grant_type is missing") }
        guard grantType == "authorization_code" else {
            throw ProviderError.unsupportedGrantType("only authorization_code is supported")
        }
        let redeemed = try await redeem(form, clientID: client.id, now: now)
        let (code, grant, level) = (redeemed.code, redeemed.grant, redeemed.level)
        var claims = IDTokenClaims(
            iss: issuer, sub: redeemed.subject, aud: client.id,
            exp: Int(now.timeIntervalSince1970 + configuration.idTokenLifetime), iat: Int(now.timeIntervalSince1970),
            authTime: Int(redeemed.authTime), nonce: code.nonce, acr: grant.acr ?? level.acr,
            amr: grant.amr ?? ["hwk"], cyberidLevel: grant.mode == nil ? nil : level.acr)
        try await addReleasedClaims(
            Scope.releasable(grant.released, legalBasis: client.metadata.legalBasis), personID: redeemed.personID, now: now,
            to: &claims)
        let accessToken = try sealers.accessToken.seal(
            AccessTokenState(
                transactionID: code.transactionID, clientID: client.id,
                expiresAt: now.timeIntervalSince1970 + configuration.accessTokenLifetime))
        return TokenResponse(
            accessToken: accessToken, expiresIn: Int(configuration.accessTokenLifetime), idToken: try await signer.sign(claims),
            scope: code.scopes.map(\.rawValue).joined(separator: " "))
    }

    /// An authorization code's checks and single use, shared by `/token` and CyberID's own
    /// first-party sign-in: the code is this client's, fresh, for this redirect URI, PKCE
    /// matches, it was approved and not used, and the holder is still valid.
    func redeem(_ form: FormParameters, clientID: String, now: Date) async throws -> RedeemedCode {
        guard let codeText = form["code"], let code = sealers.code.open(codeText, as: CodeState.self) else {
            throw ProviderError.invalidGrant("unknown authorization code")
        }
        guard code.clientID == clientID else { throw ProviderError.invalidGrant("the code was issued to another client") }
        guard code.issuedAt + configuration.codeLifetime > now.timeIntervalSince1970 else {
            throw ProviderError.invalidGrant("the authorization code expired")
        }
        guard let redirectURI = form["redirect_uri"], redirectURI.utf8.elementsEqual(code.redirectURI.utf8) else {
            throw ProviderError.invalidGrant("redirect_uri differs from the authorization request's")
        }
        guard let verifier = form["code_verifier"] else { throw ProviderError.invalidGrant("code_verifier is missing (PKCE)") }
        guard (43...128).contains(verifier.utf8.count),
            Base64URL.encode(sha256(verifier)) == code.codeChallenge
        else { throw ProviderError.invalidGrant("code_verifier does not match the code_challenge") }
        guard let decision = try await store.completeLogin(id: code.transactionID, clientID: clientID) else {
            // Not `approved`: used before (revoke what the first use issued), or never approved.
            if try await store.revokeLogin(id: code.transactionID) {
                throw ProviderError.invalidGrant("the authorization code was already used; its tokens are revoked")
            }
            throw ProviderError.invalidGrant("the authorization code is not valid")
        }
        // `completeLogin` returns approved rows only: a grant that cannot be read is the
        // service's fault (a damaged row, a later release's layout), not the platform's.
        guard let grant = LoginGrant(payload: decision.payload) else { throw UnreadableGrant() }
        guard let subject = grant.subject, let level = grant.level, let authTime = grant.authTime,
            let personID = decision.personID
        else { throw ProviderError.invalidGrant("the login was not approved") }
        guard try await holderIsStillValid(grant, personID: personID) else {
            throw ProviderError.invalidGrant("the holder's network number or certificate is no longer valid")
        }
        return RedeemedCode(
            code: code, grant: grant, personID: personID, subject: subject, level: level, authTime: authTime)
    }

    /// `GET|POST /userinfo`: the released claims for a live access token.
    /// - Returns: the claims as JSON-ready values.
    public func userinfo(accessToken: String?, now: Date = Date()) async throws -> [String: JSONValue] {
        guard let accessToken, let state = sealers.accessToken.open(accessToken, as: AccessTokenState.self) else {
            throw ProviderError.invalidToken("unknown access token")
        }
        guard state.expiresAt > now.timeIntervalSince1970 else { throw ProviderError.invalidToken("the access token expired") }
        guard let decision = try await store.transaction(id: state.transactionID), decision.status == .completed,
            let personID = decision.personID
        else { throw ProviderError.invalidToken("the access token was revoked") }
        guard let grant = LoginGrant(payload: decision.payload) else { throw UnreadableGrant() }
        guard let subject = grant.subject, let level = grant.level else {
            throw ProviderError.invalidToken("the access token was revoked")
        }
        guard let client = try await registry.client(id: state.clientID), !client.disabled else {
            throw ProviderError.invalidToken("the client is disabled")
        }
        guard try await holderIsStillValid(grant, personID: personID) else {
            throw ProviderError.invalidToken("the holder's network number or certificate is no longer valid")
        }
        var claims = IDTokenClaims(iss: issuer, sub: subject, aud: state.clientID, exp: 0, iat: 0, authTime: 0, acr: level.acr)
        try await addReleasedClaims(
            Scope.releasable(grant.released, legalBasis: client.metadata.legalBasis), personID: personID, now: now, to: &claims)
        var out: [String: JSONValue] = [
            "sub": .string(subject), "cyberid_verified": .bool(true), "acr": .string(grant.acr ?? level.acr),
        ]
        if grant.mode != nil { out["cyberid_level"] = .string(level.acr) }
        if let value = claims.ageOver14 { out["age_over_14"] = .bool(value) }
        if let value = claims.ageOver18 { out["age_over_18"] = .bool(value) }
        if let value = claims.name { out["name"] = .string(value) }
        if let value = claims.birthdate { out["birthdate"] = .string(value) }
        if let value = claims.networkNumber { out["network_number"] = .string(value) }
        return out
    }

    /// `POST /revoke` (RFC 7009): revokes the grant behind an access token of this client.
    /// Unknown tokens are not an error (§2.2).
    public func revoke(_ credentials: ClientCredentials, now: Date = Date()) async throws {
        let client = try await authenticator.authenticate(credentials, endpoint: "\(issuer)/revoke", now: now)
        guard let token = credentials.form["token"] else { throw ProviderError.invalidRequest("token is missing") }
        if let hint = credentials.form["token_type_hint"], hint != "access_token", hint != "refresh_token" {
            throw ProviderError.unsupportedTokenType("unknown token_type_hint")
        }
        guard let state = sealers.accessToken.open(token, as: AccessTokenState.self), state.clientID == client.id else { return }
        try await store.revokeLogin(id: state.transactionID)
    }

    /// Whether the person who approved is still active and the certificate that approved still
    /// valid (a suspension or a revocation after the approval stops the code and the token).
    func holderIsStillValid(_ grant: LoginGrant, personID: String) async throws -> Bool {
        guard let serial = grant.certificate else {
            // A grant written before certificates were recorded in it: the person's state only.
            return try await store.person(id: personID)?.state == .active
        }
        guard let holder = try await store.certificateHolder(serial: serial) else { return false }
        return holder.personID == personID && holder.personState == .active && holder.certificateStatus == .valid
    }

    /// Adds the released claims that need the person's record (age on the day, real name,
    /// network number).
    func addReleasedClaims(_ released: [String], personID: String, now: Date, to claims: inout IDTokenClaims) async throws {
        guard !released.isEmpty else { return }
        guard let person = try await store.person(id: personID), let record = try vault.open(person) else {
            throw ProviderError.invalidGrant("the person's record is no longer available")
        }
        let day = today(now)
        let band = AgeBand(birthDate: record.birthDate, on: day)
        for claim in released {
            switch claim {
            case "age_over_14": claims.ageOver14 = band != .under14
            case "age_over_18": claims.ageOver18 = band == .adult
            case "name": claims.name = "\(record.givenNames) \(record.surname)".trimmingCharacters(in: .whitespaces)
            case "birthdate": claims.birthdate = record.birthDate.description
            case "network_number":
                // As the person writes it (grouped, with its check character).
                claims.networkNumber = try await store.activeNetworkNumber(personID: personID).map {
                    (try? NetworkNumber(parsing: $0))?.formatted ?? $0
                }
            default: break
            }
        }
    }
}

extension TokenService {
    /// `POST /rp/v1/reverifications`: an authenticated platform flags its user (by its pairwise
    /// `sub`) for re-verification. Until the person re-verifies in the wallet, that platform's
    /// logins are refused with the reason.
    public func flagForReverification(_ credentials: ClientCredentials, now: Date = Date()) async throws {
        let client = try await authenticator.authenticate(credentials, endpoint: "\(issuer)/rp/v1/reverifications", now: now)
        guard let subject = credentials.form["sub"] else { throw ProviderError.invalidRequest("sub is missing") }
        guard let reason = credentials.form["reason"]?.trimmingCharacters(in: .whitespacesAndNewlines),
            reason.isPlainText(atMost: 500)
        else { throw ProviderError.invalidRequest("a reason (1 to 500 characters, no control characters) is required") }
        // A sub holding a NUL is none this service issued (no stored text holds one).
        guard !subject.utf8.contains(0) else { throw ProviderError.unknownSubject() }
        let person = try await store.restrict(
            clientID: client.id, subject: subject, reason: reason,
            history: {
                HistoryEntry(
                    personID: $0, clientID: client.id, event: .reverificationRequired, fields: ["reason": reason], at: now)
            },
            at: now)
        guard person != nil else { throw ProviderError.unknownSubject() }
    }
}
