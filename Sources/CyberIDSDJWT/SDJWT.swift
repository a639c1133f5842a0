public import Crypto
import CyberIDBase64URL
public import Foundation

/// An SD-JWT (RFC 9901) in compact form: `<issuer-signed JWT>~<disclosure>~…~[<key-binding JWT>]`.
///
/// CyberID's credentials are flat: every selectively disclosable claim is a top-level property
/// listed in the top-level `_sd`; nested or array-element disclosures are refused.
public struct SDJWT: Sendable, Equatable {
    /// The issuer-signed JWT.
    public let jwt: CompactJWS
    /// The disclosures, in the order received.
    public let disclosures: [Disclosure]
    /// The key-binding JWT of a presentation.
    public let keyBinding: CompactJWS?

    /// The names of the claims that can be disclosed.
    public var disclosableNames: [String] { disclosures.map(\.name) }

    /// Creates an SD-JWT from its parts.
    public init(jwt: CompactJWS, disclosures: [Disclosure], keyBinding: CompactJWS? = nil) {
        (self.jwt, self.disclosures, self.keyBinding) = (jwt, disclosures, keyBinding)
    }

    /// Parses the compact form (issuance or presentation); at most 64 KiB and 64 disclosures.
    /// - Throws: ``SDJWTError`` `malformed` or `disclosure`.
    public init(compact: some StringProtocol) throws(SDJWTError) {
        guard compact.utf8.count <= 65_536 else { throw .malformed("the SD-JWT is too large") }
        let parts = compact.split(separator: "~", omittingEmptySubsequences: false)
        guard parts.count >= 2, parts.count <= 66 else { throw .malformed("an SD-JWT is <JWT>~<disclosures>~[<KB-JWT>]") }
        jwt = try CompactJWS(compact: parts[0])
        var disclosures = [Disclosure]()
        for part in parts.dropFirst().dropLast() {
            guard !part.isEmpty else { throw .malformed("an empty disclosure") }
            disclosures.append(try Disclosure(encoded: String(part)))
        }
        self.disclosures = disclosures
        keyBinding = parts.last!.isEmpty ? nil : try CompactJWS(compact: parts.last!)
    }

    /// `<JWT>~<disclosure>~…~`: what the issuer returns and what the key-binding JWT's
    /// `sd_hash` covers.
    public var withoutKeyBinding: String {
        ([jwt.compact] + disclosures.map(\.encoded)).joined(separator: "~") + "~"
    }

    /// The compact form, with the key-binding JWT when there is one.
    public var compact: String { withoutKeyBinding + (keyBinding?.compact ?? "") }

    /// Issues an SD-JWT: `claims` in the clear, `disclosable` behind digests (sorted, so their
    /// order says nothing), each with its own fresh salt.
    /// - Parameter sign: the issuer's ES256 signer (signing input → `r ‖ s`).
    public static func issue(
        header: [String: JSON], claims: [String: JSON], disclosable: [(String, JSON)],
        sign: (String) throws -> [UInt8]
    ) throws -> SDJWT {
        let disclosures = disclosable.map { Disclosure(name: $0.0, value: $0.1) }
        var payload = claims
        payload["_sd"] = .array(disclosures.map(\.digest).sorted().map(JSON.string))
        payload["_sd_alg"] = .string("sha-256")
        return SDJWT(jwt: try CompactJWS.sign(header: header, payload: payload, sign: sign), disclosures: disclosures)
    }

    /// The holder's presentation: only the disclosures named in `names`, and a key-binding JWT
    /// (`typ` `kb+jwt`) signed with the holder key, for `audience` and `nonce`.
    public func presentation(
        disclosing names: Set<String>, holderKey: P256.Signing.PrivateKey, audience: String, nonce: String,
        now: Date = Date()
    ) throws -> SDJWT {
        let shown = SDJWT(jwt: jwt, disclosures: disclosures.filter { names.contains($0.name) })
        let kb = try CompactJWS.sign(
            header: ["typ": .string("kb+jwt")],
            payload: [
                "iat": .integer(Int(now.timeIntervalSince1970)), "aud": .string(audience), "nonce": .string(nonce),
                "sd_hash": .string(Self.hash(shown.withoutKeyBinding)),
            ],
            key: holderKey)
        return SDJWT(jwt: jwt, disclosures: shown.disclosures, keyBinding: kb)
    }

    /// base64url(SHA-256(ASCII text)), the `sd_hash` of RFC 9901 §4.3.1.
    public static func hash(_ text: String) -> String { Base64URL.encode(SHA256.hash(data: Array(text.utf8))) }

    /// Checks the issuer's signature and the disclosures, and returns the claims: the clear
    /// ones and the disclosed ones (`_sd` and `_sd_alg` removed).
    /// - Throws: ``SDJWTError`` `signature`, `disclosure` (a digest not listed, listed twice, a
    ///   claim name that is reserved or already in the clear), `unsupported` (`_sd_alg`).
    public func verifiedClaims(issuerKey: P256.Signing.PublicKey) throws(SDJWTError) -> [String: JSON] {
        try jwt.verify(with: issuerKey)
        return try disclosedClaims()
    }

    /// The claims after processing the disclosures, without checking the signature (a holder
    /// reading their own credential).
    public func disclosedClaims() throws(SDJWTError) -> [String: JSON] {
        var claims = jwt.payload
        if let algorithm = claims["_sd_alg"], algorithm != .string("sha-256") {
            throw .unsupported("only sha-256 disclosure digests are accepted")
        }
        var listed = Set<String>()
        for entry in claims["_sd"]?.array ?? [] {
            guard let digest = entry.string, listed.insert(digest).inserted else {
                throw .disclosure("_sd must list distinct digest strings")
            }
        }
        claims["_sd"] = nil
        claims["_sd_alg"] = nil
        var used = Set<String>()
        for disclosure in disclosures {
            let digest = disclosure.digest
            guard listed.contains(digest) else { throw .disclosure("a disclosure is not listed in the credential") }
            guard used.insert(digest).inserted else { throw .disclosure("a disclosure is sent twice") }
            guard !["_sd", "...", "_sd_alg"].contains(disclosure.name), claims[disclosure.name] == nil else {
                throw .disclosure("the disclosed claim \(disclosure.name) is reserved or already present")
            }
            claims[disclosure.name] = disclosure.value
        }
        return claims
    }

    /// Checks the key-binding JWT of a presentation: `typ` `kb+jwt`, signed by the key in the
    /// credential's `cnf.jwk`, for this `audience` and `nonce`, issued within `maxAge` (and at
    /// most `skew` in the future), over exactly these disclosures (`sd_hash`).
    /// - Throws: ``SDJWTError`` `key-binding`.
    public func verifyKeyBinding(
        audience: String, nonce: String, now: Date = Date(), maxAge: TimeInterval = 300, skew: TimeInterval = 60
    ) throws(SDJWTError) {
        guard let keyBinding else { throw .keyBinding("the presentation has no key-binding JWT") }
        guard keyBinding.header["typ"]?.string == "kb+jwt" else { throw .keyBinding("the key-binding JWT's typ must be kb+jwt") }
        guard let jwk = jwt.payload["cnf"]?["jwk"] else { throw .keyBinding("the credential has no holder key (cnf.jwk)") }
        do {
            try keyBinding.verify(with: try ECPublicJWK(json: jwk).publicKey())
        } catch {
            throw .keyBinding("the key-binding JWT is not signed by the holder key: \(error.reason)")
        }
        let claims = keyBinding.payload
        guard claims["aud"]?.string == audience else { throw .keyBinding("the presentation is for another verifier (aud)") }
        guard claims["nonce"]?.string == nonce else { throw .keyBinding("the presentation answers another request (nonce)") }
        guard let iat = claims["iat"]?.integer else { throw .keyBinding("the key-binding JWT has no iat") }
        let issued = Date(timeIntervalSince1970: TimeInterval(iat))
        guard issued >= now.addingTimeInterval(-maxAge), issued <= now.addingTimeInterval(skew) else {
            throw .keyBinding("the key-binding JWT is not fresh (iat)")
        }
        guard claims["sd_hash"]?.string == Self.hash(withoutKeyBinding) else {
            throw .keyBinding("the key-binding JWT does not cover these disclosures (sd_hash)")
        }
    }
}
