import CyberIDProvider
import CyberIDQR
import CyberIDSDJWT
import CyberIDVerifier
import Foundation
import Hummingbird
import Logging
import Mustache
import NIOCore
import Synchronization

/// The verifier web app's routes and its in-memory requests (docs/credentials.md §4).
struct VerifierApp: Sendable {
    let verifier: PresentationVerifier
    let baseURL: String
    let claims: [String]
    let logger: Logger
    let requests = PendingRequests()

    func router() -> Router<BasicRequestContext> {
        let router = Router()
        router.get("/") { _, _ in
            let (request, key) = requests.add(PresentationRequest(baseURL: baseURL, claims: claims))
            return try page(for: request, statusKey: key)
        }
        router.get("requests/:id") { _, context in
            let request = try requests.request(try context.parameters.require("id"))
            return Response(
                status: .ok, headers: [.contentType: "application/oauth-authz-req+jwt", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: try request.requestObject())))
        }
        // The outcome (with the released claims) only for whoever holds the page: the status
        // key is on the page, never in the QR code or the link a bystander could see.
        router.get("requests/:id/status") { request, context in
            let key = request.uri.queryParameters.get("k") ?? ""
            return json(try requests.status(try context.parameters.require("id"), key: key))
        }
        router.post("requests/:id/response") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.body.collect(upTo: 128 * 1024)
            guard let form = try? FormParameters(encoded: String(buffer: body)) else {
                return refuse("the body must be application/x-www-form-urlencoded")
            }
            let pending: PresentationRequest
            do {
                pending = try requests.open(id)
            } catch let error as HTTPError {
                // The same OAuth form as the other refusals of the response endpoint.
                return json(
                    ["error": .string("invalid_request"), "error_description": .string(error.body ?? "refused")],
                    status: error.status)
            }
            guard let token = form["vp_token"], form["state"] == pending.state else {
                return refuse("vp_token and this request's state are required")
            }
            // Verified first, claimed after: junk sent by someone who saw the QR code cannot use
            // the request up; the first good answer closes it.
            let released: [String: JSON]
            do {
                released = try await verifier.verify(vpToken: token, for: pending)
            } catch {
                let reason = (error as? VerifierError)?.description ?? "the presentation cannot be checked"
                requests.refused(id, reason)
                logger.info("presentation refused", metadata: ["request": "\(id)", "code": "\((error as? VerifierError)?.code ?? "error")"])
                return refuse(reason)
            }
            guard requests.verified(id, released) else { return refuse("this request was answered already") }
            logger.info("presentation verified", metadata: ["request": "\(id)"])
            return json([:])
        }
        return router
    }

    private func refuse(_ reason: String) -> Response {
        json(["error": .string("invalid_request"), "error_description": .string(reason)], status: .badRequest)
    }

    /// The page: the request as a QR code and as a link, and where to watch its outcome.
    private func page(for request: PresentationRequest, statusKey: String) throws -> Response {
        let svg = try QRCode(text: request.walletURI, errorCorrection: .low).svg(moduleSize: 4, quietZone: 4, title: "QR code of the request")
        let html = Self.template.render([
            "link": request.walletURI, "qr": "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString(),
            "status": "/requests/\(request.id)/status?k=\(statusKey)", "claims": request.claims.joined(separator: ", "),
        ])
        return Response(
            status: .ok,
            headers: [
                .contentType: "text/html; charset=utf-8", .cacheControl: "no-store",
                .contentSecurityPolicy: "default-src 'none'; img-src data:; style-src 'unsafe-inline'; frame-ancestors 'none'",
            ],
            body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    private func json(_ object: [String: JSON], status: HTTPResponse.Status = .ok) -> Response {
        Response(
            status: status, headers: [.contentType: "application/json", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: JSON.object(object).encoded)))
    }

    static let template = try! MustacheTemplate(
        string: """
            <!DOCTYPE html>
            <html lang="en">
            <head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <title>Show your CyberID credential</title>
            <style>body{font-family:sans-serif;max-width:36rem;margin:2rem auto;padding:0 1rem;color:#111}img{width:16rem;height:16rem}</style>
            </head>
            <body><main>
            <h1>Show your CyberID credential</h1>
            <p>This verifier asks for: {{claims}}.</p>
            <p><img id="request-qr" src="{{qr}}" alt="QR code: scan it with your CyberID wallet"></p>
            <p><a id="request-link" href="{{link}}">Open in your wallet on this device</a></p>
            <p><a id="status-link" href="{{status}}">Outcome of this request</a></p>
            </main></body>
            </html>
            """)
}

/// The verifier's requests, kept 10 minutes; each closed by its first verified answer.
final class PendingRequests: Sendable {
    enum Outcome: Sendable {
        case pending
        case verified([String: JSON])
        case refused(String)
    }

    private struct Entry {
        var request: PresentationRequest
        var statusKey: String
        var outcome: Outcome
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval = 600

    /// Stores a new request (dropping expired ones; at most 10,000 kept).
    /// - Returns: the request and the key of its status URL.
    func add(_ request: PresentationRequest) -> (PresentationRequest, String) {
        let key = RandomToken.make()
        entries.withLock { entries in
            if entries.count >= 1_000 {
                let cutoff = Date().addingTimeInterval(-lifetime)
                entries = entries.filter { $0.value.request.createdAt > cutoff }
            }
            if entries.count >= 10_000, let oldest = entries.min(by: { $0.value.request.createdAt < $1.value.request.createdAt }) {
                entries[oldest.key] = nil
            }
            entries[request.id] = Entry(request: request, statusKey: key, outcome: .pending)
        }
        return (request, key)
    }

    /// A live request.
    func request(_ id: String) throws -> PresentationRequest {
        guard let entry = entries.withLock({ $0[id] }), entry.request.createdAt > Date().addingTimeInterval(-lifetime) else {
            throw HTTPError(.notFound, message: "no such request")
        }
        return entry.request
    }

    /// A live request that has no verified answer yet.
    func open(_ id: String) throws -> PresentationRequest {
        let request = try request(id)
        if case .verified? = entries.withLock({ $0[id]?.outcome }) {
            throw HTTPError(.badRequest, message: "this request was answered already")
        }
        return request
    }

    /// Records a refusal, unless the request was verified meanwhile.
    func refused(_ id: String, _ reason: String) {
        entries.withLock { entries in
            if case .verified? = entries[id]?.outcome { return }
            entries[id]?.outcome = .refused(reason)
        }
    }

    /// Closes the request with its released claims.
    /// - Returns: `false` when another answer closed it first.
    func verified(_ id: String, _ claims: [String: JSON]) -> Bool {
        entries.withLock { entries in
            guard entries[id] != nil else { return false }
            if case .verified? = entries[id]?.outcome { return false }
            entries[id]?.outcome = .verified(claims)
            return true
        }
    }

    func status(_ id: String, key: String) throws -> [String: JSON] {
        guard let entry = entries.withLock({ $0[id] }), entry.statusKey == key else {
            throw HTTPError(.notFound, message: "no such request")
        }
        switch entry.outcome {
        case .pending: return ["status": .string("pending")]
        case .verified(let claims): return ["status": .string("verified"), "claims": .object(claims)]
        case .refused(let reason): return ["status": .string("refused"), "reason": .string(reason)]
        }
    }
}
