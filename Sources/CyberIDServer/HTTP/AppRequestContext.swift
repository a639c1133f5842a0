public import Hummingbird

/// The request context of every CyberID route: Hummingbird's core context plus the body
/// limit, which ``BodyLimitMiddleware`` sets from the settings for each request.
public struct AppRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The largest body a handler will collect or decode.
    public var maxUploadSize: Int

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        maxUploadSize = 1 << 20
    }
}
