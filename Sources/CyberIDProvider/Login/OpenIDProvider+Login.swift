import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDEnrollment
import CyberIDKeys
import CyberIDStore
public import Foundation

extension OpenIDProvider {
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
        var generator = SystemRandomNumberGenerator()
        let transaction = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let nonceBytes = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let transactionID = Base64URL.encode(transaction)
        let nonce = Base64URL.encode(nonceBytes)
        let browserSecret = randomToken(bytes: 16)
        let expiresAt = now.addingTimeInterval(configuration.loginLifetime)
        let state = LoginState(
            transactionID: transactionID, nonce: nonce, request: request, expiresAt: expiresAt.timeIntervalSince1970,
            browserBinding: Base64URL.encode(sha256(browserSecret)))
        let ticket = LoginTicket(
            transaction: transaction, nonce: nonceBytes, clientID: client.id, sector: client.metadata.sector,
            scopes: request.scopes, requiredLevel: request.requiredLevel, prompt: request.prompt,
            expiresAt: UInt32(expiresAt.timeIntervalSince1970.rounded(.up)))
        let walletURI = "cyberid://login?" + FormParameters.encode([("iss", issuer), ("t", try ticketSealer.seal(bytes: ticket.bytes))])
        return .login(
            LoginStart(
                transactionID: transactionID, walletURI: walletURI, requestToken: try requestSealer.seal(state),
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

    /// Records the wallet's decision on a login: verifies the signed approval (certificate chain
    /// and status, holder state, signature, audience, freshness, transaction and nonce), checks
    /// the level the platform asked for, works out the claims to release with the person's
    /// consent, and writes the decision (once: a transaction is decided a single time), the
    /// history entry and the consent together.
    /// - Throws: ``ProviderError`` (`invalid-wallet-signature`, `login-expired`,
    ///   `login-already-decided`, `person-not-active`, `assurance-level-too-low`…).
    /// - Parameter faceImage: the live face image of a re-verification on a service with a face
    ///   matcher; its SHA-256 must be the approval's `face`.
    public func decide(ticket text: String, approval: String, faceImage: [UInt8]? = nil, now: Date = Date()) async throws
        -> WalletDecision
    {
        let ticket = try openTicket(text, now: now)
        let jws: WalletJWS
        do {
            jws = try WalletJWS(compact: approval, authority: authority, issuedCache: issuedCertificates, now: now)
        } catch {
            throw ProviderError.invalidWalletSignature(error.reason)
        }
        guard let payload = try? JSONDecoder().decode(ApprovalPayload.self, from: jws.payload) else {
            throw ProviderError.invalidWalletSignature("the approval payload is not the expected JSON")
        }
        guard payload.aud == issuer, payload.purpose == "login" else {
            throw ProviderError.invalidWalletSignature("the approval is for another audience or purpose")
        }
        guard payload.sid == ticket.transactionID, payload.nonce == ticket.nonceText else {
            throw ProviderError.invalidWalletSignature("the approval is for another login transaction")
        }
        guard let iat = payload.iat, abs(now.timeIntervalSince1970 - iat) <= configuration.approvalSkew else {
            throw ProviderError.invalidWalletSignature("the approval is not fresh (iat)")
        }
        guard payload.decision == "approve" || payload.decision == "deny" else {
            throw ProviderError.invalidWalletSignature("decision must be approve or deny")
        }
        guard let holder = try await decisions.loginHolder(certificateSerial: jws.serial, clientID: ticket.clientID) else {
            throw ProviderError.invalidWalletSignature("the certificate is unknown to this service")
        }
        guard holder.certificateStatus == .valid else {
            throw ProviderError.invalidWalletSignature("the certificate is revoked")
        }
        let requested = Scope.claims(of: ticket.scopes)
        var detail = LoginHistoryDetail(
            requested: requested, released: [], level: holder.assuranceLevel.acr, requiredLevel: ticket.requiredLevel?.acr)

        func record(
            _ status: LoginTransactionRecord.Status, _ grant: LoginGrant, outcome: String, consent: ConsentRecord? = nil,
            reverified: Bool = false
        ) async throws {
            let decision = LoginTransactionRecord(
                id: ticket.transactionID, clientID: ticket.clientID, status: status, personID: holder.personID,
                payload: String(decoding: try JSONEncoder().encode(grant), as: UTF8.self), createdAt: now,
                expiresAt: now.addingTimeInterval(max(configuration.codeLifetime, configuration.accessTokenLifetime) + 60))
            let entry = HistoryEntry(
                personID: holder.personID, clientID: ticket.clientID, event: "login", outcome: outcome, detail: detail.json,
                occurredAt: now)
            guard
                try await decisions.recordDecision(
                    decision, history: entry, consent: consent, subject: status == .approved ? grant.subject : nil,
                    reverified: reverified)
            else {
                detail.reason = "login-already-decided"
                _ = try? await history.append(
                    HistoryEntry(
                        personID: holder.personID, clientID: ticket.clientID, event: "login", outcome: "failure",
                        detail: detail.json, occurredAt: now))
                throw ProviderError.loginAlreadyDecided()
            }
        }

        if payload.decision == "deny" {
            detail.reason = "declined by the person"
            try await record(.denied, LoginGrant(released: [], error: "access_denied", errorDescription: "the person declined"), outcome: "denied")
            return WalletDecision(status: "denied", released: [])
        }
        guard holder.personState == .active else {
            let error = ProviderError.personNotActive(holder.personState.rawValue)
            detail.reason = error.code
            try await record(.failed, LoginGrant(released: [], error: "access_denied", errorDescription: error.reason), outcome: "failure")
            throw error
        }
        if let required = ticket.requiredLevel, holder.assuranceLevel < required {
            let error = ProviderError.assuranceLevelTooLow(required: required.acr, actual: holder.assuranceLevel.acr)
            detail.reason = error.code
            try await record(
                .failed,
                LoginGrant(released: [], error: "unmet_authentication_requirements", errorDescription: error.reason),
                outcome: "failure")
            throw error
        }
        // Re-verification: a platform flagged this person, or their last verification is older
        // than the administrator's interval for this platform. This login is the re-verification,
        // only with the person's explicit acknowledgement (the wallet shows the reason) and, where a
        // face matcher is configured, a face check. Success lifts the platform's restriction and
        // renews the verification time in the same write (automatic review); a failure leaves
        // both, in the history.
        var reverified = false
        if let demand = reverificationDemand(holder, now: now) {
            func refuse(_ error: ProviderError) async throws -> Never {
                detail.reason = error.code
                _ = try? await history.append(
                    HistoryEntry(
                        personID: holder.personID, clientID: ticket.clientID, event: "reverification", outcome: "failure",
                        detail: detail.json, occurredAt: now))
                throw error
            }
            guard payload.reverify == true else { try await refuse(demand) }
            if let faceMatcher {
                let matched: Bool
                do {
                    matched = try await faceMatches(
                        faceMatcher, image: faceImage, signedDigest: payload.face, personID: holder.personID,
                        transactionID: ticket.transactionID)
                } catch let error as ProviderError where error.code != "login-already-decided" {
                    try await refuse(error)
                }
                // A face that does not match ends this login (one try per transaction: a new
                // attempt needs a new login from the platform); the restriction stays.
                guard matched else {
                    let error = ProviderError.faceMismatch()
                    detail.reason = error.code
                    try await record(
                        .failed, LoginGrant(released: [], error: "access_denied", errorDescription: error.reason),
                        outcome: "failure")
                    throw error
                }
            }
            reverified = true
            detail.reason =
                holder.restrictionReason == nil
                ? "re-verified" : "re-verified; the platform's restriction is lifted"
        }
        // Consent: what the person agrees to now, plus what they agreed to before (unless the
        // platform asks again with prompt=consent), minus what they refuse now.
        let consentNow = Set(payload.consent ?? []).intersection(requested)
        let declined = Set(payload.decline ?? [])
        let remembered = ticket.prompt.contains("consent") ? Set<String>() : holder.consentedClaims
        let released = requested.filter { (consentNow.contains($0) || remembered.contains($0)) && !declined.contains($0) }
        let newConsent = holder.consentedClaims.union(consentNow).subtracting(declined)
        let consent =
            newConsent == holder.consentedClaims
            ? nil : ConsentRecord(personID: holder.personID, clientID: ticket.clientID, claims: newConsent, grantedAt: now)
        detail.released = released
        let grant = LoginGrant(
            subject: pairwise.subject(sector: ticket.sector, networkNumber: holder.networkNumber),
            level: holder.assuranceLevel, authTime: now.timeIntervalSince1970.rounded(.down), released: released)
        try await record(.approved, grant, outcome: "success", consent: consent, reverified: reverified)
        return WalletDecision(status: "approved", released: released)
    }

    /// The face check of a re-verification: the image must be the one the approval signed, and
    /// is scored against the portrait kept in the person's sealed record.
    /// - Returns: whether the face matches.
    /// - Throws: ``ProviderError`` `face-check-required`, `invalid-wallet-signature`,
    ///   `face-reference-missing`, `login-already-decided` (no matching for a decided login),
    ///   `face-matcher-unavailable`.
    func faceMatches(
        _ matcher: any FaceMatcher, image: [UInt8]?, signedDigest: String?, personID: String, transactionID: String
    ) async throws -> Bool {
        guard let image, !image.isEmpty, signedDigest != nil else { throw ProviderError.faceCheckRequired() }
        guard isSHA256(signedDigest, of: image) else {
            throw ProviderError.invalidWalletSignature("the face image is not the one the approval signed")
        }
        guard let person = try await persons.person(id: personID), let portrait = (try? records.open(person))??.portrait,
            !portrait.isEmpty
        else { throw ProviderError.faceReferenceMissing() }
        if try await transactions.transaction(id: transactionID) != nil { throw ProviderError.loginAlreadyDecided() }
        do {
            return try await matcher.score(live: image, portrait: portrait) >= matcher.threshold
        } catch {
            throw ProviderError.faceMatcherUnavailable()
        }
    }

    /// Why this login must be a re-verification, if it must: the platform's flag, or the
    /// administrator's interval since the person last verified.
    func reverificationDemand(_ holder: LoginHolder, now: Date) -> ProviderError? {
        if let reason = holder.restrictionReason { return .reverificationRequired(reason) }
        if let interval = holder.reverificationInterval, now.timeIntervalSince(holder.verifiedAt) > interval {
            return .reverificationRequiredByPolicy(interval: Self.describe(interval))
        }
        return nil
    }

    static func describe(_ interval: TimeInterval) -> String {
        let days = interval / 86_400
        if days >= 1, days.rounded() == days { return "every \(Int(days)) day\(days == 1 ? "" : "s")" }
        return "every \(Int(interval)) s"
    }

    /// Where a login stands, for the page's polling.
    /// - Throws: ``ProviderError`` `invalid-login-ticket` for a request token this service did not make.
    public func loginStatus(requestToken: String, now: Date = Date()) async throws -> LoginStatus {
        guard let state = requestSealer.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        guard let decision = try await transactions.transaction(id: state.transactionID) else {
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
        guard let state = requestSealer.open(requestToken, as: LoginState.self) else { throw ProviderError.invalidLoginTicket() }
        guard let browserSecret, constantTimeEqual(Array(Base64URL.encode(sha256(browserSecret)).utf8), Array(state.browserBinding.utf8))
        else { throw ProviderError.browserNotBound() }
        let request = state.request
        guard let decision = try await transactions.transaction(id: state.transactionID) else {
            guard state.expiresAt <= now.timeIntervalSince1970 else { throw ProviderError.loginPending() }
            return errorRedirect(request.redirectURI, "access_denied", "the login transaction expired", state: request.state)
        }
        switch decision.status {
        case .approved:
            let code = CodeState(
                transactionID: state.transactionID, clientID: request.clientID, redirectURI: request.redirectURI,
                codeChallenge: request.codeChallenge, nonce: request.nonce, scopes: request.scopes,
                issuedAt: now.timeIntervalSince1970)
            var pairs = [("code", try codeSealer.seal(code))]
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
        guard let bytes = ticketSealer.openBytes(text), let ticket = LoginTicket(bytes: bytes) else {
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
