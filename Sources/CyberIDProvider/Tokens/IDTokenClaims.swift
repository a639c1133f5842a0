import JWTKit

/// The ID token's claims (OIDC Core §2 plus CyberID's verification confirmation).
struct IDTokenClaims: JWTPayload {
    var iss: String
    var sub: String
    var aud: String
    var exp: Int
    var iat: Int
    var authTime: Int
    var nonce: String?
    var acr: String
    var amr: [String]?
    /// The person's eIDAS level when `acr` names an authentication mode instead.
    var cyberidLevel: String?
    var cyberidVerified = true
    var ageOver14: Bool?
    var ageOver18: Bool?
    var name: String?
    var birthdate: String?
    var networkNumber: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, acr, amr, name, birthdate, cyberidLevel = "cyberid_level"
        case authTime = "auth_time", cyberidVerified = "cyberid_verified", ageOver14 = "age_over_14"
        case ageOver18 = "age_over_18", networkNumber = "network_number"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
