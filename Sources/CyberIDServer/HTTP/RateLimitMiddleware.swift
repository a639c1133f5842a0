import CyberIDCore
import CyberIDLimits
import Foundation
public import Hummingbird

/// The per-client-IP limits of the HTTP layer (review finding 8): enrollment session starts and
/// code sends, `/authorize` and `/par` requests are counted as they come; failed `/token` and
/// wallet API requests are counted after the fact, and a client past its failure limit is
/// refused before its next request is handled. Requests reach the shared counters in batches
/// (``RateLimiter/count(_:_:at:)``; exact for limits under 20). A refusal is 429 with `Retry-After`: OAuth error
/// JSON on `/token` and `/par`, problem+json elsewhere. The counters live in the store, so every
/// server process shares them.
public struct RateLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// What a rule counts.
    enum Counting {
        /// Every request.
        case requests
        /// Requests answered with an error status.
        case failures
    }

    struct Rule {
        let limit: RateLimit
        let counting: Counting
        let oauth: Bool
        let matches: @Sendable (HTTPRequest.Method, String) -> Bool
    }

    let limiter: RateLimiter
    let rules: [Rule]

    /// The path as the router sees it: Hummingbird's router skips empty segments, so `/token/`,
    /// `//token` and `/token` reach one handler — and must meet one limit (a review found every
    /// per-address limit passed by an extra slash).
    static func routedPath(_ path: String) -> String {
        guard path.contains("//") || (path.count > 1 && path.hasSuffix("/")) else { return path }
        return "/" + path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/")
    }

    init(limiter: RateLimiter, settings: RateLimitSettings) {
        self.limiter = limiter
        func limit(_ name: String, _ count: Int, _ window: TimeInterval) -> RateLimit {
            RateLimit(name: name, limit: Int64(count), window: window)
        }
        rules = [
            Rule(limit: limit("session-start", settings.sessionStartsPerIPPerMinute, 60), counting: .requests, oauth: false) {
                $0 == .post && $1 == "/enrollment/v1/sessions"
            },
            Rule(limit: limit("code-send", settings.codeSendsPerIPPerHour, 3_600), counting: .requests, oauth: false) {
                $0 == .post && $1.hasPrefix("/enrollment/v1/sessions/") && $1.hasSuffix("/phone")
            },
            Rule(limit: limit("authorize", settings.authorizePerIPPerMinute, 60), counting: .requests, oauth: false) {
                $1 == "/authorize"
            },
            Rule(limit: limit("par", settings.parPerIPPerMinute, 60), counting: .requests, oauth: true) { $1 == "/par" },
            Rule(limit: limit("token-failure", settings.tokenFailuresPerIPPerMinute, 60), counting: .failures, oauth: true) {
                $1 == "/token"
            },
            Rule(limit: limit("wallet-failure", settings.walletFailuresPerIPPerMinute, 60), counting: .failures, oauth: false) {
                $1.hasPrefix("/wallet/")
            },
            // Guessing in-person codes: 50 random bits, 60 s each, and few refusals per address.
            Rule(limit: limit("code-failure", settings.codeFailuresPerIPPerMinute, 60), counting: .failures, oauth: false) {
                $1 == "/rp/v1/codes/verify"
            },
        ]
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        let path = Self.routedPath(request.uri.path)
        guard let rule = rules.first(where: { $0.matches(request.method, path) }), let client = context.clientAddress
        else { return try await next(request, context) }
        do {
            switch rule.counting {
            case .requests: try await limiter.count(rule.limit, client)
            case .failures: try await limiter.check(rule.limit, client)
            }
        } catch let error as RateLimitExceeded {
            return rule.oauth ? Self.oauth(error) : try Self.problem(error, request, context)
        }
        guard rule.counting == .failures else { return try await next(request, context) }
        do {
            let response = try await next(request, context)
            if response.status.code >= 400 { try await limiter.record(rule.limit, client) }
            return response
        } catch {
            try await limiter.record(rule.limit, client)
            throw error
        }
    }

    static func problem(_ error: RateLimitExceeded, _ request: Request, _ context: Context) throws -> Response {
        var response = try Problem(code: error.code, title: "Too many requests", status: .tooManyRequests, detail: error.reason)
            .response(from: request, context: context)
        response.headers[.retryAfter] = String(error.retryAfter)
        return response
    }

    static func oauth(_ error: RateLimitExceeded) -> Response {
        let body = (try? JSONSerialization.data(
            withJSONObject: ["error": "temporarily_unavailable", "error_description": error.reason], options: [.sortedKeys]))
            ?? Data()
        return Response(
            status: .tooManyRequests,
            headers: [.contentType: "application/json", .cacheControl: "no-store", .retryAfter: String(error.retryAfter)],
            body: .init(byteBuffer: .init(bytes: body)))
    }
}
