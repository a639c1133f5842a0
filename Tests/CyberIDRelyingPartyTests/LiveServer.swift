import AsyncHTTPClient
import Crypto
import CyberIDBase64URL
import CyberIDCore
import CyberIDDevTools
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDKeys
import CyberIDProvider
import CyberIDRelyingParty
import CyberIDServer
import CyberIDStore
import CyberIDWallet
import Foundation
import JWTKit
import Logging
import NIOCore
import NIOHTTP1
import NIOPosix
import ServiceLifecycle
import Testing

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

/// The whole set-up of the relying-party tests, in one place: the real CyberID server
/// (`buildApplication`) running in-process on a loopback port, one enrolled person with a wallet,
/// clients registered for either authentication method, a browser and the wallet to complete
/// logins, and the signing of tokens the server would not make.
struct LiveServer: Sendable {
    static let redirectURI = "https://rp.example/cb"

    /// `http://127.0.0.1:<port>`, the issuer the server was configured with.
    let issuer: String
    let port: Int
    let runtime: Runtime
    /// The browser's and the relying party's HTTP client; it follows no redirects.
    let http: HTTPClient
    /// The wallet's HTTP session.
    let session: URLSession
    /// The enrolled person's wallet.
    let wallet: Wallet

    /// A registered client and how the SDK authenticates as it.
    struct RegisteredClient: Sendable {
        var id: String
        var credentials: RelyingParty.Credentials
    }

    /// Starts a server on a free loopback port (its issuer names the port), enrolls a person, runs
    /// `body`, and stops the server.
    static func with(_ body: @escaping @Sendable (LiveServer) async throws -> Void) async throws {
        // The port is chosen before the server binds it (the issuer must name it), so another
        // process may take it in between: then start again on another port.
        for attempt in 1... {
            do {
                return try await run(port: try await freePort(), body)
            } catch let error as ServerDidNotStart where attempt < 3 {
                Logger(label: "rp-tests").warning("the server did not start (\(error.underlying)); retrying")
            }
        }
    }

    private struct ServerDidNotStart: Error { var underlying: any Error }

    private static func run(port: Int, _ body: @escaping @Sendable (LiveServer) async throws -> Void) async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cyberid-rp-\(UUID().uuidString)")
            .path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let issuer = "http://127.0.0.1:\(port)"
        let settings = try await ServerSettings.load(environment: [
            "CYBERID_DATA_DIR": directory, "CYBERID_ISSUER": issuer, "CYBERID_HOST": "127.0.0.1",
            "CYBERID_PORT": String(port),
            // One process: a rotated key signs at once (the key-rotation test watches the SDK refetch).
            "CYBERID_SIGNING_KEY_ACTIVATION_SECONDS": "0",
        ])
        var logger = Logger(label: "rp-tests")
        logger.logLevel = .warning
        try await withRuntime(settings: settings, logger: logger) { [logger] runtime in
            let (running, started) = AsyncStream.makeStream(of: Int.self)
            let app = buildApplication(runtime: runtime, logger: logger) { port in
                started.yield(port)
                started.finish()
            }
            let services = ServiceGroup(
                configuration: .init(services: [app], gracefulShutdownSignals: [], logger: logger))
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    defer { started.finish() }
                    try await services.run()
                }
                var iterator = running.makeAsyncIterator()
                guard await iterator.next() == port else {
                    do { _ = try await group.next() } catch { throw ServerDidNotStart(underlying: error) }
                    throw ServerDidNotStart(underlying: CancellationError())
                }
                var configuration = HTTPClient.Configuration()
                configuration.redirectConfiguration = .disallow
                let http = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: configuration)
                let session = URLSession(configuration: .ephemeral)
                do {
                    let wallet = try await enroll(runtime: runtime, issuer: issuer, directory: directory)
                    try await body(
                        LiveServer(
                            issuer: issuer, port: port, runtime: runtime, http: http, session: session, wallet: wallet))
                } catch {
                    session.invalidateAndCancel()
                    try? await http.shutdown()
                    await services.triggerGracefulShutdown()
                    throw error
                }
                session.invalidateAndCancel()
                try await http.shutdown()
                await services.triggerGracefulShutdown()
                try await group.waitForAll()
            }
        }
    }

    private static func freePort() async throws -> Int {
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try #require(channel.localAddress?.port)
        try await channel.close()
        return port
    }

    /// Enrolls an adult with a development passport (its CSCA trusted by this server) and the
    /// phone code the server wrote to its SMS outbox; returns the wallet.
    private static func enroll(runtime: Runtime, issuer: String, directory: String) async throws -> Wallet {
        let csca = try DevDocumentFactory.CSCA.make()
        try await runtime.store.add(
            TrustAnchorRecord(
                fingerprint: "dev", kind: .csca, der: try CertificateAuthority.der(csca.certificate), label: "dev",
                addedAt: Date()))
        let expiry = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: Date())
        let document = try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                birthDate: try CalendarDate(iso8601: "1990-01-01"),
                expiryDate: try CalendarDate(year: expiry.year! + 5, month: 1, day: 1)),
            csca: csca)
        let enrollment = runtime.enrollment
        let started = try await enrollment.start(guardianJWS: nil)
        let challenge = try #require(Base64URL.decode(started.aaChallenge))
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        _ = try await enrollment.presentDocument(sessionID: started.sessionID, chip: document.chip, aaSignature: answer)
        _ = try await enrollment.sendPhoneCode(sessionID: started.sessionID, phone: "+8613800000000")
        // "CyberID code 123456. Valid 5 minutes. …", the last line of the development outbox.
        let outbox = try String(contentsOfFile: directory + "/sms-outbox.jsonl", encoding: .utf8)
        let line = try #require(outbox.split(separator: "\n").last)
        let message = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: String])
        let code = try #require(message["text"]?.split(separator: " ").dropFirst(2).first).filter(\.isNumber)
        let confirmed = try await enrollment.confirmPhone(sessionID: started.sessionID, code: String(code))
        #expect(confirmed.next != "face", "no face matcher is configured")
        let key = WalletKey()
        let csr = try CertificateRequest(key: key)
        let issued = try await enrollment.complete(sessionID: started.sessionID, csr: Array(csr.pemEncoded.utf8))
        return try Wallet(
            file: try WalletFile(
                server: issuer, privateKeyPEM: key.pemRepresentation, certificatePEM: issued.certificate,
                chainPEM: issued.chain, networkNumber: issued.networkNumber, assuranceLevel: issued.assuranceLevel))
    }

    // MARK: Clients and relying parties

    /// Registers a `client_secret_basic` client (the default method).
    func secretClient() async throws -> RegisteredClient {
        let (client, secret) = try await runtime.provider.clients.register(
            ClientRegistration(name: "Shop", redirectURIs: [Self.redirectURI]))
        return RegisteredClient(id: client.id, credentials: .secret(try #require(secret)))
    }

    /// Registers a `private_key_jwt` client whose JWKS holds `key`'s public half under `kid`.
    func keyClient(key: P256.Signing.PrivateKey, kid: String) async throws -> RegisteredClient {
        let point = Array(key.publicKey.x963Representation)  // 04 ‖ x ‖ y
        let jwk: [String: String] = [
            "kty": "EC", "crv": "P-256", "use": "sig", "alg": "ES256", "kid": kid,
            "x": Base64URL.encode(point[1...32]), "y": Base64URL.encode(point[33...64]),
        ]
        let jwks = String(decoding: try JSONSerialization.data(withJSONObject: ["keys": [jwk]]), as: UTF8.self)
        let (client, secret) = try await runtime.provider.clients.register(
            ClientRegistration(
                name: "Key shop", redirectURIs: [Self.redirectURI], authMethod: .privateKeyJWT, jwks: jwks))
        #expect(secret == nil)
        return RegisteredClient(id: client.id, credentials: .privateKey(key, kid: kid))
    }

    /// The SDK for `client`, by discovery (each relying party has its own key cache).
    func relyingParty(_ client: RegisteredClient, credentials: RelyingParty.Credentials? = nil) async throws
        -> RelyingParty
    {
        try await RelyingParty.discover(
            issuer: issuer, clientID: client.id, credentials: credentials ?? client.credentials,
            redirectURI: Self.redirectURI, http: http)
    }

    // MARK: The browser and the wallet

    /// What a browser and the wallet do with an authorization URL on one device: open the login
    /// page (keeping its cookie), let the wallet open the same-device link, fetch the ticket and
    /// post its signed decision, then follow the wallet's return URL (approved) or continue.
    /// - Returns: the URL the provider sends the browser back to (the callback).
    func callback(for request: RelyingParty.AuthorizationRequest, approve: Bool = true) async throws -> String {
        let page = try await get(request.url)
        try #require(page.status == 200, "the login page answered \(page.status): \(page.body)")
        let cookie = try #require(page.headers["Set-Cookie"].first?.split(separator: ";").first.map(String.init))
        #expect(cookie.hasPrefix("cyberid_login="))
        let walletURI = try #require(page.body.firstMatch(of: /id="wallet-link" href="([^"]+)"/)?.1)
            .replacingOccurrences(of: "&amp;", with: "&")
        let continuePath = try #require(page.body.firstMatch(of: /id="continue" href="([^"]+)"/)?.1)

        let link = try WalletLoginURI(walletURI)
        #expect(link.issuer == issuer)
        let walletClient = LoginClient(baseURL: issuer, urlSession: session)
        let view = try await walletClient.fetch(link)
        // A same-device fetch signs what it showed: the same bytes as the link's view.
        #expect(try #require(view.viewDigest) == (try link.linkedView()?.viewDigest))
        let decision = try wallet.decision(on: view, approve: approve, consent: approve ? view.claims : nil)
        let result = try await walletClient.decide(link, decision: decision)
        #expect(result.status == (approve ? "approved" : "denied"))
        #expect((result.returnURL != nil) == approve)

        let redirect = try await get(result.returnURL ?? "\(issuer)/\(continuePath)", headers: ["Cookie": cookie])
        try #require(redirect.status == 303, "continue answered \(redirect.status): \(redirect.body)")
        return try #require(redirect.headers["Location"].first)
    }

    /// A whole login with the SDK: authorization request, browser and wallet, callback, exchange.
    func logIn(
        with relyingParty: RelyingParty, scope: String = "openid", acrValues: String? = nil
    ) async throws -> (RelyingParty.AuthorizationRequest, RelyingParty.Login) {
        let request = relyingParty.authorizationRequest(scope: scope, acrValues: acrValues)
        let code = try relyingParty.code(fromCallback: try await callback(for: request), for: request)
        return (request, try await relyingParty.exchange(code: code, for: request))
    }

    struct Page: Sendable {
        var status: Int
        var headers: HTTPHeaders
        var body: String
    }

    func get(_ url: String, headers: [String: String] = [:]) async throws -> Page {
        var request = HTTPClientRequest(url: url)
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(30))
        let body = try await response.body.collect(upTo: 1 << 20)
        return Page(status: Int(response.status.code), headers: response.headers, body: String(buffer: body))
    }

    /// The `kid`s of the JWKS the server publishes, in its order (active key first).
    func publishedKids(at url: String? = nil) async throws -> [String] {
        let page = try await get(url ?? "\(issuer)/jwks.json")
        try #require(page.status == 200)
        let jwks = try #require(try JSONSerialization.jsonObject(with: Data(page.body.utf8)) as? [String: Any])
        return try #require(jwks["keys"] as? [[String: Any]]).compactMap { $0["kid"] as? String }
    }

    // MARK: Tokens

    /// ID-token claims as the server writes them, to be changed one at a time.
    struct TokenClaims: JWTPayload {
        var iss: String
        var sub = "a-pairwise-subject"
        var aud: String
        var exp: Int
        var iat: Int
        var authTime: Int
        var nonce: String?
        var acr = AssuranceLevel.substantial.acr
        var cyberidVerified = true

        enum CodingKeys: String, CodingKey {
            case iss, sub, aud, exp, iat, nonce, acr
            case authTime = "auth_time", cyberidVerified = "cyberid_verified"
        }

        func verify(using algorithm: some JWTAlgorithm) async throws {}
    }

    /// Claims the relying party accepts: this issuer, its client, live, with `nonce`.
    func claims(for relyingParty: RelyingParty, nonce: String?) -> TokenClaims {
        let now = Int(Date().timeIntervalSince1970)
        return TokenClaims(
            iss: issuer, aud: relyingParty.clientID, exp: now + 300, iat: now, authTime: now, nonce: nonce)
    }

    /// The `kid` of the server's active signing key.
    func activeKid() throws -> String { try runtime.signingKeys.activeKey().kid }

    /// Rotates the server's signing keys (as `cyberid admin keys rotate` does); returns the new `kid`.
    func rotateSigningKeys() async throws -> String { try await runtime.signingKeys.rotate() }

    /// Signs `claims` with the server's active signing key, under its `kid`.
    func signedByServer(_ claims: TokenClaims) async throws -> String {
        let key = try runtime.signingKeys.activeKey()
        return try await Self.sign(claims, key: key.privateKey, kid: key.kid)
    }

    static func sign(_ claims: TokenClaims, key: P256.Signing.PrivateKey, kid: String) async throws -> String {
        let keys = JWTKeyCollection()
        await keys.add(ecdsa: try ES256PrivateKey(backing: key), kid: JWKIdentifier(string: kid))
        return try await keys.sign(claims, kid: JWKIdentifier(string: kid), header: ["typ": .string("JWT")])
    }

    /// A compact JWS's header or payload (`part` 0 or 1) as JSON.
    static func decode(_ token: String, part: Int) throws -> [String: Any] {
        let segment = try #require(token.split(separator: ".", omittingEmptySubsequences: false).dropFirst(part).first)
        let bytes = try #require(Base64URL.decode(String(segment)))
        return try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any])
    }

    /// The base64url JSON of `object`, as a token segment.
    static func segment(_ object: [String: Any]) throws -> String {
        Base64URL.encode(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]))
    }
}

extension RelyingPartyError {
    /// Whether this refusal is the one expected (its description names the check).
    func says(_ text: String) -> Bool { description.contains(text) }
}
