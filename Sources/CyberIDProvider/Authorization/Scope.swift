/// The scopes CyberID knows and the claims each releases.
public enum Scope: String, Sendable, CaseIterable, Codable {
    /// The verification confirmation: `sub`, `acr`, `auth_time`, `cyberid_verified`.
    case openid
    /// `age_over_14`, `age_over_18`.
    case age
    /// `name`, `birthdate`; needs a legal basis.
    case realname
    /// `network_number`; needs a legal basis.
    case networkNumber = "network_number"

    /// The consentable claims this scope asks for (the confirmation itself needs none: the
    /// approval is the person's answer to it).
    public var claims: [String] {
        switch self {
        case .openid: []
        case .age: ["age_over_14", "age_over_18"]
        case .realname: ["name", "birthdate"]
        case .networkNumber: ["network_number"]
        }
    }

    /// Whether only a client with a registered legal basis may ask for it.
    public var needsLegalBasis: Bool { self == .realname || self == .networkNumber }

    /// Of `scopes`, those a platform may ask for with (or without, `legalBasis == nil`) a legal
    /// basis.
    public static func allowed(_ scopes: [Scope], legalBasis: String?) -> [Scope] {
        legalBasis != nil ? scopes : scopes.filter { !$0.needsLegalBasis }
    }

    /// Of `claims`, those a platform may receive with or without (`legalBasis == nil`) a legal
    /// basis: the legal basis is read when the claims are released, not only when the login
    /// began — an operator who removes it stops every release at once (a review's finding).
    public static func releasable(_ claims: [String], legalBasis: String?) -> [String] {
        guard legalBasis == nil else { return claims }
        let needBasis = Set(allCases.filter(\.needsLegalBasis).flatMap(\.claims))
        return claims.filter { !needBasis.contains($0) }
    }

    /// Every consentable claim of `scopes`, in a stable order.
    static func claims(of scopes: [Scope]) -> [String] { scopes.flatMap(\.claims) }
}
