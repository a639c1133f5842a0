import Crypto
import CyberIDBase64URL
import CyberIDSDJWT
public import Foundation

#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// The service's answer to a decision.
public struct LoginDecisionResult: Sendable, Codable, Equatable {
    public var status: String
    public var released: [String]
    /// Same-device approval: the browser continues only with this code.
    public var responseCode: String?
    /// Same-device approval: where to send the person back (open it in the browser).
    public var returnURL: String?

    enum CodingKeys: String, CodingKey {
        case status, released, responseCode = "response_code", returnURL = "return_url"
    }
}

/// A remembered consent.
public struct RememberedConsent: Sendable, Codable, Equatable {
    public var clientID: String
    public var clientName: String
    public var claims: [String]
    public var grantedAt: String

    enum CodingKeys: String, CodingKey {
        case clientID = "client_id", clientName = "client_name", claims, grantedAt = "granted_at"
    }
}

extension Wallet {
    /// The wallet's issuer: its server URL without a trailing slash.
    public var issuer: String {
        var issuer = file.server
        while issuer.hasSuffix("/") { issuer.removeLast() }
        return issuer
    }

    /// Signs a decision on a login (docs/relying-parties.md §5).
    /// - Parameters:
    ///   - login: what the service said the login asks for.
    ///   - approve: approve (`true`) or decline.
    ///   - consent: claims the person agrees to release.
    ///   - decline: claims the person refuses.
    ///   - reverify: the person acknowledges the platform's re-verification request.
    ///   - faceImage: a live face image for a re-verification on a service with a face matcher;
    ///     the approval signs its SHA-256, the image travels beside it (``LoginClient/decide(_:decision:faceImage:)``).
    ///   - match: a cross-device login's pick among ``LoginRequestView/matchChoices`` (the
    ///     number the person sees on the login page).
    ///   - document: a re-verification's chip, read with ``ReverificationDocument/read(from:for:)``;
    ///     the approval signs its digest, the files travel beside it.
    public func decision(
        on login: LoginRequestView, approve: Bool, consent: [String]?, decline: [String] = [], reverify: Bool = false,
        faceImage: [UInt8]? = nil, match: Int? = nil, document: ReverificationDocument? = nil, now: Date = Date()
    ) throws -> String {
        try WalletSignature(key: key, certificateDER: certificate.derEncoded).sign(
            LoginClaims(
                aud: issuer, purpose: "login", sid: login.transactionID, nonce: login.nonce,
                iat: Int(now.timeIntervalSince1970), decision: approve ? "approve" : "deny", consent: consent,
                decline: decline.isEmpty ? nil : decline, reverify: reverify ? true : nil,
                face: faceImage.map { Base64URL.encode(Array(SHA256.hash(data: $0))) }, scan: login.scan,
                match: login.scan == nil ? nil : match, document: document?.digest,
                view: login.scan == nil ? login.viewDigest : nil))
    }

    /// The `Authorization` header value for the wallet's own API calls: a JWS bound to the
    /// method, the path and — for a request with a body — the body's SHA-256 (`bdh`), so a
    /// captured header cannot carry another body; single-use by its random `jti`.
    public func authorization(
        method: String, path: String, body: Data? = nil, jti: String = Wallet.randomID(), now: Date = Date()
    ) throws -> String {
        let digest = body.flatMap { $0.isEmpty ? nil : Base64URL.encode(Array(SHA256.hash(data: $0))) }
        return "CyberID-Wallet "
            + (try WalletSignature(key: key, certificateDER: certificate.derEncoded).sign(
                RequestClaims(
                    aud: issuer, purpose: "wallet-api", htm: method, htu: path, iat: Int(now.timeIntervalSince1970),
                    jti: jti, bdh: digest)))
    }

    /// 16 random bytes, base64url.
    public static func randomID() -> String { RandomToken.make() }

    private struct LoginClaims: Encodable {
        let aud: String, purpose: String, sid: String, nonce: String, iat: Int, decision: String
        let consent: [String]?, decline: [String]?
        let reverify: Bool?
        let face: String?
        let scan: String?
        let match: Int?
        let document: String?
        let view: String?
    }

    private struct RequestClaims: Encodable {
        let aud: String, purpose: String, htm: String, htu: String, iat: Int, jti: String
        let bdh: String?
    }
}

/// The wallet's login API client.
public struct LoginClient: Sendable {
    /// The service base URL (the issuer).
    public let baseURL: String
    /// The session to use.
    public let urlSession: URLSession

    /// Creates a client for the service at `baseURL`.
    public init(baseURL: String, urlSession: URLSession = .shared) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        self.baseURL = base
        self.urlSession = urlSession
    }

    /// What a login asks for: the same-device link's own view, or else the service's answer
    /// (``fetch(_:)``).
    public func view(_ uri: WalletLoginURI) async throws -> LoginRequestView {
        if let linked = try uri.linkedView() { return linked }
        return try await fetch(uri)
    }

    /// Fetches what a login asks for.
    public func fetch(_ uri: WalletLoginURI) async throws -> LoginRequestView {
        var components = URLComponents(string: baseURL + "/wallet/v1/login")
        components?.queryItems =
            [URLQueryItem(name: "t", value: uri.ticket)]
            + [("qt", uri.qrStep), ("qa", uri.qrAuthenticator)].compactMap { name, value in
                value.map { URLQueryItem(name: name, value: $0) }
            }
        let data = try await send("login lookup", url: components?.url, method: "GET", body: nil, authorization: nil)
        // Same-device, the approval signs what the person saw (``LoginRequestView/viewDigest``),
        // fetched or from the link.
        do {
            return try LoginRequestView(viewJSON: data)
        } catch {
            throw WalletError.invalidResponse("the login lookup answer is not what the protocol describes")
        }
    }

    /// Sends the wallet's signed decision.
    /// - Parameter password: the network-identity password, when the login's mode requires it
    ///   (``LoginRequestView/requires``); it travels in the body over TLS, never in the signed
    ///   approval.
    public func decide(
        _ uri: WalletLoginURI, decision: String, faceImage: [UInt8]? = nil, document: ReverificationDocument? = nil,
        password: String? = nil
    ) async throws -> LoginDecisionResult {
        var object: [String: Any] = ["ticket": uri.ticket, "approval": decision]
        if let password { object["password"] = password }
        if let faceImage { object["face_image"] = Base64URL.encode(faceImage) }
        if let request = uri.request { object["request"] = request }
        if let document { object["document"] = document.json }
        let body = try JSONSerialization.data(withJSONObject: object)
        let data = try await send("login decision", url: URL(string: baseURL + "/wallet/v1/login"), method: "POST", body: body, authorization: nil)
        return try decode(LoginDecisionResult.self, data, "login decision")
    }

    /// The wallet holder's remembered consents.
    public func consents(wallet: Wallet) async throws -> [RememberedConsent] {
        let path = "/wallet/v1/consents"
        let data = try await send(
            "consent list", url: URL(string: baseURL + path), method: "GET", body: nil,
            authorization: try wallet.authorization(method: "GET", path: path))
        return try decode([RememberedConsent].self, data, "consent list")
    }

    /// The holder's history (every verification, consent change and state change), newest
    /// first, as the service's JSON array (docs/relying-parties.md §5).
    public func history(wallet: Wallet, ward: String? = nil) async throws -> [HistoryLine] {
        let path = ward.map { "/wallet/v1/wards/\(Self.escape($0))/history" } ?? "/wallet/v1/history"
        let data = try await send(
            "history", url: URL(string: baseURL + path), method: "GET", body: nil,
            authorization: try wallet.authorization(method: "GET", path: path))
        guard let lines = try? JSONSerialization.jsonObject(with: data) as? [[String: Any]] else {
            throw WalletError.invalidResponse("the history answer is not a JSON array")
        }
        return lines.map(HistoryLine.init)
    }

    /// Suspends (`suspend`), resumes (`resume`) or cancels (`cancel`) the holder's network number,
    /// or, with `ward`, a minor's as their guardian (suspend and resume only).
    /// - Returns: the new state.
    /// - Parameter chip: for `cancel` and the holder's own `resume`, the holder's document chip: a
    /// fresh proof answering the service's challenge bound to this request's `jti`
    /// (``chipProof(_:purpose:wallet:jti:)``, purpose "cyberid cancel v2").
    public func lifecycle(
        _ event: String, reason: String, wallet: Wallet, ward: String? = nil, chip: (any ChipReader)? = nil
    ) async throws -> String {
        let path = ward.map { "/wallet/v1/wards/\(Self.escape($0))/lifecycle" } ?? "/wallet/v1/lifecycle"
        let jti = Wallet.randomID()
        var object: [String: Any] = ["event": event, "reason": reason]
        if let chip {
            let proof = try await chipProof(chip, purpose: "cyberid cancel v2", wallet: wallet, jti: jti)
            (object["chip_challenge"], object["document"]) = (proof.challenge, proof.document)
        }
        let body = try JSONSerialization.data(withJSONObject: object)
        let data = try await send(
            "lifecycle", url: URL(string: baseURL + path), method: "POST", body: body,
            authorization: try wallet.authorization(method: "POST", path: path, body: body, jti: jti))
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any], let state = object["state"] as? String
        else { throw WalletError.invalidResponse("the lifecycle answer has no state") }
        return state
    }

    /// Renews the wallet's certificate for a new key held only in memory: an answer lost on the
    /// way leaves the wallet with a revoked certificate. Use ``renew(wallet:key:)`` with a key
    /// saved first (``WalletFile/preparingRenewal()``).
    /// - Returns: the renewed wallet file (not yet saved).
    @available(*, deprecated, message: "save WalletFile.preparingRenewal()'s key, then renew(wallet:key:)")
    public func renew(wallet: Wallet) async throws -> WalletFile {
        try await renew(wallet: wallet, key: WalletKey())
    }

    /// Renews the wallet's certificate for `key`, a key saved in the wallet before the request
    /// (``WalletFile/preparingRenewal()``): when the answer is lost, asking again with the same
    /// key (signed by the old certificate, now revoked) returns the certificate already issued.
    /// - Returns: the renewed wallet file (not yet saved), with no pending key.
    public func renew(wallet: Wallet, key: WalletKey) async throws -> WalletFile {
        let path = "/wallet/v1/renewal"
        let request = try CertificateRequest(key: key)
        let body = try JSONSerialization.data(withJSONObject: ["csr": request.pemEncoded])
        let data = try await send(
            "renewal", url: URL(string: baseURL + path), method: "POST", body: body,
            authorization: try wallet.authorization(method: "POST", path: path, body: body))
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
            let certificate = object["certificate"] as? String, let number = object["network_number"] as? String
        else { throw WalletError.invalidResponse("the renewal answer has no certificate") }
        let file = try WalletFile(
            server: wallet.file.server, privateKeyPEM: key.pemRepresentation, certificatePEM: certificate,
            chainPEM: object["chain"] as? String ?? wallet.file.chainPEM, networkNumber: number,
            assuranceLevel: object["assurance_level"] as? String ?? wallet.file.assuranceLevel)
        _ = try Wallet(file: file)  // the certificate must be for the new key
        return file
    }

    /// Withdraws the holder's consent for a platform.
    public func withdrawConsent(clientID: String, wallet: Wallet) async throws {
        let path = "/wallet/v1/consents/" + Self.escape(clientID)
        _ = try await send(
            "consent withdrawal", url: URL(string: baseURL + path), method: "DELETE", body: nil,
            authorization: try wallet.authorization(method: "DELETE", path: path))
    }

    static func escape(_ component: String) -> String {
        let allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_")
        return component.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }

    func decode<T: Decodable>(_ type: T.Type, _ data: Data, _ name: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: data)
        } catch {
            throw WalletError.invalidResponse("the \(name) answer is not what the protocol describes")
        }
    }

    func send(_ name: String, url: URL?, method: String, body: Data?, authorization: String?) async throws -> Data {
        guard let url else { throw WalletError.transport("cannot build the \(name) URL from \(baseURL)") }
        return try await HTTPExchange.send(
            name, url: url.absoluteString, method: method, body: body, contentType: body.map { _ in "application/json" },
            authorization: authorization, accept: "application/json, application/problem+json", session: urlSession)
    }
}

/// One line of the holder's history.
public struct HistoryLine: Sendable, Equatable {
    public var event: String
    public var outcome: String
    public var clientID: String?
    public var clientName: String?
    public var occurredAt: String
    /// Claim names and levels, as text.
    public var detail: [String: String]

    init(_ object: [String: Any]) {
        event = object["event"] as? String ?? ""
        outcome = object["outcome"] as? String ?? ""
        clientID = object["client_id"] as? String
        clientName = object["client_name"] as? String
        occurredAt = object["occurred_at"] as? String ?? ""
        var detail = [String: String]()
        for (key, value) in object["detail"] as? [String: Any] ?? [:] {
            if let list = value as? [String] { detail[key] = list.joined(separator: " ") } else { detail[key] = "\(value)" }
        }
        self.detail = detail
    }
}
