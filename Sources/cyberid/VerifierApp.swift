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
        router.get("/") { _, _ in try page(for: requests.add(PresentationRequest(baseURL: baseURL, claims: claims))) }
        router.get("requests/:id") { _, context in
            let request = try requests.request(try context.parameters.require("id"))
            return Response(
                status: .ok, headers: [.contentType: "application/oauth-authz-req+jwt", .cacheControl: "no-store"],
                body: .init(byteBuffer: ByteBuffer(string: try request.requestObject())))
        }
        router.get("requests/:id/status") { _, context in
            json(requests.status(try context.parameters.require("id")))
        }
        router.post("requests/:id/response") { request, context in
            let id = try context.parameters.require("id")
            let body = try await request.body.collect(upTo: 128 * 1024)
            let form = Self.form(String(buffer: body))
            let pending = try requests.take(id)
            guard let token = form["vp_token"], form["state"] == nil || form["state"] == pending.state else {
                requests.finish(id, .refused("the response has no vp_token or another state"))
                return json(["error": .string("invalid_request"), "error_description": .string("vp_token and state are required")], status: .badRequest)
            }
            do {
                let released = try await verifier.verify(vpToken: token, for: pending)
                requests.finish(id, .verified(released))
                logger.info("presentation verified", metadata: ["request": "\(id)"])
                return json([:])
            } catch let error as VerifierError {
                requests.finish(id, .refused(error.description))
                logger.info("presentation refused", metadata: ["request": "\(id)", "code": "\(error.code)"])
                return json(["error": .string("invalid_request"), "error_description": .string(error.description)], status: .badRequest)
            }
        }
        return router
    }

    /// The page: the request as a QR code and as a link, and where to watch its outcome.
    private func page(for request: PresentationRequest) throws -> Response {
        let svg = try QRCode(text: request.walletURI, errorCorrection: .low).svg(moduleSize: 4, quietZone: 4, title: "QR code of the request")
        let html = Self.template.render([
            "link": request.walletURI, "qr": "data:image/svg+xml;base64," + Data(svg.utf8).base64EncodedString(),
            "status": "/requests/\(request.id)/status", "claims": request.claims.joined(separator: ", "),
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

    /// An `application/x-www-form-urlencoded` body.
    static func form(_ body: String) -> [String: String] {
        var out = [String: String]()
        for pair in body.split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            func decode(_ text: Substring) -> String? { text.replacingOccurrences(of: "+", with: " ").removingPercentEncoding }
            guard let name = decode(parts[0]), out[name] == nil else { continue }
            out[name] = parts.count > 1 ? decode(parts[1]) : ""
        }
        return out
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

/// The verifier's requests, kept 10 minutes; each answered once.
final class PendingRequests: Sendable {
    enum Outcome: Sendable {
        case pending
        case verified([String: JSON])
        case refused(String)
    }

    private struct Entry {
        var request: PresentationRequest
        var outcome: Outcome
        var answered: Bool
    }

    private let entries = Mutex<[String: Entry]>([:])
    private let lifetime: TimeInterval = 600

    /// Stores a new request (dropping expired ones; at most 10,000 kept).
    func add(_ request: PresentationRequest) -> PresentationRequest {
        entries.withLock { entries in
            let cutoff = Date().addingTimeInterval(-lifetime)
            entries = entries.filter { $0.value.request.createdAt > cutoff }
            if entries.count >= 10_000, let oldest = entries.min(by: { $0.value.request.createdAt < $1.value.request.createdAt }) {
                entries[oldest.key] = nil
            }
            entries[request.id] = Entry(request: request, outcome: .pending, answered: false)
        }
        return request
    }

    func request(_ id: String) throws -> PresentationRequest {
        guard let entry = entries.withLock({ $0[id] }) else { throw HTTPError(.notFound, message: "no such request") }
        return entry.request
    }

    /// Claims a pending request for its one answer.
    func take(_ id: String) throws -> PresentationRequest {
        try entries.withLock { entries in
            guard let entry = entries[id] else { throw HTTPError(.notFound, message: "no such request") }
            guard !entry.answered else { throw HTTPError(.badRequest, message: "this request was answered already") }
            entries[id]?.answered = true
            return entry.request
        }
    }

    func finish(_ id: String, _ outcome: Outcome) { entries.withLock { $0[id]?.outcome = outcome } }

    func status(_ id: String) -> [String: JSON] {
        switch entries.withLock({ $0[id]?.outcome }) {
        case nil: ["status": .string("unknown")]
        case .pending?: ["status": .string("pending")]
        case .verified(let claims)?: ["status": .string("verified"), "claims": .object(claims)]
        case .refused(let reason)?: ["status": .string("refused"), "reason": .string(reason)]
        }
    }
}
