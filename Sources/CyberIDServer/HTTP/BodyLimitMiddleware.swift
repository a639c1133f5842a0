public import Hummingbird

/// Applies the configured body limit: refuses a declared `Content-Length` over it at once, and
/// sets the context's `maxUploadSize` so that decoding a streamed body stops at the limit too.
public struct BodyLimitMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    /// The limit in bytes.
    public let maxBytes: Int

    /// Creates the middleware.
    public init(maxBytes: Int) {
        self.maxBytes = maxBytes
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBytes {
            throw Problem(
                code: "body-too-large", title: "Request body too large", status: .contentTooLarge,
                detail: "The request body exceeds \(maxBytes) bytes.")
        }
        var context = context
        context.maxUploadSize = maxBytes
        return try await next(request, context)
    }
}
