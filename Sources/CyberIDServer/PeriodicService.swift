import Logging
import ServiceLifecycle

/// Runs `action` every `interval` until graceful shutdown: the shape of the server's background
/// chores (signing-key refresh, purging expired rows). A failing run is logged by error type
/// and retried at the next tick; it never stops the service.
struct PeriodicService: Service, CustomStringConvertible {
    let name: String
    let interval: Duration
    let logger: Logger
    let action: @Sendable () async throws -> Void

    var description: String { name }

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await action()
            } catch {
                logger.warning("\(name) failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}
