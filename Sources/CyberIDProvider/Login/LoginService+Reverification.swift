import CyberIDAdapters
import CyberIDBase64URL
import CyberIDCore
import CyberIDLimits
import CyberIDStore
import CyberIDVault
import Foundation

extension LoginService {
    /// The re-verification gate: a platform flagged this person, or their last verification is
    /// older than the administrator's interval for this platform. This login is then the
    /// re-verification, only with the person's explicit acknowledgement (the wallet shows the
    /// reason), a fresh proof with the chip of the document on record (passive and active
    /// authentication over this login's challenge) and, where a face matcher is configured, a
    /// face check. Success lifts the platform's restriction and renews the verification time in
    /// the decision's write (automatic review); a failure leaves both, in the history.
    /// - Returns: whether this login re-verifies the person.
    func reverificationGate(_ decision: inout PendingDecision, document: PresentedDocument?, faceImage: [UInt8]?)
        async throws -> Bool
    {
        guard let demand = reverificationDemand(decision.holder, now: decision.now) else { return false }
        guard decision.approval.reverify == true else { try await refuseReverification(&decision, demand) }
        try await reproveDocument(&decision, document)
        if let faceMatcher {
            let matched: Bool
            do {
                matched = try await faceMatches(
                    faceMatcher, image: faceImage, signedDigest: decision.approval.face,
                    personID: decision.holder.personID, transactionID: decision.ticket.transactionID)
            } catch let error as ProviderError where error.code != "login-already-decided" {
                try await refuseReverification(&decision, error)
            }
            // A face that does not match ends this login (one try per transaction: a new
            // attempt needs a new login from the platform); the restriction stays.
            guard matched else { try await fail(&decision, ProviderError.faceMismatch()) }
        }
        decision.detail.reason =
            decision.holder.restrictionReason == nil ? "re-verified" : "re-verified; the platform's restriction is lifted"
        return true
    }

    /// The chip: presented, bound by the approval, and the person's own document on record.
    func reproveDocument(_ decision: inout PendingDecision, _ document: PresentedDocument?) async throws {
        guard let document else { try await refuseReverification(&decision, ProviderError.documentRequired()) }
        guard decision.approval.document == document.digest else {
            throw ProviderError.invalidWalletSignature("the document is not the one the approval signed")
        }
        guard let documentReproof else { try await refuseReverification(&decision, ProviderError.documentCheckUnavailable()) }
        do {
            try await documentReproof(
                document, relay.activeAuthenticationChallenge(transaction: decision.ticket.transaction),
                decision.holder.personID, decision.now)
        } catch let error as any ServiceError where error.kind != .failure {
            try await refuseReverification(&decision, error)
        }
    }

    /// A refused re-verification: in the history, the login stays open.
    func refuseReverification(_ decision: inout PendingDecision, _ error: any ServiceError) async throws -> Never {
        decision.detail.reason = error.code
        _ = try? await store.append(
            HistoryEntry(
                personID: decision.holder.personID, clientID: decision.ticket.clientID, event: .reverification,
                outcome: .failure, detail: decision.detail.json, at: decision.now))
        throw error
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
        guard let person = try await store.person(id: personID), let portrait = (try? vault.open(person))??.portrait,
            !portrait.isEmpty
        else { throw ProviderError.faceReferenceMissing() }
        if try await store.transaction(id: transactionID) != nil { throw ProviderError.loginAlreadyDecided() }
        // Each attempt counts, per identity and day, with enrollment's (review finding 16).
        try await limiter?.hit(
            RateLimit(name: "face-attempt", limit: configuration.faceAttemptsPerDay, window: 86_400),
            Base64URL.encode(person.blindIndex))
        do {
            return try await matcher.score(live: image, portrait: portrait) >= matcher.threshold
        } catch {
            throw ProviderError.faceMatcherUnavailable()
        }
    }

    /// Why this login must be a re-verification, if it must: the platform's flag, or the
    /// administrator's interval since the person last verified.
    func reverificationDemand(_ holder: LoginHolder, now: Date) -> ProviderError? { Self.reverificationDemand(holder, now: now) }

    /// ``reverificationDemand(_:now:)`` for any service that answers a platform about a person
    /// (in-person verification refuses as a login would).
    static func reverificationDemand(_ holder: LoginHolder, now: Date) -> ProviderError? {
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
}
