import Logging
import ServiceLifecycle

/// Runs `action` every `interval` until graceful shutdown: the shape of the server's background
/// chores (signing-key refresh, purging expired rows). A failing run is logged by error type
/// and retried at the next tick; it never stops the service. With `runsAtStart` the first run
/// comes right away instead of after one interval (chores whose absence would be felt within
/// the first interval, such as this month's history partition).
struct PeriodicService: Service, CustomStringConvertible {
    let name: String
    let interval: Duration
    var runsAtStart = false
    let logger: Logger
    let action: @Sendable () async throws -> Void

    var description: String { name }

    func run() async throws {
        if runsAtStart { await runOnce() }
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                return
            }
            await runOnce()
        }
    }

    private func runOnce() async {
        do {
            try await action()
        } catch {
            logger.warning("\(name) failed", metadata: ["error.type": "\(type(of: error))"])
        }
    }
}
