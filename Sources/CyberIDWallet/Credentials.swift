import CyberIDBase64URL
public import CyberIDSDJWT
public import Foundation
import Crypto
#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// An offline credential kept in the wallet file: the SD-JWT VC as issued (with every
/// disclosure) and the private key it is bound to (`cnf.jwk`), in the same PKCS#8 PEM form as
/// the wallet key. A credential is shown once, so that two verifiers cannot link two showings.
public struct StoredCredential: Codable, Sendable, Equatable {
    /// A local identifier (random; not sent anywhere).
    public var id: String
    /// The compact SD-JWT, issuance form (`<JWT>~<disclosure>~…~`).
    public var credential: String
    /// The holder key, PKCS#8 PEM.
    public var privateKeyPEM: String
    public var issuedAt: Date
    public var expiresAt: Date
    /// When it was shown to a verifier.
    public var usedAt: Date?

    enum CodingKeys: String, CodingKey {
        case id, credential
        case privateKeyPEM = "private_key_pem"
        case issuedAt = "issued_at", expiresAt = "expires_at", usedAt = "used_at"
    }

    /// The parsed SD-JWT.
    public func sdJWT() throws -> SDJWT { try SDJWT(compact: credential) }
}

/// The wallet's OpenID4VCI client for CyberID's pre-authorized code flow: offer (authenticated
/// with the wallet key) → token → nonce → credential, one fresh key per credential.
public struct CredentialClient: Sendable {
    public let baseURL: String
    public let urlSession: URLSession

    public init(baseURL: String, urlSession: URLSession = .shared) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        (self.baseURL, self.urlSession) = (base, urlSession)
    }

    /// Gets `count` credentials (1–10), each bound to its own new key.
    public func fetch(wallet: Wallet, count: Int, now: Date = Date()) async throws -> [StoredCredential] {
        guard (1...10).contains(count) else { throw WalletError.invalidResponse("ask for 1 to 10 credentials") }
        let offerPath = "/wallet/v1/credential-offer"
        let offerBody = Data("{}".utf8)
        let offer = try await object(
            "credential offer", url: baseURL + offerPath, method: "POST", body: offerBody, contentType: "application/json",
            authorization: try wallet.authorization(method: "POST", path: offerPath, body: offerBody))
        guard let issuer = offer["credential_issuer"]?.string,
            let code = offer["grants"]?["urn:ietf:params:oauth:grant-type:pre-authorized_code"]?["pre-authorized_code"]?.string
        else { throw WalletError.invalidResponse("the credential offer has no pre-authorized code") }
        let metadata = try await object("issuer metadata", url: issuer + "/.well-known/openid-credential-issuer")
        let server = try await object("authorization server metadata", url: issuer + "/.well-known/oauth-authorization-server")
        guard let credentialEndpoint = metadata["credential_endpoint"]?.string, let nonceEndpoint = metadata["nonce_endpoint"]?.string,
            let tokenEndpoint = server["token_endpoint"]?.string
        else { throw WalletError.invalidResponse("the issuer metadata lacks its endpoints") }
        let form = "grant_type=\(LoginClient.escape("urn:ietf:params:oauth:grant-type:pre-authorized_code"))&pre-authorized_code=\(LoginClient.escape(code))"
        let token = try await object(
            "token", url: tokenEndpoint, method: "POST", body: Data(form.utf8), contentType: "application/x-www-form-urlencoded")
        guard let accessToken = token["access_token"]?.string else { throw WalletError.invalidResponse("the token answer has no access_token") }
        let nonceAnswer = try await object("nonce", url: nonceEndpoint, method: "POST")
        guard let nonce = nonceAnswer["c_nonce"]?.string else { throw WalletError.invalidResponse("the nonce answer has no c_nonce") }
        let keys = (0..<count).map { _ in P256.Signing.PrivateKey() }
        let proofs: [JSON] = try keys.map { key in
            .string(
                try CompactJWS.sign(
                    header: ["typ": .string("openid4vci-proof+jwt"), "jwk": ECPublicJWK(publicKey: key.publicKey).json],
                    payload: ["aud": .string(issuer), "iat": .integer(Int(now.timeIntervalSince1970)), "nonce": .string(nonce)],
                    key: key
                ).compact)
        }
        let request: JSON = .object([
            "credential_configuration_id": .string("verified_person"), "proofs": .object(["jwt": .array(proofs)]),
        ])
        let answer = try await object(
            "credential", url: credentialEndpoint, method: "POST", body: Data(request.encoded), contentType: "application/json",
            authorization: "Bearer " + accessToken)
        guard let issued = answer["credentials"]?.array, issued.count == count else {
            throw WalletError.invalidResponse("the credential answer does not hold \(count) credentials")
        }
        return try zip(keys, issued).map { key, entry in
            guard let compact = entry["credential"]?.string, let sdJWT = try? SDJWT(compact: compact),
                sdJWT.jwt.payload["cnf"]?["jwk"].flatMap({ try? ECPublicJWK(json: $0) }) == ECPublicJWK(publicKey: key.publicKey),
                let iat = sdJWT.jwt.payload["iat"]?.integer, let exp = sdJWT.jwt.payload["exp"]?.integer
            else { throw WalletError.invalidResponse("a credential is not an SD-JWT bound to the key it was asked for") }
            return StoredCredential(
                id: Self.localID(), credential: sdJWT.withoutKeyBinding, privateKeyPEM: key.pemRepresentation,
                issuedAt: Date(timeIntervalSince1970: TimeInterval(iat)), expiresAt: Date(timeIntervalSince1970: TimeInterval(exp)),
                usedAt: nil)
        }
    }

    /// A local credential id: 10 hex digits (never starts with `-`, so it is a plain argument).
    static func localID() -> String {
        var generator = SystemRandomNumberGenerator()
        return (0..<5).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &generator)) }.joined()
    }

    /// Sends a request and reads a JSON object; a non-2xx answer becomes a ``WalletError``.
    func object(
        _ name: String, url: String, method: String = "GET", body: Data? = nil, contentType: String? = nil,
        authorization: String? = nil
    ) async throws -> JSON {
        let data = try await HTTPExchange.send(
            name, url: url, method: method, body: body, contentType: contentType, authorization: authorization, session: urlSession)
        guard let json = try? JSON(parsing: data), json.object != nil else {
            throw WalletError.invalidResponse("the \(name) answer is not a JSON object")
        }
        return json
    }
}

/// One HTTP exchange of the credential and presentation clients.
enum HTTPExchange {
    static func send(
        _ name: String, url: String, method: String, body: Data?, contentType: String?, authorization: String?,
        accept: String = "application/json", session: URLSession
    ) async throws -> Data {
        guard let url = URL(string: url), ["http", "https"].contains(url.scheme?.lowercased() ?? "") else {
            throw WalletError.transport("the \(name) URL is not an http(s) URL")
        }
        var request = URLRequest(url: url, timeoutInterval: 30)
        request.httpMethod = method
        request.setValue(accept, forHTTPHeaderField: "Accept")
        if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
        if let authorization { request.setValue(authorization, forHTTPHeaderField: "Authorization") }
        request.httpBody = body
        let result: (Data, URLResponse)
        do {
            result = try await session.data(for: request)
        } catch {
            throw WalletError.transport("the \(name) request failed: \(error.localizedDescription)")
        }
        guard let status = (result.1 as? HTTPURLResponse)?.statusCode else { throw WalletError.invalidResponse("the \(name) answer is not HTTP") }
        guard (200..<300).contains(status) else {
            if let object = try? JSON(parsing: result.0), let error = object["error"]?.string {
                throw WalletError.problem(code: error, status: status, detail: object["error_description"]?.string)
            }
            throw EnrollmentClient.failure(status: status, body: result.0)
        }
        return result.0
    }
}
