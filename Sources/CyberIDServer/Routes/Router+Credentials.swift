import CyberIDCore
import CyberIDCredentials
import CyberIDLimits
import CyberIDProvider
import CyberIDSDJWT
import CyberIDStore
import Foundation
import Hummingbird
import NIOCore

extension Router where Context == AppRequestContext {
    /// The offline credentials (docs/credentials.md): OpenID4VCI issuer metadata, the wallet's
    /// offer, the nonce and credential endpoints, the SD-JWT VC issuer keys and the status lists.
    /// (The pre-authorized code grant is served by `/token`, see ``addTokenRoutes(_:credentialIssuer:)``.)
    func addCredentialRoutes(credentials: CredentialService, login: LoginService, limiter: RateLimiter, offersPerHour: Int) {
        let offerLimit = RateLimit(name: "credential-offers-per-person", limit: Int64(offersPerHour), window: 3_600)
        get(".well-known/openid-credential-issuer") { _, _ in
            Self.json(credentials.issuerMetadata, cacheControl: "max-age=300")
        }
        get(".well-known/jwt-vc-issuer") { _, _ in
            Self.json(credentials.jwtVCIssuerMetadata, cacheControl: "max-age=300")
        }
        post("wallet/v1/credential-offer") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            let holder = try await login.authenticateWallet(
                request.headers[.authorization], method: "POST", path: "/wallet/v1/credential-offer",
                body: Array(buffer: buffer))
            guard holder.personState == .active else {
                throw Problem(
                    code: "person-not-active", title: "Network number not active", status: .forbidden,
                    detail: "credentials are issued to active network numbers only")
            }
            // Each offer writes a grant and leads to up to 10 status entries: a person's wallet
            // cannot fill the lists (CYBERID_CREDENTIAL_OFFERS_PER_PERSON_PER_HOUR).
            try await limiter.hit(offerLimit, holder.personID)
            return Self.json(
                try await credentials.offer(personID: holder.personID, certificateSerial: holder.certificateSerial),
                status: .created)
        }
        post("credential/nonce") { _, _ in
            Self.json(.object(["c_nonce": .string(credentials.nonce())]))
        }
        post("credential") { request, context in
            let buffer = try await request.body.collect(upTo: context.maxUploadSize)
            var token: String?
            if let header = request.headers[.authorization], header.lowercased().hasPrefix("bearer ") {
                token = String(header.dropFirst(7)).trimmingCharacters(in: .whitespaces)
            }
            return try await Self.oauthRoute {
                try await Self.credentialJSON { try await credentials.issue(accessToken: token, body: Array(buffer: buffer)) }
            }
        }
        get("status/lists/:list") { _, context in
            // One URL per list: digits only, no sign or leading zero.
            let text = try context.parameters.require("list")
            guard let list = Int(text), String(list) == text else {
                throw Problem(code: "unknown-status-list", title: "Unknown status list", status: .notFound, detail: "no such status list")
            }
            let token: String
            do {
                token = try await credentials.statusLists.token(list: list)
            } catch let error as CredentialError {
                throw Problem(code: error.code, title: "Unknown status list", status: .notFound, detail: error.reason)
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "application/statuslist+jwt",
                    .cacheControl: "public, max-age=\(credentials.statusLists.ttl)",
                ],
                body: .init(byteBuffer: ByteBuffer(string: token)))
        }
    }

    /// Runs an OpenID4VCI endpoint: its answer as JSON, a ``CredentialError`` as the OAuth-style
    /// `{error, error_description}` of ``OAuthErrorResponse`` (401 with `WWW-Authenticate: Bearer`
    /// for `invalid_token`).
    static func credentialJSON(_ body: () async throws -> JSON) async throws -> Response {
        do {
            return json(try await body())
        } catch let error as CredentialError {
            return OAuthErrorResponse(error).response
        }
    }

    /// A JSON answer.
    static func json(_ value: JSON, status: HTTPResponse.Status = .ok, cacheControl: String = "no-store") -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: cacheControl],
            body: .init(byteBuffer: ByteBuffer(bytes: value.encoded)))
    }
}
