public import Hummingbird
import Metrics
import Synchronization

/// Per-route request metrics, under the names and dimensions of Hummingbird's
/// `MetricsMiddleware` (`hb_requests`, `http_server_request_duration`, `hb_request_errors`,
/// `http_server_active_requests`; docs/http-api.md), recorded differently in two ways:
///
/// - **When the response leaves the handlers, not after its body is written.** Hummingbird's
///   middleware wraps every body in a closure to record after the write; a closure body loses
///   the server's single-write path, so every response went out as two writes to the socket
///   (head, then body) and three hops through the channel's writer (benchmarks.md, "the ninth
///   step"). The duration here ends when the response is ready; the write of a body held in
///   memory is not in it.
/// - **With the status the client gets.** It sits outside ``ProblemMiddleware``, so it sees the
///   answer every error became — Hummingbird's counted any error that is not an
///   `HTTPResponseError` (an OAuth `invalid_client`, a wallet's refused signature) as a 500.
///   `hb_request_errors` counts the answers of status 400 and above, by status.
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    private let cache = RequestMetricsCache()

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        let active = cache.active(request.method)
        active.increment()
        defer { active.decrement() }
        let status: HTTPResponse.Status
        let response: Response
        do {
            response = try await next(request, context)
            status = response.status
        } catch let error as any HTTPResponseError {
            // Only an error no inner middleware answered (none does, inside ProblemMiddleware).
            record(request, context, error.status, since: start)
            throw error
        } catch {
            record(request, context, .internalServerError, since: start)
            throw error
        }
        record(request, context, status, since: start)
        return response
    }

    private func record(_ request: Request, _ context: Context, _ status: HTTPResponse.Status, since start: ContinuousClock.Instant) {
        let elapsed = (ContinuousClock.now - start).components
        let metrics = cache.endpoint(.init(route: context.endpointPath ?? "NotFound", method: request.method, status: status))
        metrics.requests.increment()
        metrics.duration.recordNanoseconds(elapsed.seconds * 1_000_000_000 + elapsed.attoseconds / 1_000_000_000)
        metrics.errors?.increment()
    }
}

/// The metric objects, made once per route, method and status (a factory lookup per request
/// would take the metrics backend's lock and build its label set every time).
final class RequestMetricsCache: Sendable {
    struct Key: Hashable {
        let route: String
        let method: HTTPRequest.Method
        let status: HTTPResponse.Status
    }

    struct Endpoint: Sendable {
        let requests: Counter
        let duration: Timer
        /// For answers of status 400 and above.
        let errors: Counter?

        init(_ key: Key) {
            let dimensions = [
                ("http.route", key.route), ("http.request.method", key.method.rawValue),
                ("http.response.status_code", String(key.status.code)),
            ]
            requests = Counter(label: "hb.requests", dimensions: dimensions)
            duration = Timer(label: "http.server.request.duration", dimensions: dimensions, preferredDisplayUnit: .seconds)
            errors =
                key.status.code >= 400
                ? Counter(
                    label: "hb.request.errors",
                    dimensions: [
                        ("http.route", key.route), ("http.request.method", key.method.rawValue),
                        ("error.type", String(key.status.code)),
                    ]) : nil
        }
    }

    private let endpoints = Mutex<[Key: Endpoint]>([:])
    private let methods = Mutex<[HTTPRequest.Method: Meter]>([:])

    func endpoint(_ key: Key) -> Endpoint {
        endpoints.withLock { cache in
            if let hit = cache[key] { return hit }
            let made = Endpoint(key)
            cache[key] = made
            return made
        }
    }

    func active(_ method: HTTPRequest.Method) -> Meter {
        methods.withLock { cache in
            if let hit = cache[method] { return hit }
            let made = Meter(label: "http.server.active_requests", dimensions: [("http.request.method", method.rawValue)])
            cache[method] = made
            return made
        }
    }
}
