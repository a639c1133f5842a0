import CyberIDBase64URL
import Crypto
import CyberIDStore
import Foundation
import Synchronization
import Testing

@testable import CyberIDKeys

/// An in-memory `SigningKeyStore` with the same rotation semantics as `SQLStore` (which the
/// store suite tests on both backends); the server tests use the real SQLite store.
final class MemoryKeyStore: SigningKeyStore {
    let keys = Mutex<[StoredSigningKey]>([])

    func signingKeys() async throws -> [StoredSigningKey] {
        keys.withLock { $0.sorted { $0.createdAt > $1.createdAt } }
    }

    func rotate(to key: StoredSigningKey, publishRetiredUntil publishUntil: Date) async throws {
        keys.withLock { keys in
            for index in keys.indices where keys[index].retiredAt == nil {
                keys[index].retiredAt = key.createdAt
                keys[index].publishUntil = publishUntil
            }
            keys.append(key)
        }
    }
}

/// A clock tests move by hand.
final class TestClock: Sendable {
    let current = Mutex(Date(timeIntervalSince1970: 1_800_000_000))
    var now: Date { current.withLock { $0 } }
    func advance(_ seconds: TimeInterval) { current.withLock { $0 = $0.addingTimeInterval(seconds) } }
}

@Suite struct SigningKeySetTests {
    @Test func firstStartGeneratesOneKeyAndLaterStartsReuseIt() async throws {
        let store = MemoryKeyStore()
        let master = MasterKey.random()
        let first = SigningKeySet(store: store, masterKey: master)
        #expect(try await first.loadOrCreate())
        let kid = try first.activeKey().kid
        let second = SigningKeySet(store: store, masterKey: master)
        #expect(try await !second.loadOrCreate())
        #expect(try second.activeKey().kid == kid)
        #expect(try await store.signingKeys().count == 1)
        // The stored private key is sealed, not raw.
        let stored = try #require(try await store.signingKeys().first)
        #expect(stored.sealedPrivateKey != Array(try first.activeKey().privateKey.rawRepresentation))
    }

    @Test func aDifferentMasterKeyCannotOpenTheStoredKeys() async throws {
        let store = MemoryKeyStore()
        try await SigningKeySet(store: store, masterKey: .random()).loadOrCreate()
        await #expect(throws: KeyError.decryptionFailed) {
            try await SigningKeySet(store: store, masterKey: .random()).loadOrCreate()
        }
    }

    @Test func rotationKeepsTheOldKeyPublishedUntilItsGraceEnds() async throws {
        let store = MemoryKeyStore()
        let clock = TestClock()
        let keys = SigningKeySet(store: store, masterKey: .random(), publishGrace: 3_600, now: { clock.now })
        try await keys.loadOrCreate()
        let old = try keys.activeKey().kid
        clock.advance(10)
        let new = try await keys.rotate()
        #expect(new != old)
        #expect(try keys.activeKey().kid == new)
        #expect(keys.jwks.keys.map(\.kid) == [new, old])
        #expect(keys.summaries.map(\.active) == [true, false])
        clock.advance(3_599)
        try await keys.refresh()
        #expect(keys.jwks.keys.map(\.kid) == [new, old])
        clock.advance(2)
        try await keys.refresh()
        #expect(keys.jwks.keys.map(\.kid) == [new])
    }

    /// Issue 16: with several processes, a rotated-in key is published by every one of them
    /// (each reloads within its period) before any signs with it.
    @Test func aRotatedKeyIsPublishedAtOnceAndSignsOnlyAfterTheActivationDelay() async throws {
        let store = MemoryKeyStore()
        let clock = TestClock()
        let master = MasterKey.random()
        let rotating = SigningKeySet(store: store, masterKey: master, activationDelay: 60, now: { clock.now })
        let other = SigningKeySet(store: store, masterKey: master, activationDelay: 60, now: { clock.now })
        // The very first key signs at once: there is nothing to wait for.
        #expect(try await rotating.loadOrCreate())
        #expect(try await other.loadOrCreate() == false)
        let old = try rotating.activeKey().kid
        #expect(try other.activeKey().kid == old)
        clock.advance(100)
        let new = try await rotating.rotate()
        #expect(try rotating.activeKey().kid == old)
        #expect(rotating.jwks.keys.map(\.kid) == [new, old])
        clock.advance(30)  // the other process's reload
        try await other.refresh()
        #expect(other.jwks.keys.map(\.kid) == [new, old])
        #expect(try other.activeKey().kid == old)
        clock.advance(30)  // 60 s after the rotation both sign with the new key, without a reload
        #expect(try rotating.activeKey().kid == new)
        #expect(try other.activeKey().kid == new)
        // The old key stays published for the grace after the new one started signing.
        clock.advance(86_400 - 1)
        try await other.refresh()
        #expect(other.jwks.keys.map(\.kid) == [new, old])
        clock.advance(2)
        try await other.refresh()
        #expect(other.jwks.keys.map(\.kid) == [new])
        #expect(try other.activeKey().kid == new)
    }

    /// Two rotations within the activation delay: each key signs only once it is older than the
    /// delay (every process publishes it by then), so the first keeps signing until the middle
    /// one's time, and the newest takes over at its own.
    @Test func afterTwoQuickRotationsEachKeySignsOnlyOnceOldEnough() async throws {
        let store = MemoryKeyStore()
        let clock = TestClock()
        let keys = SigningKeySet(store: store, masterKey: .random(), activationDelay: 60, now: { clock.now })
        try await keys.loadOrCreate()
        let first = try keys.activeKey().kid
        clock.advance(100)
        let middle = try await keys.rotate()
        clock.advance(20)
        let newest = try await keys.rotate()
        #expect(keys.jwks.keys.map(\.kid) == [newest, middle, first])
        #expect(try keys.activeKey().kid == first)
        clock.advance(30)  // 50 s after the middle key: not yet
        try await keys.refresh()
        #expect(try keys.activeKey().kid == first)
        clock.advance(15)  // 65 s after the middle key, 45 s after the newest
        try await keys.refresh()
        #expect(try keys.activeKey().kid == middle)
        clock.advance(15)  // 60 s after the newest, without a reload
        #expect(try keys.activeKey().kid == newest)
    }

    @Test func anotherProcessSeesARotationAfterRefresh() async throws {
        let store = MemoryKeyStore()
        let master = MasterKey.random()
        let serverA = SigningKeySet(store: store, masterKey: master)
        let admin = SigningKeySet(store: store, masterKey: master)
        try await serverA.loadOrCreate()
        try await admin.loadOrCreate()
        let rotated = try await admin.rotate()
        #expect(try serverA.activeKey().kid != rotated)
        try await serverA.refresh()
        #expect(try serverA.activeKey().kid == rotated)
    }

    @Test func signaturesVerifyWithThePublishedJWK() async throws {
        let keys = SigningKeySet(store: MemoryKeyStore(), masterKey: .random())
        try await keys.loadOrCreate()
        let key = try keys.activeKey()
        let message = Array("eyJhbGciOiJFUzI1NiJ9.eyJzdWIiOiJ4In0".utf8)
        let signature = try key.sign(message)
        #expect(signature.count == 64)
        let jwk = try #require(keys.jwks.keys.first)
        #expect(jwk.kid == key.kid && jwk.alg == "ES256" && jwk.crv == "P-256" && jwk.use == "sig")
        let publicKey = try jwk.publicKey()
        #expect(publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: message))
        #expect(!publicKey.isValidSignature(try P256.Signing.ECDSASignature(rawRepresentation: signature), for: message + [0]))
    }

    @Test func kidIsTheRFC7638Thumbprint() throws {
        // RFC 7638 §3.1 computes the thumbprint over the required members only, in lexical
        // order with no white space; check against an independently built string.
        let key = P256.Signing.PrivateKey()
        let jwk = JWK(publicKey: key.publicKey, kid: "x")
        let json = "{\"crv\":\"P-256\",\"kty\":\"EC\",\"x\":\"\(jwk.x)\",\"y\":\"\(jwk.y)\"}"
        let expected = Data(SHA256.hash(data: Data(json.utf8))).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
        #expect(SigningKey(privateKey: key).kid == expected)
        #expect(jwk.x.count == 43 && jwk.y.count == 43)
    }

    @Test func activeKeyBeforeLoadingIsAClearError() {
        let keys = SigningKeySet(store: MemoryKeyStore(), masterKey: .random())
        #expect(throws: KeyError.noSigningKey) { try keys.activeKey() }
    }

    @Test func base64URLRoundTrips() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 250) }
            let text = Base64URL.encode(bytes)
            #expect(!text.contains("=") && !text.contains("+") && !text.contains("/"))
            #expect(Base64URL.decode(text) == bytes)
        }
        #expect(Base64URL.decode("***") == nil)
    }
}
