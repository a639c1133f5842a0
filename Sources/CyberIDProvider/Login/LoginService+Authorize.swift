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
    /// - Parameter browserAddress: the IP address of the browser, shown in the wallet.
    /// - Returns: the login to show, or a redirect carrying an error for the client.
    /// - Throws: ``ProviderError`` for a request that must not be redirected (unknown or
    ///   disabled client, unregistered redirect URI).
    public func authorize(_ parameters: FormParameters, browserAddress: String? = nil, now: Date = Date()) async throws
        -> AuthorizationOutcome
    {
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
        let startedAt = UInt32(now.timeIntervalSince1970.rounded(.down))
        let ticket = LoginTicket(
            transaction: transaction, nonce: nonceBytes, clientID: client.id, sector: client.metadata.sector,
            scopes: request.scopes, requiredLevel: request.requiredLevel, mode: request.mode, modeInACR: request.modeInACR,
            prompt: request.prompt,
            expiresAt: UInt32(expiresAt.timeIntervalSince1970.rounded(.up)), startedAt: startedAt,
            browserAddress: browserAddress.flatMap(IPAddress.bytes) ?? [])
        let state = LoginState(
            transactionID: transactionID, nonce: nonce, request: request, expiresAt: expiresAt.timeIntervalSince1970,
            browserBinding: Base64URL.encode(sha256(browserSecret)), ticket: try sealers.ticket.seal(bytes: ticket.bytes),
            startedAt: startedAt)
        let requestToken = try sealers.request.seal(state)
        let linkView = Base64URL.encode(view(of: ticket, client: client).json())
        let walletURI =
            "cyberid://login?" + FormParameters.encode([("iss", issuer), ("t", state.ticket), ("r", requestToken), ("v", linkView)])
        return .login(
            LoginStart(
                transactionID: transactionID, walletURI: walletURI, qrURI: qrURI(state, step: 0),
                matchNumber: relay.matchNumbers(transaction: transaction).number, requestToken: requestToken,
                browserSecret: browserSecret, expiresAt: expiresAt, clientName: client.name, claims: request.claims,
                clientID: client.id))
    }

    /// The cross-device URI of a time step: `cyberid://login?iss=…&t=…&qt=STEP&qa=AUTH`.
    func qrURI(_ state: LoginState, step: Int) -> String {
        "cyberid://login?"
            + FormParameters.encode([
                ("iss", issuer), ("t", state.ticket), ("qt", String(step)),
                ("qa", relay.qrAuthenticator(transaction: state.transaction, step: step)),
            ])
    }

    /// The QR code's content now, for the page (`GET /authorize/qr`).
    /// - Throws: ``ProviderError`` `invalid-login-ticket`, `login-expired`.
    public func currentQR(requestToken: String, now: Date = Date()) throws -> String {
        guard let state = sealers.request.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        guard state.expiresAt > now.timeIntervalSince1970 else { throw ProviderError.loginExpired() }
        return qrURI(state, step: qrStep(of: state.startedAt, now: now))
    }

    /// The QR code's time step now: the login's age in whole seconds, rounded down to a multiple
    /// of ``ProviderConfiguration/qrStepSeconds`` (held to 1–10: a code must be shown for less
    /// than its 30 s life) — a new code every few seconds. The wallet API takes any step (its age
    /// counts from it), so the setting may differ between nodes.
    func qrStep(of startedAt: UInt32, now: Date) -> Int {
        let age = max(0, Int(now.timeIntervalSince1970.rounded(.down)) - Int(startedAt))
        return age - age % qrPeriod
    }

    /// Seconds between two codes: ``ProviderConfiguration/qrStepSeconds`` held to 1–10.
    var qrPeriod: Int { min(max(1, configuration.qrStepSeconds), 10) }

    /// What the wallet shows for a ticket: the platform as registered now (a disabled one gets
    /// nothing), the claims and level it asks for, when and from where the browser asked. A
    /// scanned QR code (`qrStep`, `qrAuthenticator`) must be at most 30 s old; its view adds the
    /// three numbers to pick from and the scan proof the approval carries.
    /// - Throws: ``ProviderError`` `invalid-login-ticket`, `login-expired`, `qr-code-expired` or
    ///   `unknown-client`.
    public func walletView(
        ticket text: String, qrStep: String? = nil, qrAuthenticator: String? = nil, now: Date = Date()
    ) async throws -> WalletLoginView {
        let ticket = try openTicket(text, now: now)
        let scanned = try checkScan(ticket, step: qrStep, authenticator: qrAuthenticator, now: now)
        var shown = view(of: ticket, client: try await activeClient(of: ticket))
        if scanned {
            shown.device = "cross-device"
            shown.matchChoices = relay.matchNumbers(transaction: ticket.transaction).choices
            shown.scan = try sealers.scan.seal(ScanProof(transactionID: ticket.transactionID, scannedAt: now.timeIntervalSince1970))
        }
        return shown
    }

    /// The ticket's platform, registered and not disabled.
    /// - Throws: ``ProviderError`` `unknown-client`.
    func activeClient(of ticket: LoginTicket) async throws -> Client {
        guard let client = try await registry.cachedClient(id: ticket.clientID), !client.disabled else {
            throw ProviderError.unknownClient("the platform of this login is no longer registered")
        }
        return client
    }

    /// The same-device view of a ticket, from the ticket and the platform's registration alone:
    /// the same bytes whenever it is made (``WalletLoginView/json()``), at `/authorize` for the link's
    /// `v` and at the decision to check the approval's `view`.
    func view(of ticket: LoginTicket, client: Client) -> WalletLoginView {
        // Claims that need a legal basis are not asked for once the platform has none (it may have
        // been removed since the login began: the token endpoint would not release them).
        let scopes = Scope.allowed(ticket.scopes, legalBasis: client.metadata.legalBasis)
        return WalletLoginView(
            transactionID: ticket.transactionID, nonce: ticket.nonceText, clientID: client.id, clientName: client.name,
            scopes: scopes.map(\.rawValue), claims: Scope.claims(of: scopes),
            legalBasis: client.metadata.legalBasis, acrValues: ticket.requiredLevel?.acr, prompt: ticket.prompt,
            expiresAt: Date(timeIntervalSince1970: TimeInterval(ticket.expiresAt)), device: "same-device",
            requestedAt: Date(timeIntervalSince1970: TimeInterval(ticket.startedAt)),
            requestedFrom: IPAddress.text(ticket.browserAddress),
            aaChallenge: Base64URL.encode(relay.activeAuthenticationChallenge(transaction: ticket.transaction)),
            mode: ticket.mode?.uri, requires: ticket.mode?.requirements)
    }

    /// A QR code's step as text gives it — the wallet's `qt`, the page's `qr_step`: one to seven
    /// ASCII digits (a login lasts at most an hour), nothing else.
    public static func parseQRStep(_ text: String) -> Int? {
        guard (1...7).contains(text.utf8.count),
            text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) })
        else { return nil }
        return Int(text)
    }

    /// Whether a fresh QR code of this ticket was scanned (`false`: the same-device link).
    func checkScan(_ ticket: LoginTicket, step: String?, authenticator: String?, now: Date) throws(ProviderError) -> Bool {
        guard step != nil || authenticator != nil else { return false }
        guard let step, let authenticator, let value = Self.parseQRStep(step),
            relay.isValid(authenticator: authenticator, transaction: ticket.transaction, step: value)
        else { throw .invalidLoginTicket() }
        let age = now.timeIntervalSince1970 - (TimeInterval(ticket.startedAt) + TimeInterval(value))
        guard age >= -RelayGuard.qrSkew else { throw .invalidLoginTicket() }
        guard age <= RelayGuard.qrLifetime else { throw .qrCodeExpired() }
        return true
    }

    /// Where a login stands.
    /// - Throws: ``ProviderError`` `invalid-login-ticket` for a request token this service did not make.
    public func loginStatus(requestToken: String, now: Date = Date()) async throws -> LoginStatus {
        try await loginProgress(requestToken: requestToken, now: now).status
    }

    /// Where a login stands, for the page's polling: the status, the QR code's current content
    /// while pending, whether the approval came from the same device, why it was refused.
    /// - Throws: ``ProviderError`` `invalid-login-ticket` for a request token this service did not make.
    public func loginProgress(requestToken: String, now: Date = Date()) async throws -> LoginProgress {
        guard let state = sealers.request.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        return progress(state, try await store.transaction(id: state.transactionID), now: now)
    }

    /// A login's progress from its transaction's row (none while nobody has decided).
    func progress(_ state: LoginState, _ decision: LoginTransactionRecord?, now: Date) -> LoginProgress {
        guard let decision else {
            guard state.expiresAt > now.timeIntervalSince1970 else { return LoginProgress(status: .expired) }
            return pending(state, now: now)
        }
        let grant = LoginGrant(payload: decision.payload)
        switch decision.status {
        case .approved, .completed, .revoked: return LoginProgress(status: .approved, sameDevice: grant?.responseCodeHash != nil)
        case .denied, .failed: return LoginProgress(status: .denied, reason: grant?.reason)
        case .expired: return LoginProgress(status: .expired)
        case .pending: return pending(state, now: now)
        }
    }

    /// A pending login's progress: the QR code's current content and its step.
    func pending(_ state: LoginState, now: Date) -> LoginProgress {
        let step = qrStep(of: state.startedAt, now: now)
        return LoginProgress(status: .pending, qr: qrURI(state, step: step), qrStep: step)
    }

    /// Continues a decided login in the browser that started it; a same-device approval only
    /// with its response code (where the wallet returned the person).
    /// - Parameters:
    ///   - requestToken: the page's sealed request.
    ///   - browserSecret: the `cyberid_login` cookie.
    ///   - responseCode: the same-device return URL's `response_code`.
    /// - Returns: the redirect to the client: a code, or an error.
    /// - Throws: ``ProviderError`` for a foreign browser, a missing or wrong response code, an
    ///   undecided or already used login.
    public func continueLogin(requestToken: String, browserSecret: String?, responseCode: String? = nil, now: Date = Date())
        async throws -> String
    {
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
            try checkResponseCode(responseCode, decision: decision)
            // No code after the login's end (and a grace of the code's lifetime, for an approval
            // in its last seconds): its decision's row is kept for the codes minted until then
            // (``decisionExpiry``).
            guard now.timeIntervalSince1970 < state.expiresAt + Self.continueGrace(configuration) else {
                return errorRedirect(request.redirectURI, "access_denied", "the login transaction expired", state: request.state)
            }
            let code = CodeState(
                transactionID: state.transactionID, clientID: request.clientID, redirectURI: request.redirectURI,
                codeChallenge: request.codeChallenge, nonce: request.nonce, scopes: request.scopes,
                issuedAt: now.timeIntervalSince1970)
            var pairs = [("code", try sealers.code.seal(code))]
            if let value = request.state { pairs.append(("state", value)) }
            pairs.append(("iss", issuer))
            return Self.append(pairs, to: request.redirectURI)
        case .denied, .failed, .expired, .pending:
            let grant = LoginGrant(payload: decision.payload)
            return errorRedirect(
                request.redirectURI, grant?.error ?? "access_denied", grant?.errorDescription ?? "the login was not approved",
                state: request.state)
        case .completed, .revoked:
            throw ProviderError.loginAlreadyDecided()
        }
    }

    /// A same-device approval continues only with its response code.
    func checkResponseCode(_ responseCode: String?, decision: LoginTransactionRecord) throws {
        guard let grant = LoginGrant(payload: decision.payload) else { throw UnreadableGrant() }
        guard let expected = grant.responseCodeHash else { return }
        guard let responseCode else { throw ProviderError.responseCodeRequired() }
        guard constantTimeEqual(Array(RelayGuard.hash(responseCode).utf8), Array(expected.utf8)) else {
            throw ProviderError.invalidResponseCode()
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
