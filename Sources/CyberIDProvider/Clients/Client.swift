public import Foundation
public import CyberIDCore

/// How a client authenticates at the token, PAR and revocation endpoints.
public enum ClientAuthMethod: String, Sendable, Codable, CaseIterable {
    case clientSecretBasic = "client_secret_basic"
    case clientSecretPost = "client_secret_post"
    case privateKeyJWT = "private_key_jwt"
}

/// A registered relying party with its protocol metadata.
public struct Client: Sendable, Equatable {
    /// The `client_id`.
    public var id: String
    /// Display name (wallet and history).
    public var name: String
    /// The protocol metadata.
    public var metadata: ClientMetadata
    /// SHA-256 of the client secret, for secret-based methods.
    public var secretHash: [UInt8]?
    /// A disabled client gets nothing.
    public var disabled: Bool
    /// Registration time.
    public var createdAt: Date
}

/// A client's protocol metadata, stored as JSON in the `clients` row.
public struct ClientMetadata: Sendable, Equatable, Codable {
    /// Redirect URIs, compared exactly.
    public var redirectURIs: [String]
    /// The pairwise-identifier sector.
    public var sector: String
    /// Scopes the client may ask for.
    public var scopes: [Scope]
    /// The registered legal basis for real-name claims.
    public var legalBasis: String?
    /// Client authentication method.
    public var authMethod: ClientAuthMethod
    /// The client's public keys (JWKS JSON) for `private_key_jwt`.
    public var jwks: String?
    /// Or where to fetch them.
    public var jwksURI: String?
    /// FAPI 2.0 mode: PAR and `private_key_jwt` required.
    public var strict: Bool
    /// Where Security Event Tokens about the platform's users are pushed (RFC 8935).
    public var eventsURI: String?
    /// The authentication mode of the client's logins when its request names none.
    public var defaultMode: AuthenticationMode? = nil

    enum CodingKeys: String, CodingKey {
        case redirectURIs = "redirect_uris", sector, scopes, legalBasis = "legal_basis", authMethod = "auth_method"
        case jwks, jwksURI = "jwks_uri", strict, eventsURI = "events_uri", defaultMode = "default_mode"
    }
}

/// What an administrator asks for when registering a client.
public struct ClientRegistration: Sendable {
    public var name: String
    public var redirectURIs: [String]
    public var sector: String?
    public var scopes: [String]?
    public var legalBasis: String?
    public var authMethod: ClientAuthMethod?
    public var jwks: String?
    public var jwksURI: String?
    public var strict: Bool
    public var eventsURI: String?
    /// The default authentication mode (`admin client create --mode R03`).
    public var defaultMode: AuthenticationMode? = nil

    /// Creates a registration request.
    public init(
        name: String, redirectURIs: [String], sector: String? = nil, scopes: [String]? = nil, legalBasis: String? = nil,
        authMethod: ClientAuthMethod? = nil, jwks: String? = nil, jwksURI: String? = nil, strict: Bool = false,
        eventsURI: String? = nil
    ) {
        (
            self.eventsURI, self.name, self.redirectURIs, self.sector, self.scopes, self.legalBasis, self.authMethod,
            self.jwks, self.jwksURI, self.strict
        ) = (
            eventsURI, name, redirectURIs, sector, scopes, legalBasis, authMethod, jwks, jwksURI, strict
        )
    }
}
