import CyberIDBase64URL
public import CyberIDCore
import CyberIDKeys
import CyberIDVault
public import Foundation

/// Who signed in to a first-party application.
public struct FirstPartySignIn: Sendable, Equatable {
    public var personID: String
    public var level: AssuranceLevel
    public var authTime: Date

    public init(personID: String, level: AssuranceLevel, authTime: Date) {
        (self.personID, self.level, self.authTime) = (personID, level, authTime)
    }
}

/// Why a first-party sign-in ended without a session; `reason` is one of `denied` (declined
/// in the wallet), `inactive` (the number is suspended, restricted or cancelled), `level`
/// (below the application's level), `reverify` (a verification too old: approve again with the
/// document's chip), `expired`, `state` (not started in this browser, or tampered with) and
/// `failed` (anything else).
public struct FirstPartyRefusal: Error, Sendable, Equatable {
    public var reason: String

    public init(reason: String) { self.reason = reason }
}

/// The sign-in of CyberID's own web applications: an ordinary authorization-code request
/// with PKCE, state and nonce, the pending values sealed into a browser cookie, and the code
/// redeemed in-process with the same checks as `/token` (single use, PKCE, redirect URI, a
/// still-valid holder). No ID token is minted: the application needs the person, not a token.
public struct FirstPartyLogin: Sendable {
    /// The application.
    public let client: FirstPartyClient
    let issuer: String
    let sealer: Sealer
    let tokens: TokenService
    /// How long a started sign-in may take (the login itself expires sooner).
    let lifetime: TimeInterval = 600

    struct Pending: Codable {
        var client: String
        var state: String
        var verifier: String
        var expiresAt: Double
    }

    /// Starts a sign-in.
    /// - Returns: where to send the browser (`/authorize?…`), and the sealed value of the
    ///   short-lived cookie that binds the sign-in to this browser.
    public func start(now: Date = Date()) throws -> (location: String, cookie: String) {
        let pending = Pending(
            client: client.id, state: SecureRandom.token(bytes: 16), verifier: SecureRandom.token(bytes: 32),
            expiresAt: now.timeIntervalSince1970 + lifetime)
        let query = FormParameters.encode([
            ("response_type", "code"), ("client_id", client.id), ("redirect_uri", issuer + client.callbackPath),
            ("scope", "openid"), ("state", pending.state), ("nonce", SecureRandom.token(bytes: 16)),
            ("code_challenge", Base64URL.encode(sha256(pending.verifier))), ("code_challenge_method", "S256"),
            ("acr_values", client.level.acr),
        ])
        return (issuer + "/authorize?" + query, try sealer.seal(pending))
    }

    /// Finishes a sign-in at the callback.
    /// - Parameters:
    ///   - query: the callback's query (`code`, `state`, `iss`, or `error`…).
    ///   - cookie: the sealed value ``start(now:)`` returned.
    /// - Throws: ``FirstPartyRefusal``.
    public func finish(_ query: FormParameters, cookie: String?, now: Date = Date()) async throws(FirstPartyRefusal)
        -> FirstPartySignIn
    {
        guard let cookie, let pending = sealer.open(cookie, as: Pending.self), pending.client == client.id else {
            throw FirstPartyRefusal(reason: "state")
        }
        guard pending.expiresAt > now.timeIntervalSince1970 else { throw FirstPartyRefusal(reason: "expired") }
        guard let state = query["state"], constantTimeEqual(Array(state.utf8), Array(pending.state.utf8)) else {
            throw FirstPartyRefusal(reason: "state")
        }
        if let iss = query["iss"], iss != issuer { throw FirstPartyRefusal(reason: "state") }
        if let error = query["error"] {
            throw FirstPartyRefusal(reason: Self.reason(error: error, description: query["error_description"]))
        }
        let form = FormParameters([
            "code": query["code"] ?? "", "redirect_uri": issuer + client.callbackPath, "code_verifier": pending.verifier,
        ])
        let redeemed: RedeemedCode
        do {
            redeemed = try await tokens.redeem(form, clientID: client.id, now: now)
        } catch {
            throw FirstPartyRefusal(reason: "failed")
        }
        guard redeemed.level >= client.level else { throw FirstPartyRefusal(reason: "level") }
        return FirstPartySignIn(
            personID: redeemed.personID, level: redeemed.level, authTime: Date(timeIntervalSince1970: redeemed.authTime))
    }

    /// The refusal reason of an error redirect from the login.
    static func reason(error: String, description: String?) -> String {
        let description = description ?? ""
        if error == "unmet_authentication_requirements" { return "level" }
        if description.hasPrefix("logins are refused while the network number is") { return "inactive" }
        if description.contains("verify again") || description.contains("re-verify") { return "reverify" }
        if description.contains("expired") { return "expired" }
        if description == "the person declined" { return "denied" }
        return "failed"
    }
}

extension OpenIDProvider {
    /// The sign-in of one of CyberID's own applications.
    public func firstPartyLogin(_ client: FirstPartyClient) -> FirstPartyLogin {
        FirstPartyLogin(client: client, issuer: issuer, sealer: firstPartySealer, tokens: tokens)
    }
}
