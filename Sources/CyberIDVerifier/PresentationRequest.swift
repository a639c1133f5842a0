import Crypto
import CyberIDBase64URL
public import CyberIDSDJWT
public import Foundation

/// An OpenID4VP 1.0 request for a CyberID verified-person credential: DCQL query, response
/// mode `direct_post`, client identifier prefix `redirect_uri` (the request object is then
/// unsigned, as §5.9.3 demands: the wallet learns who asks from the response URI's origin).
public struct PresentationRequest: Sendable, Equatable {
    /// The DCQL credential query id, the key of `vp_token`.
    public static let queryID = "person"
    /// The credential type asked for.
    public static let vct = "urn:cyberid:verified-person:1"

    /// A random identifier (the path segment of the request and response URIs).
    public let id: String
    /// A fresh random nonce: the key-binding JWT must carry it.
    public let nonce: String
    /// A fresh random state, echoed in the response.
    public let state: String
    /// Where the wallet posts the response.
    public let responseURI: String
    /// The claims asked for (always `verified` first).
    public let claims: [String]
    /// When the request was made.
    public let createdAt: Date

    /// A new request.
    /// - Parameters:
    ///   - baseURL: the verifier's public base URL; the request is served at
    ///     `baseURL/requests/ID` and answered at `baseURL/requests/ID/response`.
    ///   - claims: the claim names asked for besides `verified`.
    public init(baseURL: String, claims: [String], now: Date = Date()) {
        var base = baseURL
        while base.hasSuffix("/") { base.removeLast() }
        id = RandomToken.make()
        nonce = RandomToken.make()
        state = RandomToken.make()
        responseURI = "\(base)/requests/\(id)/response"
        var asked = ["verified"]
        for claim in claims where !asked.contains(claim) { asked.append(claim) }
        self.claims = asked
        createdAt = now
    }

    /// The client identifier: `redirect_uri:` and the response URI.
    public var clientID: String { "redirect_uri:" + responseURI }

    /// Where the wallet fetches the request object.
    public var requestURI: String { String(responseURI.dropLast("/response".count)) }

    /// `openid4vp://?client_id=…&request_uri=…`, for the link and the QR code.
    public var walletURI: String {
        let allowed = CharacterSet.alphanumerics.union(CharacterSet(charactersIn: "-._~"))
        func escaped(_ value: String) -> String { value.addingPercentEncoding(withAllowedCharacters: allowed) ?? "" }
        return "openid4vp://?client_id=\(escaped(clientID))&request_uri=\(escaped(requestURI))"
    }

    /// The DCQL query.
    public var dcqlQuery: JSON {
        .object([
            "credentials": .array([
                .object([
                    "id": .string(Self.queryID), "format": .string("dc+sd-jwt"),
                    "meta": .object(["vct_values": .array([.string(Self.vct)])]),
                    "claims": .array(claims.map { .object(["path": .array([.string($0)])]) }),
                ])
            ])
        ])
    }

    /// The request object (`typ` `oauth-authz-req+jwt`, `alg` `none`).
    public func requestObject() throws -> String {
        try CompactJWS.unsigned(
            header: ["typ": .string("oauth-authz-req+jwt")],
            payload: [
                "client_id": .string(clientID), "response_type": .string("vp_token"),
                "response_mode": .string("direct_post"), "response_uri": .string(responseURI),
                "nonce": .string(nonce), "state": .string(state), "dcql_query": dcqlQuery,
                "client_metadata": .object([
                    "vp_formats_supported": .object([
                        "dc+sd-jwt": .object([
                            "sd-jwt_alg_values": .array([.string("ES256")]), "kb-jwt_alg_values": .array([.string("ES256")]),
                        ])
                    ])
                ]),
                "iat": .integer(Int(createdAt.timeIntervalSince1970)),
            ]
        ).compact
    }
}
