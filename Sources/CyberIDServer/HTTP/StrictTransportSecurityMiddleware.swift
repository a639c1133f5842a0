public import Hummingbird

/// `Strict-Transport-Security` on every answer of a service whose issuer is `https://` (RFC
/// 6797): a browser that has been here once goes to HTTPS by itself, so a later visit over plain
/// HTTP (typed, or stripped by someone on the network) cannot be served a false login page or QR
/// code. Installed only for an `https://` issuer: a development or benchmark service on plain
/// HTTP sends no such header (a browser ignores it there anyway). A review's finding: no answer
/// carried it, and the docs did not give it to the proxy either.
public struct StrictTransportSecurityMiddleware<Context: RequestContext>: RouterMiddleware {
    /// One year, subdomains included; no `preload` (that is the operator's decision, with the
    /// browsers' list).
    public static var value: String { "max-age=31536000; includeSubDomains" }

    /// Creates the middleware.
    public init() {}

    public func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response = try await next(request, context)
        response.headers[.strictTransportSecurity] = Self.value
        return response
    }
}
