import CyberIDCore

/// OpenID Connect Discovery 1.0 metadata (with RFC 8414, RFC 9126 and RFC 9207 fields).
public struct ProviderMetadata: Sendable, Encodable {
    var issuer: String
    var authorizationEndpoint: String
    var tokenEndpoint: String
    var userinfoEndpoint: String
    var jwksURI: String
    var pushedAuthorizationRequestEndpoint: String
    var revocationEndpoint: String
    var responseTypesSupported = ["code"]
    var responseModesSupported = ["query"]
    var grantTypesSupported = ["authorization_code", "urn:ietf:params:oauth:grant-type:pre-authorized_code"]
    var subjectTypesSupported = ["pairwise"]
    var idTokenSigningAlgValuesSupported = ["ES256"]
    var tokenEndpointAuthMethodsSupported = ClientAuthMethod.allCases.map(\.rawValue)
    var tokenEndpointAuthSigningAlgValuesSupported = ["ES256", "PS256", "RS256"]
    var revocationEndpointAuthMethodsSupported = ClientAuthMethod.allCases.map(\.rawValue)
    var codeChallengeMethodsSupported = ["S256"]
    var scopesSupported = Scope.allCases.map(\.rawValue)
    var claimsSupported = [
        "iss", "sub", "aud", "exp", "iat", "auth_time", "nonce", "acr", "amr", "cyberid_level", "cyberid_verified", "age_over_14", "age_over_18",
        "name", "birthdate", "network_number",
    ]
    var acrValuesSupported = AssuranceLevel.allCases.map(\.acr) + AuthenticationMode.allCases.map(\.uri)
    var promptValuesSupported = ["none", "login", "consent"]
    var authorizationResponseIssParameterSupported = true
    var requirePushedAuthorizationRequests = false
    var requestParameterSupported = false
    var requestURIParameterSupported = false
    var claimsParameterSupported = false
    /// OpenID4VCI §12.3: the pre-authorized code needs no client authentication (the wallet
    /// proved itself with its certificate when it got the offer).
    var preAuthorizedGrantAnonymousAccessSupported = true

    enum CodingKeys: String, CodingKey {
        case issuer
        case authorizationEndpoint = "authorization_endpoint"
        case tokenEndpoint = "token_endpoint"
        case userinfoEndpoint = "userinfo_endpoint"
        case jwksURI = "jwks_uri"
        case pushedAuthorizationRequestEndpoint = "pushed_authorization_request_endpoint"
        case revocationEndpoint = "revocation_endpoint"
        case responseTypesSupported = "response_types_supported"
        case responseModesSupported = "response_modes_supported"
        case grantTypesSupported = "grant_types_supported"
        case subjectTypesSupported = "subject_types_supported"
        case idTokenSigningAlgValuesSupported = "id_token_signing_alg_values_supported"
        case tokenEndpointAuthMethodsSupported = "token_endpoint_auth_methods_supported"
        case tokenEndpointAuthSigningAlgValuesSupported = "token_endpoint_auth_signing_alg_values_supported"
        case revocationEndpointAuthMethodsSupported = "revocation_endpoint_auth_methods_supported"
        case codeChallengeMethodsSupported = "code_challenge_methods_supported"
        case scopesSupported = "scopes_supported"
        case claimsSupported = "claims_supported"
        case acrValuesSupported = "acr_values_supported"
        case promptValuesSupported = "prompt_values_supported"
        case authorizationResponseIssParameterSupported = "authorization_response_iss_parameter_supported"
        case requirePushedAuthorizationRequests = "require_pushed_authorization_requests"
        case requestParameterSupported = "request_parameter_supported"
        case requestURIParameterSupported = "request_uri_parameter_supported"
        case claimsParameterSupported = "claims_parameter_supported"
        case preAuthorizedGrantAnonymousAccessSupported = "pre-authorized_grant_anonymous_access_supported"
    }
}

extension OpenIDProvider {
    /// The discovery document.
    public var metadata: ProviderMetadata {
        ProviderMetadata(
            issuer: issuer, authorizationEndpoint: "\(issuer)/authorize", tokenEndpoint: "\(issuer)/token",
            userinfoEndpoint: "\(issuer)/userinfo", jwksURI: "\(issuer)/jwks.json",
            pushedAuthorizationRequestEndpoint: "\(issuer)/par", revocationEndpoint: "\(issuer)/revoke")
    }
}
