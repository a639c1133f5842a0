public import Hummingbird
public import NIOCore

/// The request context of every CyberID route: Hummingbird's core context plus the body
/// limit, which ``BodyLimitMiddleware`` sets from the settings for each request.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The largest body a handler will collect or decode.
    public var maxUploadSize: Int
    /// The peer's address (the browser's, or a proxy's in front of the service).
    public let remoteAddress: SocketAddress?
    /// The client's IP address (``ClientAddressMiddleware``: the peer, or what a trusted proxy
    /// forwards).
    public var clientAddress: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        maxUploadSize = 1 << 20
        remoteAddress = source.channel.remoteAddress
    }
}
