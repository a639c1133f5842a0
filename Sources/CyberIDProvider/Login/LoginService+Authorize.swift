import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import CyberIDVault
public import Foundation

extension LoginService {
    /// Handles an authorization request (`/authorize`, GET or POST): validates it and starts a
    /// login transaction for the page.
    /// - Returns: the login to show, or a redirect carrying an error for the client.
    /// - Throws: ``ProviderError`` for a request that must not be redirected (unknown or
    ///   disabled client, unregistered redirect URI).
    public func authorize(_ parameters: FormParameters, now: Date = Date()) async throws -> AuthorizationOutcome {
        let client: Client
        let request: AuthorizationRequest
        do {
            (client, request) = try await validator.validate(parameters, now: now)
        } catch let failure as AuthorizationFailure {
            return .redirect(errorRedirect(failure.redirectURI, failure.error.code, failure.error.reason, state: failure.state))
        }
        let transaction = SecureRandom.bytes(16)
        let nonceBytes = SecureRandom.bytes(16)
        let transactionID = Base64URL.encode(transaction)
        let nonce = Base64URL.encode(nonceBytes)
        let browserSecret = SecureRandom.token()
        let expiresAt = now.addingTimeInterval(configuration.loginLifetime)
        let state = LoginState(
            transactionID: transactionID, nonce: nonce, request: request, expiresAt: expiresAt.timeIntervalSince1970,
            browserBinding: Base64URL.encode(sha256(browserSecret)))
        let ticket = LoginTicket(
            transaction: transaction, nonce: nonceBytes, clientID: client.id, sector: client.metadata.sector,
            scopes: request.scopes, requiredLevel: request.requiredLevel, prompt: request.prompt,
            expiresAt: UInt32(expiresAt.timeIntervalSince1970.rounded(.up)))
        let walletURI = "cyberid://login?" + FormParameters.encode([("iss", issuer), ("t", try sealers.ticket.seal(bytes: ticket.bytes))])
        return .login(
            LoginStart(
                transactionID: transactionID, walletURI: walletURI, requestToken: try sealers.request.seal(state),
                browserSecret: browserSecret, expiresAt: expiresAt, clientName: client.name, claims: request.claims))
    }

    /// What the wallet shows for a ticket: the platform as registered now (a disabled one gets
    /// nothing), the claims and level it asks for.
    /// - Throws: ``ProviderError`` `invalid-login-ticket`, `login-expired` or `unknown-client`.
    public func walletView(ticket text: String, now: Date = Date()) async throws -> WalletLoginView {
        let ticket = try openTicket(text, now: now)
        guard let client = try await registry.cachedClient(id: ticket.clientID), !client.disabled else {
            throw ProviderError.unknownClient("the platform of this login is no longer registered")
        }
        return WalletLoginView(
            transactionID: ticket.transactionID, nonce: ticket.nonceText, clientID: client.id, clientName: client.name,
            scopes: ticket.scopes.map(\.rawValue), claims: Scope.claims(of: ticket.scopes),
            legalBasis: client.metadata.legalBasis, acrValues: ticket.requiredLevel?.acr, prompt: ticket.prompt,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(ticket.expiresAt)))
    }

    /// Where a login stands, for the page's polling.
    /// - Throws: ``ProviderError`` `invalid-login-ticket` for a request token this service did not make.
    public func loginStatus(requestToken: String, now: Date = Date()) async throws -> LoginStatus {
        guard let state = sealers.request.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        guard let decision = try await store.transaction(id: state.transactionID) else {
            return state.expiresAt <= now.timeIntervalSince1970 ? .expired : .pending
        }
        switch decision.status {
        case .approved, .completed, .revoked: return .approved
        case .denied, .failed: return .denied
        case .expired: return .expired
        case .pending: return .pending
        }
    }

    /// Continues a decided login in the browser that started it.
    /// - Parameters:
    ///   - requestToken: the page's sealed request.
    ///   - browserSecret: the `cyberid_login` cookie.
    /// - Returns: the redirect to the client: a code, or an error.
    /// - Throws: ``ProviderError`` for a foreign browser, an undecided or already used login.
    public func continueLogin(requestToken: String, browserSecret: String?, now: Date = Date()) async throws -> String {
        guard let state = sealers.request.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        guard let browserSecret, constantTimeEqual(Array(Base64URL.encode(sha256(browserSecret)).utf8), Array(state.browserBinding.utf8))
        else { throw ProviderError.browserNotBound() }
        let request = state.request
        guard let decision = try await store.transaction(id: state.transactionID) else {
            guard state.expiresAt <= now.timeIntervalSince1970 else { throw ProviderError.loginPending() }
            return errorRedirect(request.redirectURI, "access_denied", "the login transaction expired", state: request.state)
        }
        switch decision.status {
        case .approved:
            let code = CodeState(
                transactionID: state.transactionID, clientID: request.clientID, redirectURI: request.redirectURI,
                codeChallenge: request.codeChallenge, nonce: request.nonce, scopes: request.scopes,
                issuedAt: now.timeIntervalSince1970)
            var pairs = [("code", try sealers.code.seal(code))]
            if let value = request.state { pairs.append(("state", value)) }
            pairs.append(("iss", issuer))
            return Self.append(pairs, to: request.redirectURI)
        case .denied, .failed, .expired, .pending:
            let grant = try? JSONDecoder().decode(LoginGrant.self, from: Data(decision.payload.utf8))
            return errorRedirect(
                request.redirectURI, grant?.error ?? "access_denied", grant?.errorDescription ?? "the login was not approved",
                state: request.state)
        case .completed, .revoked:
            throw ProviderError.loginAlreadyDecided()
        }
    }

    func openTicket(_ text: String, now: Date) throws(ProviderError) -> LoginTicket {
        guard let bytes = sealers.ticket.openBytes(text), let ticket = LoginTicket(bytes: bytes) else {
            throw .invalidLoginTicket()
        }
        guard TimeInterval(ticket.expiresAt) > now.timeIntervalSince1970 else { throw .loginExpired() }
        return ticket
    }

    /// An error response to a checked redirect URI (RFC 6749 §4.1.2.1, RFC 9207 `iss`).
    func errorRedirect(_ redirectURI: String, _ error: String, _ description: String, state: String?) -> String {
        var pairs = [("error", error), ("error_description", description)]
        if let state { pairs.append(("state", state)) }
        pairs.append(("iss", issuer))
        return Self.append(pairs, to: redirectURI)
    }

    static func append(_ pairs: [(String, String)], to uri: String) -> String {
        uri + (uri.contains("?") ? "&" : "?") + FormParameters.encode(pairs)
    }
}

/// An authorization code's content, sealed; its single use is the decision row's.
struct CodeState: Codable, Sendable {
    var transactionID: String
    var clientID: String
    var redirectURI: String
    var codeChallenge: String
    var nonce: String?
    var scopes: [Scope]
    var issuedAt: Double

    enum CodingKeys: String, CodingKey {
        case transactionID = "t", clientID = "c", redirectURI = "r", codeChallenge = "cc", nonce = "n", scopes = "s"
        case issuedAt = "i"
    }
}
