import CyberIDAdapters
import CyberIDCore
import CyberIDIssuance
import CyberIDLimits
import CyberIDStore
public import Foundation

/// A wallet's decision on a login as it passes the checks: the ticket, the signed approval, the
/// holder behind its certificate, and the history detail every outcome records.
struct PendingDecision {
    let ticket: LoginTicket
    let approval: ApprovalPayload
    let holder: LoginHolder
    let now: Date
    var detail: LoginHistoryDetail

    var requested: [String] { detail.requested }
}

extension LoginService {
    /// Records the wallet's decision on a login, as a pipeline of named checks: the approval
    /// (signature, certificate, audience, transaction, freshness), the holder's certificate, a
    /// refusal by the person, the holder's state, the level the platform asked for, the
    /// re-verification gate (with the face check), and the claims released with the person's
    /// consent. The decision is written once (a transaction is decided a single time), together
    /// with the history entry and the consent.
    ///
    /// A cross-device approval (a QR code was scanned: the approval carries the view's `scan`)
    /// must pick the page's number; a wrong pick ends the transaction. A same-device approval
    /// gets a response code: the login continues only in a browser that presents it.
    /// - Parameters:
    ///   - faceImage: the live face image of a re-verification on a service with a face
    ///     matcher; its SHA-256 must be the approval's `face`.
    ///   - request: the same-device link's `r`, to build the return URL.
    ///   - document: a re-verification's chip (its digest must be the approval's `document`).
    ///   - password: the network-identity password, for a platform's mode R02 or R04 (sent in
    ///     the request body beside the approval, never signed into it or logged).
    /// - Throws: ``ProviderError`` (`invalid-wallet-signature`, `login-expired`,
    ///   `login-already-decided`, `wrong-match-number`, `person-not-active`,
    ///   `assurance-level-too-low`…).
    public func decide(
        ticket text: String, approval: String, faceImage: [UInt8]? = nil, request: String? = nil,
        document: PresentedDocument? = nil, password: String? = nil, now: Date = Date()
    ) async throws -> WalletDecision {
        let ticket = try openTicket(text, now: now)
        let token = try checkApproval(approval, for: ticket, now: now)
        let crossDevice = try checkScanProof(token.payload, for: ticket)
        try await checkShownView(token.payload, for: ticket, crossDevice: crossDevice)
        let returnRequest = try request.map { text throws(ProviderError) -> String in
            guard !crossDevice, let state = sealers.request.open(text, as: LoginState.self),
                state.transactionID == ticket.transactionID
            else { throw .invalidLoginTicket() }
            return text
        }
        let holder = try await checkCertificate(serial: token.serial, clientID: ticket.clientID)
        var decision = PendingDecision(
            ticket: ticket, approval: token.payload, holder: holder, now: now,
            detail: LoginHistoryDetail(
                requested: Scope.claims(of: try await askableScopes(ticket)), released: [], level: holder.assuranceLevel.acr,
                requiredLevel: ticket.requiredLevel?.acr))
        if token.payload.decision == "deny" {
            decision.detail.reason = "declined by the person"
            try await record(
                decision, .denied, LoginGrant(released: [], error: "access_denied", errorDescription: "the person declined"),
                outcome: .denied)
            return WalletDecision(status: "denied", released: [])
        }
        if crossDevice { try await checkMatch(&decision) }
        try await checkHolderActive(&decision)
        try await checkLevel(&decision)
        try await checkModeAvailable(&decision)
        let passwordChecked = try await checkModePassword(&decision, password: password)
        let reverified = try await reverificationGate(&decision, document: document, faceImage: faceImage)
        let faceMatched = try await checkModeFace(
            &decision, faceImage: faceImage, alreadyMatched: reverified && faceMatcher != nil)
        let (released, consent) = releasedClaims(decision)
        decision.detail.released = released
        let response = crossDevice ? nil : RelayGuard.responseCode()
        let grant = LoginGrant(
            subject: pairwise.subject(sector: try await fullSector(of: ticket), networkNumber: holder.networkNumber),
            level: holder.assuranceLevel, authTime: now.timeIntervalSince1970.rounded(.down), released: released,
            certificate: token.serial, responseCodeHash: response?.hash, mode: ticket.modeInACR ? ticket.mode : nil,
            amr: Self.methods(password: passwordChecked, face: faceMatched))
        try await record(decision, .approved, grant, outcome: .success, consent: consent, reverification: reverified ? Self.reverification : nil)
        return WalletDecision(
            status: "approved", released: released, responseCode: response?.code,
            returnURL: returnRequest.flatMap { request in
                response.map { issuer + "/authorize/continue?" + FormParameters.encode([("r", request), ("response_code", $0.code)]) }
            })
    }

    /// The ticket's scopes the platform may still ask for: those needing a legal basis only while
    /// it has one (it may have been removed since the login began — the wallet's view, the
    /// decision and the token endpoint read it alike: R6).
    func askableScopes(_ ticket: LoginTicket) async throws -> [Scope] {
        guard ticket.scopes.contains(where: \.needsLegalBasis) else { return ticket.scopes }
        return Scope.allowed(ticket.scopes, legalBasis: try await registry.cachedClient(id: ticket.clientID)?.metadata.legalBasis)
    }

    /// The sector of the ticket's platform, whole: the ticket's binary layout holds at most 255
    /// bytes of it, and a registered sector may be longer (up to 1000 characters) — cut, it gave
    /// another `sub` than an in-person verification's, and two platforms sharing those first
    /// bytes the same one (a review's finding). A sector of 255 bytes or more is read from the
    /// platform's registration.
    func fullSector(of ticket: LoginTicket) async throws -> String {
        guard ticket.sector.utf8.count >= 255 else { return ticket.sector }
        guard let client = try await registry.cachedClient(id: ticket.clientID) else {
            throw ProviderError.unknownClient("the platform of this login is no longer registered")
        }
        return client.metadata.sector
    }

    /// A cross-device approval carries the view's proof of a fresh scan of this transaction's
    /// QR code, and a pick; a same-device approval carries neither.
    /// - Returns: whether the approval is cross-device.
    func checkScanProof(_ approval: ApprovalPayload, for ticket: LoginTicket) throws(ProviderError) -> Bool {
        guard let scan = approval.scan else {
            guard approval.match == nil else { throw .invalidWalletSignature("a match needs the view's scan") }
            return false
        }
        guard let proof = sealers.scan.open(scan, as: ScanProof.self), proof.transactionID == ticket.transactionID else {
            throw .invalidWalletSignature("the scan is not this login transaction's")
        }
        guard approval.decision == "deny" || approval.match != nil else { throw .matchNumberRequired() }
        return true
    }

    /// A same-device approval signs the view the wallet showed (`view`: base64url SHA-256 of its
    /// bytes — the link's `v`, or the fetch's answer). It must be the view this service makes of
    /// the ticket now: another app could open the wallet with a link whose `v` names another
    /// platform or other claims, and the person would approve what they did not see. A refusal
    /// decides nothing (the login stays open for the real link). An approval without `view` (a
    /// wallet before this check) is accepted — the service cannot tell what it showed — unless
    /// the service requires `view` (``ProviderConfiguration/requireLoginView``): then a
    /// same-device approval without it is refused, deciding nothing; a denial still ends the login.
    /// - Throws: ``ProviderError`` `login-view-mismatch`, `login-view-required`,
    ///   `invalid-wallet-signature` (a `view` beside a `scan`), `unknown-client` (the platform was
    ///   disabled, as the fetch would say).
    func checkShownView(_ approval: ApprovalPayload, for ticket: LoginTicket, crossDevice: Bool) async throws {
        guard let digest = approval.view else {
            if configuration.requireLoginView, !crossDevice, approval.decision != "deny" { throw ProviderError.loginViewRequired() }
            return
        }
        guard !crossDevice else { throw ProviderError.invalidWalletSignature("a view digest (`view`) is for a same-device approval") }
        guard digest == sha256Base64URL(view(of: ticket, client: try await activeClient(of: ticket)).json()) else {
            throw ProviderError.loginViewMismatch()
        }
    }

    /// The person picked the number the page shows; a wrong pick ends the transaction. A person
    /// whose wallet has picked wrong ``ProviderConfiguration/wrongMatchNumbersPerHour`` times in
    /// the last hour gets no cross-device approval, right number or not, until the sliding
    /// estimate allows one again (429 `wrong-match-number-rate-limited`; the login stays open, a
    /// same-device login still works): someone who sends a person QR codes without the page,
    /// again and again, gets that many guesses an hour, not one a message. The shared count is
    /// read on every node (a node that had not seen the person fail let one more guess through),
    /// and a wrong pick counts once, in the transaction that ends its login (a pick sent again to
    /// the ended login is `login-already-decided`, not counted).
    /// - Throws: `RateLimitExceeded`, ``ProviderError`` `wrong-match-number`.
    func checkMatch(_ decision: inout PendingDecision) async throws {
        let wrongPicks = RateLimit(
            name: "wrong-match-number", limit: configuration.wrongMatchNumbersPerHour, window: 3_600, counted: "wrong numbers")
        try await limiter?.check(wrongPicks, decision.holder.personID, at: decision.now, everywhere: true)
        guard decision.approval.match != relay.matchNumbers(transaction: decision.ticket.transaction).number else { return }
        // The ended login and its count in one transaction: a crash between them cannot lose the
        // count; a refusal of the write (`login-already-decided`) is kept, not counted.
        let (pending, limiter) = (decision, limiter)
        let refusal: ProviderError = try await store.inTransaction {
            var ending = pending
            do {
                try await fail(&ending, ProviderError.wrongMatchNumber(), wakingHeldPages: false)
            } catch let error as ProviderError {
                if error == .wrongMatchNumber() { try await limiter?.record(wrongPicks, ending.holder.personID, at: ending.now) }
                return error
            }
        }
        // Committed now: a page woken inside the transaction would have read the login pending.
        if refusal == .wrongMatchNumber() { watch.decided(decision.ticket.transactionID) }
        throw refusal
    }

    /// The approval is a wallet token for this service's logins, fresh, for this transaction,
    /// with a decision.
    func checkApproval(_ approval: String, for ticket: LoginTicket, now: Date) throws(ProviderError)
        -> WalletToken<ApprovalPayload>
    {
        let token: WalletToken<ApprovalPayload>
        do {
            token = try WalletToken(compact: approval, authority: authority, issuedCache: issuedCertificates, now: now)
            try token.check(audience: issuer, purpose: "login", now: now, skew: configuration.approvalSkew)
        } catch {
            throw .invalidWalletSignature(error.reason)
        }
        guard token.payload.sid == ticket.transactionID, token.payload.nonce == ticket.nonceText else {
            throw .invalidWalletSignature("the approval is for another login transaction")
        }
        guard token.payload.decision == "approve" || token.payload.decision == "deny" else {
            throw .invalidWalletSignature("decision must be approve or deny")
        }
        return token
    }

    /// The certificate is this service's and valid; the holder comes with it. CyberID's own
    /// portal and console take no re-verification interval: the global policy (`*`) is for
    /// platforms — one `platforms` operator could otherwise make every operator's sign-in a
    /// document check (a review's finding, R8).
    func checkCertificate(serial: String, clientID: String) async throws -> LoginHolder {
        guard var holder = try await store.loginHolder(certificateSerial: serial, clientID: clientID) else {
            throw ProviderError.invalidWalletSignature("the certificate is unknown to this service")
        }
        guard holder.certificateStatus == .valid else {
            throw ProviderError.invalidWalletSignature("the certificate is revoked")
        }
        if FirstPartyClient.isReserved(clientID) { holder.reverificationInterval = nil }
        return holder
    }

    /// Only an active person logs in.
    func checkHolderActive(_ decision: inout PendingDecision) async throws {
        guard decision.holder.personState == .active else {
            try await fail(&decision, ProviderError.personNotActive(decision.holder.personState.rawValue))
        }
    }

    /// The person's level meets the platform's `acr_values`.
    func checkLevel(_ decision: inout PendingDecision) async throws {
        guard let required = decision.ticket.requiredLevel, decision.holder.assuranceLevel < required else { return }
        let error = ProviderError.assuranceLevelTooLow(required: required.acr, actual: decision.holder.assuranceLevel.acr)
        try await fail(&decision, error, oauthError: "unmet_authentication_requirements")
    }

    /// Records a failed decision and throws `error`.
    /// - Parameter wakingHeldPages: `false` inside a transaction (the caller wakes them once it
    ///   is committed).
    func fail(
        _ decision: inout PendingDecision, _ error: ProviderError, oauthError: String = "access_denied", wakingHeldPages: Bool = true
    ) async throws -> Never {
        decision.detail.reason = error.code
        try await record(
            decision, .failed, LoginGrant(released: [], error: oauthError, errorDescription: error.reason, reason: error.code),
            outcome: .failure, wakingHeldPages: wakingHeldPages)
        throw error
    }

    /// Consent: what the person agrees to now, plus what they agreed to before (unless the
    /// platform asks again with prompt=consent), minus what they refuse now.
    /// - Returns: the claims released and the consent to remember, if it changed.
    func releasedClaims(_ decision: PendingDecision) -> ([String], ConsentRecord?) {
        let holder = decision.holder
        let consentNow = Set(decision.approval.consent ?? []).intersection(decision.requested)
        let declined = Set(decision.approval.decline ?? [])
        let remembered = decision.ticket.prompt.contains("consent") ? Set<String>() : holder.consentedClaims
        let released = decision.requested.filter {
            (consentNow.contains($0) || remembered.contains($0)) && !declined.contains($0)
        }
        let newConsent = holder.consentedClaims.union(consentNow).subtracting(declined)
        let consent =
            newConsent == holder.consentedClaims
            ? nil
            : ConsentRecord(
                personID: holder.personID, clientID: decision.ticket.clientID, claims: newConsent, grantedAt: decision.now)
        return (released, consent)
    }

    /// A successful re-verification renews the person's verification time and lifts their
    /// restriction toward the platform, which is told (automatic review).
    static let reverification = ReverificationEffects(
        renewVerification: true, liftRestriction: true, announceLift: .reverified)

    /// When a decision's row may go: after the last code the login can still mint (until the
    /// login expires, ``continueLogin(requestToken:browserSecret:responseCode:now:)``) and the
    /// access token of that code, plus a minute. Counted from the decision alone (as it was), a
    /// login lifetime over five minutes let the purge take the row of a live login — decided a
    /// second time, or a token advertised for 300 s refused early (a review's finding).
    static func decisionExpiry(decided: Date, loginExpiresAt: UInt32, _ configuration: ProviderConfiguration) -> Date {
        let lastCode = max(decided, Date(timeIntervalSince1970: TimeInterval(loginExpiresAt) + continueGrace(configuration)))
        return lastCode.addingTimeInterval(configuration.codeLifetime + configuration.accessTokenLifetime + 60)
    }

    /// How long past the login's end an approved login may still continue: a wallet's approval
    /// in the last seconds, and the page's next poll (or the return from the wallet app) a
    /// little after — the code's lifetime.
    static func continueGrace(_ configuration: ProviderConfiguration) -> TimeInterval { configuration.codeLifetime }

    /// Writes the decision, its history entry and the consent, once, and wakes the login's pages
    /// held on this node (unless `wakingHeldPages` is `false`: the write is part of a caller's
    /// transaction, and a page woken before its commit would read the login pending).
    func record(
        _ decision: PendingDecision, _ status: LoginTransactionRecord.Status, _ grant: LoginGrant, outcome: HistoryOutcome,
        consent: ConsentRecord? = nil, reverification: ReverificationEffects? = nil, wakingHeldPages: Bool = true
    ) async throws {
        let now = decision.now
        let row = LoginTransactionRecord(
            id: decision.ticket.transactionID, clientID: decision.ticket.clientID, status: status,
            personID: decision.holder.personID, payload: try grant.payload(form: sealers.form),
            createdAt: now, expiresAt: Self.decisionExpiry(decided: now, loginExpiresAt: decision.ticket.expiresAt, configuration))
        let entry = HistoryEntry(
            personID: decision.holder.personID, clientID: decision.ticket.clientID, event: .login, outcome: outcome,
            detail: decision.detail.json, at: now)
        guard
            try await store.recordDecision(
                row, history: entry, consent: consent,
                // The platform's subject for the person is written once, at their first login
                // there: a statement fewer per login after it (benchmarks.md, "The fourth step").
                subject: status == .approved && grant.subject != decision.holder.knownSubject ? grant.subject : nil,
                reverification: reverification)
        else {
            var detail = decision.detail
            detail.reason = "login-already-decided"
            _ = try? await store.append(
                HistoryEntry(
                    personID: decision.holder.personID, clientID: decision.ticket.clientID, event: .login,
                    outcome: .failure, detail: detail.json, at: now))
            throw ProviderError.loginAlreadyDecided()
        }
        // A page held on this node learns it at the watch's next tick; on other nodes at their next read.
        if wakingHeldPages { watch.decided(decision.ticket.transactionID) }
    }
}
