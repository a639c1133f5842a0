public import CyberIDSDJWT
public import Foundation

/// Verifies an OpenID4VP `vp_token` answering a ``PresentationRequest``: the issuer's
/// signature (keys from ``IssuerCache``), the credential type and expiry, the disclosures, the
/// key-binding JWT (this request's nonce, this verifier's client id, `sd_hash`), the status
/// list entry, and that every claim asked for was disclosed.
public struct PresentationVerifier: Sendable {
    /// The issuer's keys and status lists.
    public let cache: IssuerCache
    /// How old a key-binding JWT may be.
    public var maxPresentationAge: TimeInterval = 300

    public init(cache: IssuerCache) { self.cache = cache }

    /// Verifies `vpToken` (the JSON `{"person": ["<sd-jwt>~<kb-jwt>"]}`).
    /// - Returns: the claims asked for, as disclosed.
    /// - Throws: ``VerifierError``.
    public func verify(vpToken: String, for request: PresentationRequest, now: Date = Date()) async throws -> [String: JSON] {
        guard vpToken.utf8.count <= 65_536, let token = try? JSON(parsing: Array(vpToken.utf8)),
            let presentations = token[PresentationRequest.queryID]?.array, presentations.count == 1,
            let compact = presentations[0].string
        else {
            throw VerifierError(code: "malformed", reason: "vp_token must be {\"\(PresentationRequest.queryID)\": [\"<sd-jwt>~<kb-jwt>\"]}")
        }
        let presentation: SDJWT
        do {
            presentation = try SDJWT(compact: compact)
        } catch {
            throw VerifierError(code: "malformed", reason: "the presentation is not an SD-JWT: \(error.reason)")
        }
        let claims = try await verifyCredential(presentation, now: now)
        do {
            try presentation.verifyKeyBinding(audience: request.clientID, nonce: request.nonce, now: now, maxAge: maxPresentationAge)
        } catch {
            throw VerifierError(code: "key-binding", reason: error.reason)
        }
        try await checkStatus(claims, now: now)
        var released = [String: JSON]()
        for name in request.claims {
            guard let value = claims[name] else {
                throw VerifierError(code: "not-disclosed", reason: "the holder did not disclose \(name)")
            }
            released[name] = value
        }
        guard released["verified"] == .bool(true) else { throw VerifierError(code: "wrong-credential", reason: "verified is not true") }
        return released
    }

    /// The issuer-signed part: signature, type, issuer, validity, disclosures.
    func verifyCredential(_ presentation: SDJWT, now: Date) async throws -> [String: JSON] {
        let header = presentation.jwt.header
        guard header["typ"]?.string == "dc+sd-jwt" else { throw VerifierError(code: "wrong-credential", reason: "typ must be dc+sd-jwt") }
        guard let kid = header["kid"]?.string else { throw VerifierError(code: "signature", reason: "the credential names no key (kid)") }
        let key = try await cache.key(kid: kid, now: now)
        let claims: [String: JSON]
        do {
            claims = try presentation.verifiedClaims(issuerKey: try key.publicKey())
        } catch {
            throw VerifierError(code: error.code == "signature" ? "signature" : "disclosure", reason: error.reason)
        }
        guard claims["iss"]?.string == cache.issuer, claims["vct"]?.string == PresentationRequest.vct else {
            throw VerifierError(code: "wrong-credential", reason: "not a CyberID verified-person credential of \(cache.issuer)")
        }
        guard let exp = claims["exp"]?.integer, TimeInterval(exp) > now.timeIntervalSince1970 else {
            throw VerifierError(code: "expired", reason: "the credential has expired")
        }
        if let nbf = claims["nbf"]?.integer, TimeInterval(nbf) > now.timeIntervalSince1970 + 60 {
            throw VerifierError(code: "expired", reason: "the credential is not valid yet")
        }
        return claims
    }

    /// The status list entry must be 0 (valid).
    func checkStatus(_ claims: [String: JSON], now: Date) async throws {
        guard let reference = claims["status"]?["status_list"], let uri = reference["uri"]?.string,
            let index = reference["idx"]?.integer
        else { throw VerifierError(code: "wrong-credential", reason: "the credential has no status list entry") }
        switch try await cache.status(uri: uri, index: index, now: now) {
        case 0: return
        case 2: throw VerifierError(code: "suspended", reason: "the credential is suspended")
        default: throw VerifierError(code: "revoked", reason: "the credential is revoked")
        }
    }
}
