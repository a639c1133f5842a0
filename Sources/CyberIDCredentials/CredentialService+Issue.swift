import CyberIDBase64URL
public import CyberIDSDJWT
import CyberIDCore
import CyberIDKeys
import CyberIDStore
import CyberIDVault
public import Foundation

extension CredentialService {
    /// The credential endpoint: one SD-JWT VC per proof of possession, each bound to its own key,
    /// with its own salts and its own random status list entry, so that no two of a batch can be
    /// linked by what they carry.
    /// - Parameters:
    ///   - accessToken: the bearer token from ``token(preAuthorizedCode:transactionCode:now:)``;
    ///     used once, and only after the request and its proofs are found good.
    ///   - body: the JSON request (`credential_configuration_id`, `proofs.jwt`).
    /// - Returns: `{"credentials": [{"credential": …}, …]}`, in the order of the proofs.
    /// - Throws: ``CredentialError``.
    public func issue(accessToken: String?, body: [UInt8], now: Date = Date()) async throws -> JSON {
        guard let accessToken, !accessToken.isEmpty else { throw CredentialError.invalidToken("send Authorization: Bearer <access token>") }
        guard let request = (try? JSON(parsing: body))?.object else {
            throw CredentialError.invalidCredentialRequest("send a JSON object")
        }
        guard request["credential_configuration_id"]?.string == CredentialConfiguration.configurationID else {
            throw CredentialError.unknownConfiguration("the only credential configuration is \(CredentialConfiguration.configurationID)")
        }
        guard let proofs = request["proofs"]?.object, proofs.count == 1, let jwts = proofs["jwt"]?.array else {
            throw CredentialError.invalidCredentialRequest("send proofs: {\"jwt\": [proof JWT, …]}")
        }
        guard (1...configuration.batchSize).contains(jwts.count) else {
            throw CredentialError.invalidCredentialRequest("send 1 to \(configuration.batchSize) proofs")
        }
        var keys = [ECPublicJWK]()
        for proof in jwts {
            guard let compact = proof.string else { throw CredentialError.invalidProof("a proof must be a JWT string") }
            let key = try checkProof(compact, now: now)
            guard !keys.contains(where: { $0.thumbprint == key.thumbprint }) else {
                throw CredentialError.invalidProof("each credential needs its own key: two proofs use the same key")
            }
            keys.append(key)
        }
        guard let grant = try await store.useCredentialAccessToken(tokenHash: Self.hash(accessToken), now: now) else {
            throw CredentialError.invalidToken("the access token is unknown, expired or already used")
        }
        let credentials = try await credentials(for: grant, keys: keys, now: now)
        return .object(["credentials": .array(credentials.map { .object(["credential": .string($0.compact)]) })])
    }

    /// Checks one `openid4vci-proof+jwt`: its own public key in `jwk`, signed with it, for this
    /// issuer, fresh, with a live `c_nonce`.
    func checkProof(_ compact: String, now: Date) throws(CredentialError) -> ECPublicJWK {
        let proof: CompactJWS
        let key: ECPublicJWK
        do {
            proof = try CompactJWS(compact: compact)
            guard proof.header["typ"]?.string == "openid4vci-proof+jwt" else {
                throw CredentialError.invalidProof("the proof's typ must be openid4vci-proof+jwt")
            }
            guard let jwk = proof.header["jwk"], proof.header["kid"] == nil, proof.header["x5c"] == nil else {
                throw CredentialError.invalidProof("the proof must carry its key as jwk (and no kid or x5c)")
            }
            // Re-encoded from the point: no kid or odd encoding of the wallet's goes into cnf.
            let publicKey = try ECPublicJWK(json: jwk).publicKey()
            key = ECPublicJWK(publicKey: publicKey)
            try proof.verify(with: publicKey)
        } catch let error as CredentialError {
            throw error
        } catch let error as SDJWTError {
            throw CredentialError.invalidProof("the proof is refused: \(error.reason)")
        } catch {
            throw CredentialError.invalidProof("the proof is refused")
        }
        guard proof.payload["aud"]?.string == configuration.issuer else {
            throw CredentialError.invalidProof("the proof's aud must be \(configuration.issuer)")
        }
        guard let iat = proof.payload["iat"]?.integer, abs(Double(iat) - now.timeIntervalSince1970) <= configuration.grantLifetime
        else { throw CredentialError.invalidProof("the proof's iat is missing or not recent") }
        guard let nonce = proof.payload["nonce"]?.string, isValidNonce(nonce, now: now) else {
            throw CredentialError.invalidNonce("get a fresh c_nonce from the nonce endpoint")
        }
        return key
    }

    /// The credentials of a batch, once the holder is found still active with a valid certificate.
    func credentials(for grant: CredentialGrantHolder, keys: [ECPublicJWK], now: Date) async throws -> [SDJWT] {
        guard let holder = try await store.loginHolder(certificateSerial: grant.certificateSerial, clientID: ""),
            holder.personID == grant.personID, holder.personState == .active, holder.certificateStatus == .valid,
            holder.certificateNotAfter > now,
            let person = try await store.person(id: grant.personID), let record = try vault.open(person)
        else { throw CredentialError.notActive("the network number is not active or its certificate is not valid") }
        let today = calendar.day(of: now)
        let documentEnd = calendar.endOfDay(record.documentExpiry)
        guard documentEnd > now else { throw CredentialError.notActive("the identity document has expired") }
        // Not cut at an age threshold: an exp just before a birthday would tell the birth date
        // of someone who withheld it; a stale age_over_18 = false is the safe direction.
        let expiry = expiry(now: now, limits: [holder.certificateNotAfter, documentEnd])
        let entries = try await store.allocateStatusEntries(
            count: keys.count, holder: grant, listSize: configuration.statusListSize, capacity: configuration.statusListCapacity,
            documentExpiresAt: documentEnd, expiresAt: expiry, now: now,
            random: { Int.random(in: 0..<$0) })
        let band = AgeBand(birthDate: record.birthDate, on: today)
        let signingKey = try signingKeys.activeKey()
        let issuedAt = Int(now.timeIntervalSince1970) / 86_400 * 86_400
        return try zip(keys, entries).map { key, entry in
            let claims: [String: JSON] = [
                "iss": .string(configuration.issuer), "vct": .string(CredentialConfiguration.vct),
                "iat": .integer(issuedAt), "exp": .integer(Int(expiry.timeIntervalSince1970)),
                "verified": .bool(true), "assurance_level": .string(holder.assuranceLevel.rawValue),
                "age_over_14": .bool(band.isOver14), "age_over_18": .bool(band.isOver18),
                "cnf": .object(["jwk": key.json]),
                "status": .object([
                    "status_list": .object([
                        "idx": .integer(entry.index), "uri": .string(configuration.statusListURI(entry.list)),
                    ])
                ]),
            ]
            let disclosable: [(String, JSON)] = [
                ("given_name", .string(record.givenNames)), ("family_name", .string(record.surname)),
                ("birthdate", .string(record.birthDate.description)),
                ("nationality", .string(record.nationality.replacingOccurrences(of: "<", with: ""))),
            ]
            return try SDJWT.issue(
                header: ["typ": .string("dc+sd-jwt"), "kid": .string(signingKey.kid)], claims: claims,
                disclosable: disclosable, sign: { try signingKey.sign(Array($0.utf8)) })
        }
    }

    /// The credential's `exp`: the validity period, cut by the certificate's and the document's
    /// expiry, rounded down to a whole day (UTC) when that leaves
    /// more than an hour, so that exp says as little as possible about the holder.
    func expiry(now: Date, limits: [Date?]) -> Date {
        let end = limits.compactMap { $0 }.reduce(now.addingTimeInterval(configuration.validity), min)
        let rounded = Date(timeIntervalSince1970: (end.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400)
        return rounded > now.addingTimeInterval(3_600) ? rounded : end
    }

}
