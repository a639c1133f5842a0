import Crypto
import CyberIDBase64URL
import Foundation
import JWTKit
import Synchronization
import Testing

@testable import CyberIDProvider

/// Review finding 7: bad client assertions must not make the service fetch a platform's JWKS URL
/// at the attacker's rate — at most once a minute — while a real rotation is still picked up.
@Suite struct JWKSCacheTests {
    final class Clock: Sendable {
        let time = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
        func advance(_ seconds: TimeInterval) { time.withLock { $0 += seconds } }
    }

    static func jwks(_ key: P256.Signing.PrivateKey, kid: String) -> String {
        let point = Array(key.publicKey.x963Representation)
        return """
            {"keys":[{"kty":"EC","crv":"P-256","kid":"\(kid)","alg":"ES256","use":"sig",\
            "x":"\(Base64URL.encode(Array(point[1..<33])))","y":"\(Base64URL.encode(Array(point[33...])))"}]}
            """
    }

    static func assertion(_ key: P256.Signing.PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        return try await keys.sign(TestClaims(iss: "c1"), kid: JWKIdentifier(string: kid))
    }

    struct TestClaims: JWTPayload {
        var iss: String
        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    @Test func badSignaturesRefetchAtMostOnceAMinuteAndARotationIsPickedUp() async throws {
        let clock = Clock()
        let published = Mutex(Self.jwks(P256.Signing.PrivateKey(), kid: "old"))
        let fetches = Mutex(0)
        let cache = JWKSCache(
            refetchInterval: 60,
            fetch: { _ in
                fetches.withLock { $0 += 1 }
                return published.withLock { $0 }
            }, now: { clock.time.withLock { $0 } })
        let metadata = try JSONDecoder().decode(
            ClientMetadata.self,
            from: Data(
                #"{"redirect_uris":["https://shop.example/cb"],"sector":"shop.example","scopes":["openid"],"auth_method":"private_key_jwt","jwks_uri":"https://shop.example/jwks","strict":false}"#
                    .utf8))
        let client = Client(id: "c1", name: "Shop", metadata: metadata, secretHash: nil, disabled: false, createdAt: Date())
        let attacker = P256.Signing.PrivateKey()
        // A stream of assertions nobody holds the key of: one fetch, then refusals without fetching.
        for _ in 0..<20 {
            await #expect(throws: ProviderError.invalidClient("")) {
                try await cache.verify(try await Self.assertion(attacker, kid: "forged"), client: client)
            }
        }
        #expect(fetches.withLock { $0 } == 1)
        // The platform rotates; within the minute the new key is not fetched yet, after it it is.
        let rotated = P256.Signing.PrivateKey()
        published.withLock { $0 = Self.jwks(rotated, kid: "new") }
        clock.advance(30)
        await #expect(throws: ProviderError.invalidClient("")) {
            try await cache.verify(try await Self.assertion(rotated, kid: "new"), client: client)
        }
        #expect(fetches.withLock { $0 } == 1)
        clock.advance(31)
        _ = try await cache.verify(try await Self.assertion(rotated, kid: "new"), client: client)
        #expect(fetches.withLock { $0 } == 2)
        // Good assertions are answered from the cache.
        for _ in 0..<5 { _ = try await cache.verify(try await Self.assertion(rotated, kid: "new"), client: client) }
        #expect(fetches.withLock { $0 } == 2)
    }
}
