public import Foundation
public import CyberIDSDJWT

/// The offline credentials' settings (docs/credentials.md).
public struct CredentialConfiguration: Sendable {
    /// The credential type.
    public static let vct = "urn:cyberid:verified-person:1"
    /// The credential configuration id of issuer metadata.
    public static let configurationID = "verified_person"
    /// The claims that are selectively disclosable, in this order in the metadata.
    public static let disclosableClaims = ["given_name", "family_name", "birthdate", "nationality"]
    /// The grant type of OpenID4VCI's pre-authorized code flow.
    public static let preAuthorizedGrant = "urn:ietf:params:oauth:grant-type:pre-authorized_code"

    /// The issuer (the service's base URL).
    public var issuer: String
    /// A credential's longest life (it also ends with the certificate and the document).
    public var validity: TimeInterval = 30 * 86_400
    /// The most credentials one request issues.
    public var batchSize = 10
    /// How long an offer's pre-authorized code, an access token and a `c_nonce` live.
    public var grantLifetime: TimeInterval = 300
    /// The status list's `ttl`: how long a verifier may cache it before asking again.
    public var statusListTTL = 60
    /// The status list token's lifetime (`exp`): how long an offline verifier may keep using it.
    public var statusListLifetime: TimeInterval = 86_400
    /// Entries per status list (2 bits each): 2^20 entries, 256 KiB before compression.
    public var statusListSize = 1 << 20
    /// Entries allocated in one list before the next is opened: a quarter, so that random
    /// indexes rarely collide and a list always holds many people.
    public var statusListCapacity = (1 << 20) / 4

    public init(issuer: String) {
        var issuer = issuer
        while issuer.hasSuffix("/") { issuer.removeLast() }
        self.issuer = issuer
    }

    /// The URL of status list `list`.
    public func statusListURI(_ list: Int) -> String { "\(issuer)/status/lists/\(list)" }

    /// `/.well-known/openid-credential-issuer` (OpenID4VCI 1.0 §12.2).
    public var issuerMetadata: JSON {
        let claims: [JSON] = (["verified", "assurance_level", "age_over_14", "age_over_18"] + Self.disclosableClaims).map {
            .object(["path": .array([.string($0)])])
        }
        let configuration: JSON = .object([
            "format": .string("dc+sd-jwt"), "vct": .string(Self.vct), "scope": .string(Self.configurationID),
            "cryptographic_binding_methods_supported": .array([.string("jwk")]),
            "credential_signing_alg_values_supported": .array([.string("ES256")]),
            "proof_types_supported": .object([
                "jwt": .object(["proof_signing_alg_values_supported": .array([.string("ES256")])])
            ]),
            "credential_metadata": .object([
                "display": .array([
                    .object(["name": .string("Verified person (CyberID)"), "locale": .string("en")]),
                    .object(["name": .string("网络身份认证 · 实名核验"), "locale": .string("zh-CN")]),
                ]),
                "claims": .array(claims),
            ]),
        ])
        return .object([
            "credential_issuer": .string(issuer), "credential_endpoint": .string("\(issuer)/credential"),
            "nonce_endpoint": .string("\(issuer)/credential/nonce"),
            "batch_credential_issuance": .object(["batch_size": .integer(batchSize)]),
            "display": .array([.object(["name": .string("CyberID"), "locale": .string("en")])]),
            "credential_configurations_supported": .object([Self.configurationID: configuration]),
        ])
    }
}
