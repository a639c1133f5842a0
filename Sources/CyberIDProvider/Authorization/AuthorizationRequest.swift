public import CyberIDCore

/// A validated authorization request (OIDC Core §3.1.2.1), as it travels sealed through the
/// login and into the code.
public struct AuthorizationRequest: Sendable, Equatable, Codable {
    public var clientID: String
    public var redirectURI: String
    public var scopes: [Scope]
    public var state: String?
    public var nonce: String?
    /// The PKCE S256 challenge.
    public var codeChallenge: String
    /// The lowest level the client accepts, from `acr_values` (`nil`: any).
    public var requiredLevel: AssuranceLevel?
    public var maxAge: Int?
    public var prompt: [String]
    /// The authentication mode asked for (`acr_values` `urn:cyberid:mode:R0n`, or the client's
    /// registered default); `nil`: none (the level's `acr`).
    public var mode: AuthenticationMode? = nil
    /// Whether the ID token's `acr` names the mode: the request named one, or named no
    /// `acr_values` at all (a request for a level alone gets the level, with `amr` saying how).
    public var modeInACR = true

    enum CodingKeys: String, CodingKey {
        case clientID = "c", redirectURI = "r", scopes = "s", state = "st", nonce = "n", codeChallenge = "cc"
        case requiredLevel = "a", maxAge = "m", prompt = "p", mode = "md", modeInACR = "mi"
    }

    /// The consentable claims asked for.
    public var claims: [String] { Scope.claims(of: scopes) }
}

