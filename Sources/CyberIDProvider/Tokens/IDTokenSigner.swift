import CyberIDKeys
import JWTKit
import Synchronization

/// Signs ID tokens with jwt-kit, using the service's active ES256 key (so a rotation, picked
/// up by ``SigningKeySet/refresh()``, changes the `kid` of the next token).
final class IDTokenSigner: Sendable {
    private let keys: SigningKeySet
    private let current = Mutex<(kid: String, collection: JWTKeyCollection)?>(nil)

    init(keys: SigningKeySet) { self.keys = keys }

    func sign(_ payload: some JWTPayload, type: String = "JWT") async throws -> String {
        let key = try keys.activeKey()
        let collection: JWTKeyCollection
        if let cached = current.withLock({ $0 }), cached.kid == key.kid {
            collection = cached.collection
        } else {
            collection = JWTKeyCollection()
            await collection.add(ecdsa: try ES256PrivateKey(backing: key.privateKey), kid: JWKIdentifier(string: key.kid))
            current.withLock { $0 = (key.kid, collection) }
        }
        return try await collection.sign(payload, kid: JWKIdentifier(string: key.kid), header: ["typ": .string(type)])
    }
}

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
    var cyberidVerified = true
    var ageOver14: Bool?
    var ageOver18: Bool?
    var name: String?
    var birthdate: String?
    var networkNumber: String?

    enum CodingKeys: String, CodingKey {
        case iss, sub, aud, exp, iat, nonce, acr, name, birthdate
        case authTime = "auth_time", cyberidVerified = "cyberid_verified", ageOver14 = "age_over_14"
        case ageOver18 = "age_over_18", networkNumber = "network_number"
    }

    func verify(using algorithm: some JWTAlgorithm) async throws {}
}
