import CyberIDBase64URL
import Crypto
import CyberIDAdapters
import CyberIDCore
import CyberIDVault
import CyberIDDocuments
import CyberIDEnrollment
import CyberIDIssuance
import CyberIDLifecycle
import CyberIDServices
import CyberIDTestSupport
import CyberIDVault
import CyberIDAdapters
import CyberIDDevTools
import CyberIDKeys
import CyberIDLimits
import CyberIDStore
import CyberIDWallet
import Foundation
import JWTKit
import Logging
import SwiftASN1
import Synchronization
import Testing
import X509

@testable import CyberIDProvider
import CyberIDRelyingParty

/// A provider over a fresh SQLite store, with an enrollment service to make real wallets.
struct ProviderHarness {
    static let issuer = "https://id.test"
    static let redirect = "https://rp.example/cb"

    let provider: OpenIDProvider
    let enrollment: EnrollmentService
    let store: SQLStore
    let signingKeys: SigningKeySet
    let csca: DevDocumentFactory.CSCA
    let sms: MemorySMS
    /// The holder's use cases (consents, history), as the wallet API calls them.
    let holder: HolderService
    /// The master key and the CA, for another node over the same store (``node(_:)``).
    let masterKey: MasterKey
    let authority: CertificateAuthority
    /// Each enrolled wallet's document, by network number: its chip re-proves the holder.
    let documents = Shelf()

    final class Shelf: Sendable {
        private let byNumber = Mutex<[String: DevDocumentFactory.Document]>([:])
        func withLock<T>(_ body: (inout [String: DevDocumentFactory.Document]) -> T) -> T { byNumber.withLock { body(&$0) } }
    }

    /// Which chip a re-verifying approval presents.
    enum Chip {
        /// The document the wallet was enrolled with.
        case own
        /// None.
        case none
        /// Another document.
        case other(DevDocumentFactory.Document)
    }

    static func with(
        faceMatcher: (any FaceMatcher)? = nil, enrollWithFaceCheck: Bool = true, rateLimited: Bool = false,
        configure: @Sendable (inout ProviderConfiguration) -> Void = { _ in },
        _ body: @Sendable (ProviderHarness) async throws -> Void
    ) async throws {
        // Every wallet here binds the same phone; the hourly limit is tested in the enrollment tests.
        try await Harness.with(
            faceMatcher: enrollWithFaceCheck ? faceMatcher : nil, issuer: issuer,
            today: { CalendarDate.civilDay(of: Date()) }
        ) { h in
            let keys = SigningKeySet(store: h.store, masterKey: h.masterKey)
            _ = try await keys.loadOrCreate()
            let enrollment = h.service
            let reproof: DocumentReproof = { document, challenge, personID, _ in
                try await enrollment.reprove(
                    chip: ChipData(dg1: document.dg1, dg2: document.dg2, dg15: document.dg15, sod: document.sod),
                    aaSignature: document.aaSignature, challenge: challenge, personID: personID)
            }
            var configuration = ProviderConfiguration(issuer: issuer)
            // scrypt at N = 2^10: the debug build's BoringSSL is unoptimised (the default is
            // measured in the release build, docs/benchmarks.md).
            configuration.passwordLogRounds = 10
            configure(&configuration)
            let provider = OpenIDProvider(
                configuration: configuration, store: h.store, masterKey: h.masterKey,
                signingKeys: keys, authority: h.authority, faceMatcher: faceMatcher,
                limiter: rateLimited ? RateLimiter(store: h.store, masterKey: h.masterKey) : nil,
                documentReproof: reproof)
            let vault = IdentityVault(masterKey: h.masterKey)
            let lifecycle = LifecycleService(store: h.store)
            let holder = HolderService(
                store: h.store, clients: provider.clients, lifecycle: lifecycle,
                guardianship: Guardianship(persons: h.store, vault: vault, today: { CalendarDate.civilDay(of: Date()) }),
                renewal: RenewalService(store: h.store, vault: vault, issuer: NetworkCertificateIssuer(authority: h.authority)),
                documentReproof: reproof, vault: vault)
            try await body(
                ProviderHarness(
                    provider: provider, enrollment: h.service, store: h.store, signingKeys: keys, csca: h.csca, sms: h.sms,
                    holder: holder, masterKey: h.masterKey, authority: h.authority))
        }
    }

    /// The same harness through another provider over the same store and keys — another node —
    /// configured by `configure` (no face matcher, no chip re-proof).
    func node(rateLimited: Bool = false, _ configure: (inout ProviderConfiguration) -> Void) -> ProviderHarness {
        var configuration = ProviderConfiguration(issuer: Self.issuer)
        configuration.passwordLogRounds = 10
        configure(&configuration)
        let other = OpenIDProvider(
            configuration: configuration, store: store, masterKey: masterKey, signingKeys: signingKeys, authority: authority,
            limiter: rateLimited ? RateLimiter(store: store, masterKey: masterKey) : nil)
        return ProviderHarness(
            provider: other, enrollment: enrollment, store: store, signingKeys: signingKeys, csca: csca, sms: sms,
            holder: holder, masterKey: masterKey, authority: authority)
    }

    /// Enrolls a person born on `birth` and returns their wallet.
    func wallet(birth: String = "1990-01-01", number: String = "E12345678") async throws -> Wallet {
        try await enroll(document: try document(birth: birth, number: number))
    }

    /// A development document of a holder born on `birth`.
    static func document(birth: String = "1990-01-01", number: String = "E12345678", csca: DevDocumentFactory.CSCA)
        throws -> DevDocumentFactory.Document
    {
        try DevDocumentFactory.make(
            holder: DevDocumentFactory.Holder(
                givenNames: distinctGivenNames(number), birthDate: try CalendarDate(iso8601: birth), documentNumber: number,
                expiryDate: try CalendarDate(iso8601: "2033-01-01")), csca: csca)
    }

    func document(birth: String = "1990-01-01", number: String = "E12345678") throws -> DevDocumentFactory.Document {
        try Self.document(birth: birth, number: number, csca: csca)
    }

    /// Enrolls the holder of `document` and returns their wallet.
    func enroll(document: DevDocumentFactory.Document) async throws -> Wallet {
        let started = try await enrollment.start(guardianJWS: nil)
        let challenge = try #require(Base64URL.decode(started.aaChallenge))
        let answer = try DevDocumentFactory.signChallenge(challenge, keyPEM: document.activeAuthenticationKeyPEM)
        _ = try await enrollment.presentDocument(sessionID: started.sessionID, chip: document.chip, aaSignature: answer)
        _ = try await enrollment.sendPhoneCode(sessionID: started.sessionID, phone: "+8613800000000")
        let confirmed = try await enrollment.confirmPhone(sessionID: started.sessionID, code: try #require(sms.lastCode))
        if confirmed.next == "face" {
            _ = try await enrollment.submitFace(sessionID: started.sessionID, image: Array("live face".utf8))
        }
        let key = WalletKey()
        let csr = try CertificateRequest(key: key)
        let issued = try await enrollment.complete(sessionID: started.sessionID, csr: Array(csr.pemEncoded.utf8))
        documents.withLock { $0[issued.networkNumber] = document }
        return try Wallet(
            file: try WalletFile(
                server: Self.issuer, privateKeyPEM: key.pemRepresentation, certificatePEM: issued.certificate,
                chainPEM: issued.chain, networkNumber: issued.networkNumber, assuranceLevel: issued.assuranceLevel))
    }

    /// The person id behind a wallet.
    func holder(_ wallet: Wallet) async throws -> String? {
        try await store.person(networkNumber: try NetworkNumber(parsing: wallet.file.networkNumber).canonical)?.id
    }

    /// Registers a client; returns it and its secret.
    func client(
        sector: String? = nil, scopes: [String]? = nil, legalBasis: String? = nil, auth: ClientAuthMethod? = nil,
        jwks: String? = nil, strict: Bool = false
    ) async throws -> (Client, String?) {
        try await provider.clients.register(
            ClientRegistration(
                name: "Shop", redirectURIs: [Self.redirect], sector: sector, scopes: scopes, legalBasis: legalBasis,
                authMethod: auth, jwks: jwks, strict: strict))
    }

    /// A browser's authorization request: its parameters and PKCE verifier.
    struct Request {
        var parameters: [String: String]
        var verifier: String
        var form: FormParameters { FormParameters(parameters) }
    }

    static func request(client: String, scope: String = "openid", extra: [String: String] = [:]) -> Request {
        let verifier = SecureRandom.token(bytes: 32)
        var parameters = [
            "response_type": "code", "client_id": client, "redirect_uri": redirect, "scope": scope, "state": "s-1",
            "nonce": "n-1", "code_challenge": Base64URL.encode(sha256(verifier)), "code_challenge_method": "S256",
        ]
        for (key, value) in extra { parameters[key] = value }
        return Request(parameters: parameters, verifier: verifier)
    }

    /// Starts a login, expecting the login page.
    func start(_ request: Request, now: Date = Date()) async throws -> LoginStart {
        guard case .login(let login) = try await provider.login.authorize(request.form, now: now) else {
            Issue.record("expected the login page")
            throw CancellationError()
        }
        return login
    }

    /// The wallet's side, cross-device: scan the page's current QR code, fetch, pick the page's
    /// number (or `pick`), decide.
    func approve(
        _ login: LoginStart, with wallet: Wallet, approve: Bool = true, consent: [String]? = nil, decline: [String] = [],
        reverify: Bool = false, chip: Chip = .own, faceImage: [UInt8]? = nil, signedFace: [UInt8]? = nil,
        pick: Int? = nil, password: String? = nil, now: Date = Date()
    ) async throws -> WalletDecision {
        let link = try WalletLoginURI(try provider.login.currentQR(requestToken: login.requestToken, now: now))
        let view = try await provider.login.walletView(
            ticket: link.ticket, qrStep: link.qrStep, qrAuthenticator: link.qrAuthenticator, now: now)
        let presented = reverify ? try present(chip, of: wallet, challenge: view.aaChallenge) : nil
        let decision = try wallet.decision(
            on: Self.requestView(view), approve: approve, consent: consent ?? view.claims, decline: decline, reverify: reverify,
            faceImage: signedFace ?? faceImage, match: pick ?? login.matchNumber, document: presented?.wallet, now: now)
        return try await provider.login.decide(
            ticket: link.ticket, approval: decision, faceImage: faceImage, document: presented?.service, password: password,
            now: now)
    }

    /// A chip read for a re-verification: the wallet's copy (whose digest it signs) and what the
    /// service receives.
    func present(_ chip: Chip, of wallet: Wallet, challenge: String) throws
        -> (wallet: ReverificationDocument, service: PresentedDocument)?
    {
        let document: DevDocumentFactory.Document
        switch chip {
        case .none: return nil
        case .other(let other): document = other
        case .own: document = try #require(documents.withLock { $0[wallet.file.networkNumber] })
        }
        let signature = try DevDocumentFactory.signChallenge(
            try #require(Base64URL.decode(challenge)), keyPEM: document.activeAuthenticationKeyPEM)
        let files = document.chip
        return (
            ReverificationDocument(
                files: ChipFiles(dg1: files.dg1, dg2: files.dg2, dg15: files.dg15, sod: files.sod), aaSignature: signature),
            PresentedDocument(dg1: files.dg1, dg2: files.dg2, dg15: files.dg15, sod: files.sod, aaSignature: signature)
        )
    }

    /// The wallet's copy of what the provider shows it.
    static func requestView(_ view: WalletLoginView) -> LoginRequestView {
        LoginRequestView(
            transactionID: view.transactionID, nonce: view.nonce, clientID: view.clientID, clientName: view.clientName,
            scopes: view.scopes, claims: view.claims, legalBasis: view.legalBasis, acrValues: view.acrValues,
            prompt: view.prompt, expiresAt: "", matchChoices: view.matchChoices, scan: view.scan)
    }

    /// Continue → the callback's query items.
    func finish(_ login: LoginStart, responseCode: String? = nil) async throws -> [String: String] {
        let location = try await provider.login.continueLogin(
            requestToken: login.requestToken, browserSecret: login.browserSecret, responseCode: responseCode)
        return Self.query(location)
    }

    static func query(_ location: String) -> [String: String] {
        var out = [String: String]()
        for item in URLComponents(string: location)?.queryItems ?? [] { out[item.name] = item.value }
        return out
    }

    /// Token request credentials for a secret client.
    static func tokenRequest(_ client: Client, secret: String?, code: String?, verifier: String) -> ClientCredentials {
        var form = ["grant_type": "authorization_code", "redirect_uri": redirect, "code_verifier": verifier]
        form["code"] = code
        let basic = "Basic " + Data("\(client.id):\(secret ?? "")".utf8).base64EncodedString()
        return ClientCredentials(authorization: basic, form: FormParameters(form))
    }

    /// A complete login; returns the token response.
    func login(
        client: Client, secret: String?, wallet: Wallet, scope: String = "openid", consent: [String]? = nil,
        decline: [String] = [], extra: [String: String] = [:]
    ) async throws -> (TokenResponse, IDTokenPayload) {
        let request = Self.request(client: client.id, scope: scope, extra: extra)
        let login = try await start(request)
        _ = try await approve(login, with: wallet, consent: consent, decline: decline)
        let callback = try await finish(login)
        let tokens = try await provider.tokens.exchange(
            Self.tokenRequest(client, secret: secret, code: callback["code"], verifier: request.verifier))
        return (tokens, try await verify(tokens.idToken, audience: client.id))
    }

    /// Verifies an ID token against the published JWKS with jwt-kit.
    func verify(_ token: String, audience: String) async throws -> IDTokenPayload {
        let keys = JWTKeyCollection()
        let jwks = String(decoding: try JSONEncoder().encode(signingKeys.jwks), as: UTF8.self)
        try await keys.add(jwksJSON: jwks)
        let payload = try await keys.verify(token, as: IDTokenPayload.self)
        #expect(payload.iss == Self.issuer)
        // Every ID token: one audience, and the verification confirmation's claims present.
        #expect(payload.aud.value == [audience])
        #expect(payload.acr != nil && payload.authTime != nil && payload.cyberidVerified == true)
        return payload
    }
}

/// An ID token as a relying party decodes it (the RP SDK's claims).
typealias IDTokenPayload = RelyingParty.IDToken

/// Waits until `condition` holds (at most `seconds`).
func eventually(_ seconds: Double = 5, _ condition: () async -> Bool) async throws -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int64(seconds * 1000))
    while ContinuousClock.now < end {
        if await condition() { return true }
        try await Task.sleep(for: .milliseconds(20))
    }
    return await condition()
}
