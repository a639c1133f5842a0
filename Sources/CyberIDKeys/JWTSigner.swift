public import JWTKit
import Synchronization

/// Signs JWTs (ID tokens, Security Event Tokens) with jwt-kit, using the service's active ES256
/// key (so a rotation, picked up by ``SigningKeySet/refresh()``, changes the `kid` of the next
/// token).
public final class JWTSigner: Sendable {
    private let keys: SigningKeySet
    private let current = Mutex<(kid: String, collection: JWTKeyCollection)?>(nil)

    /// Creates a signer over the service's keys.
    public init(keys: SigningKeySet) { self.keys = keys }

    /// Signs `payload` with the active key, `typ` = `type`.
    public func sign(_ payload: some JWTPayload, type: String = "JWT") async throws -> String {
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
