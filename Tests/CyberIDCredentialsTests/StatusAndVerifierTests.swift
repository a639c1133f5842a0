import Crypto
import CyberIDCore
import CyberIDCredentials
import CyberIDKeys
import CyberIDLifecycle
import CyberIDSDJWT
import CyberIDStatusList
import CyberIDStore
import CyberIDTestSupport
import CyberIDVerifier
import Foundation
import Synchronization
import Testing

/// Status lists follow the lifecycle; the verifier works offline from its cache and refuses
/// replays, withheld claims, expired and suspended credentials.
@Suite struct StatusAndVerifierTests {
    /// The status value of `credential` in its list as published at `now`, checked as a verifier would.
    static func status(of credential: SDJWT, world: IssuerWorld, now: Date) async throws -> UInt8 {
        let reference = try required(credential.jwt.payload["status"]?["status_list"])
        let uri = try required(reference["uri"]?.string)
        let list = try required(Int(uri.split(separator: "/").last!))
        let token = try CompactJWS(compact: try await world.service.statusLists.token(list: list, now: now))
        try token.verify(with: try world.issuerKey())
        #expect(token.header["typ"] == .string("statuslist+jwt"))
        #expect(token.payload["sub"] == .string(uri) && token.payload["ttl"] == .integer(1))
        let bits = try StatusList(
            bits: try required(token.payload["status_list"]?["bits"]?.integer), lst: try required(token.payload["status_list"]?["lst"]?.string))
        return try required(bits[try required(reference["idx"]?.integer)])
    }

    /// The code of the verifier's refusal, or `nil` when it accepts.
    static func refusal(_ verifier: PresentationVerifier, _ token: String, _ request: PresentationRequest, at now: Date) async -> String? {
        do {
            _ = try await verifier.verify(vpToken: token, for: request, now: now)
            return nil
        } catch let error as VerifierError {
            return error.code
        } catch {
            return "\(error)"
        }
    }

    @Test("suspend and restrict set 2, resume and lift set 0, an expired document or a revoked certificate sets 1", arguments: Backend.available)
    func statusFollowsLifecycle(backend: Backend) async throws {
        try await IssuerWorld.with(ttl: 1, backend: backend) { world in
            let (credential, _) = try await world.batch(2)[0]
            let lifecycle = LifecycleService(store: world.harness.store)
            var now = Date()
            func step(_ event: LifecycleEvent?, actor: LifecycleActor = .person) async throws -> UInt8 {
                if let event { try await lifecycle.apply(event, personID: world.personID, actor: actor, reason: "test", now: now) }
                now += 1
                return try await Self.status(of: credential, world: world, now: now)
            }
            #expect(try await step(nil) == 0)
            #expect(try await step(.suspend) == 2)
            #expect(try await step(.resume) == 0)
            #expect(try await step(.restrict, actor: .administrator) == 2)
            #expect(try await step(.lift, actor: .administrator) == 0)
            // The harness's documents expire on 2031-01-01: the day after, the entry is invalid.
            let afterDocument = try #require(ISO8601DateFormatter().date(from: "2031-01-02T12:00:00Z"))
            #expect(try await Self.status(of: credential, world: world, now: afterDocument) == 1)
            #expect(try await step(nil) == 0)
            _ = try await world.harness.store.revokeCertificate(serial: world.serial, at: now, history: nil)
            #expect(try await step(nil) == 1)
        }
    }

    @Test("a cancelled number's credentials are invalid")
    func cancelled() async throws {
        try await IssuerWorld.with(ttl: 1) { world in
            let (credential, _) = try await world.batch(1)[0]
            try await LifecycleService(store: world.harness.store).apply(.cancel, personID: world.personID, actor: .person, reason: "t")
            #expect(try await Self.status(of: credential, world: world, now: Date() + 1) == 1)
        }
    }

    @Test("the verifier: offline from its cache, refuses replays, withheld claims, expired and suspended credentials")
    func verifier() async throws {
        try await IssuerWorld.with(ttl: 60) { world in
            let online = Mutex(true)
            let calls = Mutex(0)
            let clock = Mutex(Date())
            let service = world.service
            let cache = IssuerCache(issuer: "https://id.test") { url, _ in
                guard online.withLock({ $0 }) else { throw URLError(.notConnectedToInternet) }
                calls.withLock { $0 += 1 }
                if url.path == "/.well-known/jwt-vc-issuer" { return Data(service.jwtVCIssuerMetadata.encoded) }
                return Data(try await service.statusLists.token(list: try required(Int(url.lastPathComponent)), now: clock.withLock { $0 }).utf8)
            }
            try await cache.refreshKeys()
            let verifier = PresentationVerifier(cache: cache)
            let batch = try await world.batch(3)
            let start = Date()
            func answer(_ index: Int, _ request: PresentationRequest, disclose: Set<String>, at now: Date) throws -> String {
                let (credential, key) = batch[index]
                let shown = try credential.presentation(
                    disclosing: disclose, holderKey: key, audience: request.clientID, nonce: request.nonce, now: now)
                return String(decoding: JSON.object(["person": .array([.string(shown.compact)])]).encoded, as: UTF8.self)
            }
            func refusal(_ token: String, _ request: PresentationRequest, at now: Date) async -> String? {
                await Self.refusal(verifier, token, request, at: now)
            }
            let first = PresentationRequest(baseURL: "https://shop.test", claims: ["age_over_18", "given_name"])
            let claims = try await verifier.verify(
                vpToken: try answer(0, first, disclose: ["given_name"], at: start), for: first, now: start)
            #expect(claims["given_name"] != nil && claims["age_over_18"] == .bool(true) && claims["family_name"] == nil)
            let callsOnline = calls.withLock { $0 }
            #expect(callsOnline == 2)  // the keys and one status list

            // Offline, within the ttl and beyond it (until the list's exp): no request at all.
            online.withLock { $0 = false }
            for offset in [10.0, 3_600] {
                let request = PresentationRequest(baseURL: "https://shop.test", claims: ["given_name"])
                _ = try await verifier.verify(
                    vpToken: try answer(1, request, disclose: ["given_name"], at: start + offset), for: request, now: start + offset)
            }
            #expect(calls.withLock { $0 } == callsOnline)

            // A replay answers another request's nonce; a withheld claim; another verifier's answer.
            let second = PresentationRequest(baseURL: "https://shop.test", claims: ["given_name"])
            let replay = try answer(1, first, disclose: ["given_name"], at: start + 20)
            #expect(await refusal(replay, second, at: start + 20) == "key-binding")
            #expect(await refusal(try answer(1, second, disclose: [], at: start + 20), second, at: start + 20) == "not-disclosed")
            let elsewhere = PresentationRequest(baseURL: "https://other.test", claims: [])
            #expect(await refusal(try answer(1, elsewhere, disclose: [], at: start + 20), second, at: start + 20) == "key-binding")
            // Expired.
            let exp = Date(timeIntervalSince1970: TimeInterval(try required(batch[2].0.jwt.payload["exp"]?.integer)))
            #expect(await refusal(try answer(2, second, disclose: ["given_name"], at: exp + 1), second, at: exp + 1) == "expired")

            // Suspended: refused once the list is refreshed (its ttl passed, the issuer reachable).
            online.withLock { $0 = true }
            try await LifecycleService(store: world.harness.store).apply(.suspend, personID: world.personID, actor: .person, reason: "t")
            let later = start + 200
            clock.withLock { $0 = later }
            let third = PresentationRequest(baseURL: "https://shop.test", claims: [])
            #expect(await refusal(try answer(2, third, disclose: [], at: later), third, at: later) == "suspended")
        }
    }

    @Test("stale lists are refreshed on a timer; a rotated key stays in jwt-vc-issuer while its credentials live")
    func refreshAndRotation() async throws {
        try await IssuerWorld.with(ttl: 60) { world in
            let calls = Mutex(0)
            let service = world.service
            let fetch: IssuerCache.Fetch = { url, _ in
                calls.withLock { $0 += 1 }
                if url.path == "/.well-known/jwt-vc-issuer" { return Data(service.jwtVCIssuerMetadata.encoded) }
                return Data(try await service.statusLists.token(list: try required(Int(url.lastPathComponent))).utf8)
            }
            let cache = IssuerCache(issuer: "https://id.test", fetch: fetch)
            try await cache.refreshKeys()
            let (credential, key) = try await world.batch(1)[0]
            func present(_ verifier: PresentationVerifier) async throws -> [String: JSON] {
                let request = PresentationRequest(baseURL: "https://shop.test", claims: [])
                let shown = try credential.presentation(disclosing: [], holderKey: key, audience: request.clientID, nonce: request.nonce)
                let token = String(decoding: JSON.object(["person": .array([.string(shown.compact)])]).encoded, as: UTF8.self)
                return try await verifier.verify(vpToken: token, for: request)
            }
            let start = Date()
            _ = try await present(PresentationVerifier(cache: cache))
            #expect(calls.withLock { $0 } == 2)
            #expect(await cache.refreshStaleLists(now: start + 30) == 0)
            #expect(await cache.refreshStaleLists(now: start + 61) == 1)

            let oldKid = try world.keys.activeKey().kid
            _ = try await world.keys.rotate()
            func kids(_ now: Date) -> [String] {
                service.jwtVCIssuerMetadata(now: now)["jwks"]?["keys"]?.array?.compactMap { $0["kid"]?.string } ?? []
            }
            let later = kids(start + 2 * 86_400)  // past /jwks.json's one-day grace
            #expect(later.count == 2 && later.last == oldKid && later.first != oldKid)
            #expect(!kids(start + 32 * 86_400).contains(oldKid))
            // A verifier that starts after the rotation still accepts the old key's credential.
            let fresh = IssuerCache(issuer: "https://id.test", fetch: fetch)
            try await fresh.refreshKeys()
            #expect(try await present(PresentationVerifier(cache: fresh))["verified"] == .bool(true))
        }
    }
}
