public import Hummingbird
import CyberIDCore
import CyberIDProvider
import Logging

/// Turns every error thrown by a route or an inner middleware into problem+json, and logs
/// the unexpected ones (by type only: an error's text may carry request data).
public struct ProblemMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// Creates the middleware.
    public init() {}

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as ProviderError where error.isOAuth {
            return OAuthErrorResponse(error).response
        } catch {
            let problem = Problem.from(error)
            if problem.statusCode >= 500 {
                context.logger.error(
                    "request failed", metadata: ["error.type": "\(String(reflecting: type(of: error)))"])
            }
            var response = try problem.response(from: request, context: context)
            if let limited = error as? RateLimitExceeded { response.headers[.retryAfter] = String(limited.retryAfter) }
            return response
        }
    }
}
