import CyberIDCore
import CyberIDStore
public import Foundation

extension TokenService {
    /// `POST /rp/v1/codes/verify`: a registered platform (authenticated as at `/token`) checks a
    /// person's in-person code, once. It learns its own pairwise `sub` of the person (the same
    /// as its logins'), the level, and what the person chose to disclose — the real name only
    /// with the platform's registered legal basis. The person's history records the
    /// verification with the platform.
    /// Disclosed claims are limited to the platform's registered scopes; a platform that asked
    /// the person to re-verify learns nothing until they do.
    /// - Throws: ``ProviderError`` `invalid_client`, `invalid-request`, `unknown-code`,
    ///   `code-expired`, `code-used`, `person-not-active`, `reverification-required`,
    ///   `authentication-mode-not-met` (a platform registered for R02–R04).
    public func verifyInPersonCode(_ credentials: ClientCredentials, now: Date = Date()) async throws
        -> InPersonVerification
    {
        let client = try await authenticator.authenticate(credentials, endpoint: "\(issuer)/rp/v1/codes/verify", now: now)
        // A code is made with the wallet's key alone: a platform whose logins need the password
        // or the face (its registered mode, R02–R04) learns nothing from one — else a stolen,
        // unlocked phone would pass at its counter what its logins refuse (a review's finding).
        if let mode = client.metadata.defaultMode, mode.needsPassword || mode.needsFace {
            throw ProviderError.modeNotMetForCode(mode.rawValue)
        }
        guard let text = credentials.form["code"], !text.isEmpty else {
            throw ProviderError.invalidRequest("code is missing")
        }
        guard let canonical = InPersonCode.canonical(text) else { throw ProviderError.unknownCode() }
        let record: InPersonCodeRecord
        switch try await store.useInPersonCode(
            codeHash: codeDigest.digest(canonical), verifier: client.id, now: now)
        {
        case .used(let used): record = used
        case .unknown: throw ProviderError.unknownCode()
        case .expired: throw ProviderError.codeExpired()
        case .alreadyUsed: throw ProviderError.codeUsed()
        }
        var fields = ["disclosed": record.disclose.joined(separator: " ")]
        let found = try await store.loginHolder(certificateSerial: record.certificateSerial, clientID: client.id)
        guard let holder = found, holder.personID == record.personID, holder.personState == .active,
            holder.certificateStatus == .valid
        else {
            try await refuseCode(record, client, fields, reason: "person-not-active", now: now)
            throw ProviderError.personNotActiveForCode(
                found.map { $0.personState == .active ? "without a valid certificate" : $0.personState.rawValue } ?? "cancelled")
        }
        // A platform that asked this person to re-verify, or whose interval has passed, learns
        // nothing until they do (as its logins would be refused).
        if let demand = LoginService.reverificationDemand(holder, now: now) {
            try await refuseCode(record, client, fields, reason: demand.code, now: now)
            throw ProviderError.reverificationRequiredForCode()
        }
        // What the person chose, within what the platform is registered for; real names only
        // with a registered legal basis.
        let scopes = client.metadata.scopes
        var released = record.disclose.contains("age") && scopes.contains(.age) ? Scope.age.claims : []
        if record.disclose.contains("name"), scopes.contains(.realname), client.metadata.legalBasis != nil {
            released += Scope.realname.claims
        }
        var claims = IDTokenClaims(
            iss: issuer, sub: pairwise.subject(sector: client.metadata.sector, networkNumber: holder.networkNumber),
            aud: client.id, exp: 0, iat: 0, authTime: 0, acr: holder.assuranceLevel.acr)
        try await addReleasedClaims(released, personID: holder.personID, now: now, to: &claims)
        fields["released"] = released.joined(separator: " ")
        try await store.append(
            HistoryEntry(
                personID: holder.personID, clientID: client.id, event: .inPersonVerification, fields: fields, at: now))
        return InPersonVerification(
            sub: claims.sub, verified: true, acr: claims.acr, amr: ["hwk"], ageOver14: claims.ageOver14,
            ageOver18: claims.ageOver18, name: claims.name, birthdate: claims.birthdate, verifiedAt: now)
    }

    /// Records a refused verification in the person's history, with its reason.
    private func refuseCode(
        _ record: InPersonCodeRecord, _ client: Client, _ fields: [String: String], reason: String, now: Date
    ) async throws {
        var fields = fields
        fields["reason"] = reason
        try await store.append(
            HistoryEntry(
                personID: record.personID, clientID: client.id, event: .inPersonVerification, outcome: .failure,
                fields: fields, at: now))
    }
}
