public import CyberIDKeys
public import CyberIDSDJWT
public import CyberIDStore
public import CyberIDVault
public import Foundation
import Crypto
import CyberIDBase64URL
import CyberIDCore

/// The credential issuer of OpenID4VCI 1.0's pre-authorized code flow (docs/credentials.md):
/// an authenticated wallet gets an offer, exchanges its code for an access token, fetches a
/// `c_nonce`, and gets a batch of SD-JWT VCs, one per proof key.
public struct CredentialService: Sendable {
    /// The storage the issuer needs.
    public typealias Store = CredentialStore & PersonStore & LoginDecisionStore

    let configuration: CredentialConfiguration
    let store: any Store
    let vault: IdentityVault
    let signingKeys: SigningKeySet
    let nonceKey: SymmetricKey
    let calendar: CivilCalendar
    /// The status lists, signed and cached.
    public let statusLists: StatusListPublisher

    /// Creates the issuer.
    public init(
        configuration: CredentialConfiguration, store: any Store, masterKey: MasterKey, signingKeys: SigningKeySet,
        calendar: CivilCalendar = .service
    ) {
        self.configuration = configuration
        self.store = store
        self.vault = IdentityVault(masterKey: masterKey)
        self.signingKeys = signingKeys
        self.nonceKey = masterKey.derive("credential-nonce v1")
        self.calendar = calendar
        self.statusLists = StatusListPublisher(configuration: configuration, store: store, signingKeys: signingKeys)
    }

    /// The issuer metadata.
    public var issuerMetadata: JSON { configuration.issuerMetadata }

    /// `/.well-known/jwt-vc-issuer` (SD-JWT VC §5): the keys that sign credentials and status lists.
    public var jwtVCIssuerMetadata: JSON { jwtVCIssuerMetadata(now: Date()) }

    /// The issuer metadata at `now`: the active key first, then every key retired less than a
    /// credential's validity (and a day) ago — a credential it signed may still be shown, so
    /// it stays published here longer than in `/jwks.json` (docs/credentials.md §5).
    public func jwtVCIssuerMetadata(now: Date) -> JSON {
        let horizon = configuration.validity + 86_400
        let keys = signingKeys.summaries
            .filter { summary in summary.retiredAt.map { $0.addingTimeInterval(horizon) > now } ?? true }
            .sorted { ($0.retiredAt == nil ? 0 : 1, $1.createdAt) < ($1.retiredAt == nil ? 0 : 1, $0.createdAt) }
            .compactMap { summary in signingKeys.verifiedPublicKey(kid: summary.kid).map { JWK(publicKey: $0, kid: summary.kid) } }
        return .object([
            "issuer": .string(configuration.issuer), "jwks": .object(["keys": .array(keys.map(Self.json))]),
        ])
    }

    /// A credential offer for the wallet that authenticated with certificate `certificateSerial`.
    public func offer(personID: String, certificateSerial: String, now: Date = Date()) async throws -> JSON {
        let code = SecureRandom.token(bytes: 32)
        try await store.createCredentialGrant(
            codeHash: Self.hash(code), holder: CredentialGrantHolder(personID: personID, certificateSerial: certificateSerial),
            expiresAt: now.addingTimeInterval(configuration.grantLifetime), now: now)
        return .object([
            "credential_issuer": .string(configuration.issuer),
            "credential_configuration_ids": .array([.string(CredentialConfiguration.configurationID)]),
            "grants": .object([
                CredentialConfiguration.preAuthorizedGrant: .object(["pre-authorized_code": .string(code)])
            ]),
        ])
    }

    /// The token endpoint's pre-authorized code grant: the code is exchanged once for a
    /// short-lived access token.
    /// - Throws: ``CredentialError`` `invalid_request`, `invalid_grant`.
    public func token(preAuthorizedCode: String?, transactionCode: String?, now: Date = Date()) async throws -> JSON {
        guard let code = preAuthorizedCode, !code.isEmpty, code.utf8.count <= 256 else {
            throw CredentialError.invalidRequest("pre-authorized_code is missing")
        }
        guard transactionCode == nil else { throw CredentialError.invalidRequest("this offer has no tx_code") }
        let token = SecureRandom.token(bytes: 32)
        guard
            try await store.redeemCredentialGrant(
                codeHash: Self.hash(code), tokenHash: Self.hash(token),
                tokenExpiresAt: now.addingTimeInterval(configuration.grantLifetime), now: now)
        else { throw CredentialError.invalidGrant("the pre-authorized code is unknown, expired or already used") }
        return .object([
            "access_token": .string(token), "token_type": .string("Bearer"),
            "expires_in": .integer(Int(configuration.grantLifetime)),
        ])
    }

    /// A fresh `c_nonce` (the nonce endpoint): its expiry, 16 random bytes and an HMAC, so the
    /// service keeps no state for it.
    public func nonce(now: Date = Date()) -> String {
        var expiry = UInt64(now.addingTimeInterval(configuration.grantLifetime).timeIntervalSince1970).bigEndian
        let body = withUnsafeBytes(of: &expiry) { Array($0) } + SecureRandom.bytes(16)
        return Base64URL.encode(body + Array(HMAC<SHA256>.authenticationCode(for: body, using: nonceKey)).prefix(16))
    }

    /// Whether `nonce` came from ``nonce(now:)`` and has not expired.
    func isValidNonce(_ nonce: String, now: Date) -> Bool {
        guard let bytes = Base64URL.decode(nonce), bytes.count == 40 else { return false }
        let body = Array(bytes.prefix(24))
        let mac = Array(HMAC<SHA256>.authenticationCode(for: body, using: nonceKey)).prefix(16)
        guard constantTimeEqual(Array(mac), Array(bytes.suffix(16))) else { return false }
        let expiry = body.prefix(8).reduce(UInt64(0)) { $0 << 8 | UInt64($1) }
        return Double(expiry) > now.timeIntervalSince1970
    }

    static func hash(_ secret: String) -> String { Base64URL.encode(SHA256.hash(data: Array(secret.utf8))) }

    /// A published key as a JSON object.
    static func json(_ key: JWK) -> JSON {
        .object([
            "kty": .string(key.kty), "crv": .string(key.crv), "x": .string(key.x), "y": .string(key.y),
            "kid": .string(key.kid), "use": .string(key.use), "alg": .string(key.alg),
        ])
    }
}
