import Foundation
public import Hummingbird

/// Sets the context's client address: the peer's IP address, or — when the peer is a trusted
/// proxy (`CYBERID_TRUSTED_PROXIES`, e.g. nginx in front of several processes) — the last
/// address its `X-Forwarded-For` adds. A forwarded header from anyone else is ignored, so a
/// client cannot choose the address its rate limits and the wallet's display use.
public struct ClientAddressMiddleware: RouterMiddleware {
    public typealias Context = AppRequestContext

    let trustedProxies: Set<String>

    public init(trustedProxies: Set<String>) {
        self.trustedProxies = trustedProxies
    }

    public func handle(
        _ request: Request, context: Context, next: (Request, Context) async throws -> Response
    ) async throws -> Response {
        var context = context
        context.clientAddress = Self.client(
            peer: context.remoteAddress?.ipAddress, forwardedFor: request.headers[values: .init("X-Forwarded-For")!],
            trustedProxies: trustedProxies)
        return try await next(request, context)
    }

    static func client(peer: String?, forwardedFor: [String], trustedProxies: Set<String>) -> String? {
        guard let peer, trustedProxies.contains(peer) else { return peer }
        let hops = forwardedFor.flatMap { $0.split(separator: ",") }.map { $0.trimmingCharacters(in: .whitespaces) }
        return hops.last(where: { !$0.isEmpty }) ?? peer
    }
}
