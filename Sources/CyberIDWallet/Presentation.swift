import CyberIDBase64URL
import CyberIDSDJWT
public import Foundation
import Crypto
#if canImport(FoundationNetworking)
public import FoundationNetworking
#endif

/// An OpenID4VP 1.0 request as the wallet shows it to the person: who asks (the origin of the
/// response URI, the only identity the `redirect_uri` client identifier prefix gives) and which
/// claims.
public struct PresentationRequestView: Sendable, Equatable {
    /// `client_id` (e.g. `redirect_uri:https://shop.example/requests/…/response`).
    public var clientID: String
    /// Who asks: scheme, host and port of the response URI.
    public var verifier: String
    public var responseURI: String
    public var nonce: String
    public var state: String?
    /// The DCQL credential query id (the key of `vp_token`).
    public var queryID: String
    /// The claim names asked for.
    public var claims: [String]
}

/// Reads OpenID4VP requests and answers them with one of the wallet's credentials.
public struct PresentationClient: Sendable {
    public static let vct = "urn:cyberid:verified-person:1"
    public let urlSession: URLSession

    public init(urlSession: URLSession = .shared) { self.urlSession = urlSession }

    /// Fetches and checks the request behind `openid4vp://?client_id=…&request_uri=…`.
    /// - Throws: ``WalletError`` for a malformed URI or request, or one CyberID cannot answer.
    public func request(uri: String) async throws -> PresentationRequestView {
        guard let components = URLComponents(string: uri), components.scheme == "openid4vp" else {
            throw WalletError.invalidResponse("not an openid4vp:// request URI")
        }
        func value(_ name: String) -> String? { components.queryItems?.first(where: { $0.name == name })?.value }
        guard let clientID = value("client_id"), let requestURI = value("request_uri") else {
            throw WalletError.invalidResponse("the request URI needs client_id and request_uri")
        }
        let data = try await HTTPExchange.send(
            "presentation request", url: requestURI, method: "GET", body: nil, contentType: nil, authorization: nil,
            accept: "application/oauth-authz-req+jwt", session: urlSession)
        guard let text = String(data: data, encoding: .utf8),
            let object = try? CompactJWS(compact: text.trimmingCharacters(in: .whitespacesAndNewlines))
        else { throw WalletError.invalidResponse("the request object is not a JWT") }
        return try Self.view(of: object, clientID: clientID)
    }

    /// Checks a request object (OpenID4VP 1.0 §5, with the `redirect_uri` prefix: unsigned, and
    /// the response URI is the client id) and reads what it asks.
    static func view(of object: CompactJWS, clientID: String) throws -> PresentationRequestView {
        let claims = object.payload
        guard clientID.hasPrefix("redirect_uri:"), object.header["alg"]?.string == "none" else {
            throw WalletError.invalidResponse("only the redirect_uri client identifier prefix (unsigned requests) is supported")
        }
        guard claims["client_id"]?.string == clientID else {
            throw WalletError.invalidResponse("the request object's client_id is not the URI's")
        }
        guard claims["response_type"]?.string == "vp_token", claims["response_mode"]?.string == "direct_post",
            let responseURI = claims["response_uri"]?.string, "redirect_uri:" + responseURI == clientID,
            let url = URL(string: responseURI), let scheme = url.scheme, let host = url.host
        else { throw WalletError.invalidResponse("the request must ask for a vp_token by direct_post to its client's response_uri") }
        guard let nonce = claims["nonce"]?.string, !nonce.isEmpty else { throw WalletError.invalidResponse("the request has no nonce") }
        guard let queries = claims["dcql_query"]?["credentials"]?.array,
            let query = queries.first(where: {
                $0["format"]?.string == "dc+sd-jwt"
                    && ($0["meta"]?["vct_values"]?.array ?? []).contains(.string(vct))
            }),
            let queryID = query["id"]?.string
        else { throw WalletError.invalidResponse("the request does not ask for a CyberID verified-person credential") }
        let names = (query["claims"]?.array ?? []).compactMap { claim -> String? in
            guard let path = claim["path"]?.array, path.count == 1 else { return nil }
            return path[0].string
        }
        return PresentationRequestView(
            clientID: clientID, verifier: "\(scheme)://\(host)\(url.port.map { ":\($0)" } ?? "")", responseURI: responseURI,
            nonce: nonce, state: claims["state"]?.string, queryID: queryID, claims: names)
    }

    /// Answers `request` with `credential`, disclosing only `disclose` of its selectively
    /// disclosable claims, key-bound to this request.
    /// - Returns: the verifier's answer body.
    /// - Throws: ``WalletError`` when the verifier refuses.
    @discardableResult
    public func respond(
        _ request: PresentationRequestView, credential: StoredCredential, disclose: Set<String>, now: Date = Date()
    ) async throws -> Data {
        let key: P256.Signing.PrivateKey
        do {
            key = try P256.Signing.PrivateKey(pemRepresentation: credential.privateKeyPEM)
        } catch {
            throw WalletError.invalidKey("the credential's holder key is not a P-256 key")
        }
        let presentation = try credential.sdJWT().presentation(
            disclosing: disclose, holderKey: key, audience: request.clientID, nonce: request.nonce, now: now)
        let token: JSON = .object([request.queryID: .array([.string(presentation.compact)])])
        var form = "vp_token=" + LoginClient.escape(String(decoding: token.encoded, as: UTF8.self))
        if let state = request.state { form += "&state=" + LoginClient.escape(state) }
        return try await HTTPExchange.send(
            "presentation response", url: request.responseURI, method: "POST", body: Data(form.utf8),
            contentType: "application/x-www-form-urlencoded", authorization: nil, session: urlSession)
    }
}
