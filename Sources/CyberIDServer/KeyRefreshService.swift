import CyberIDKeys
import Logging
import ServiceLifecycle

/// Reloads the signing keys every `interval`, so that a rotation made by another server process
/// or by `cyberid admin keys rotate` reaches this one without a restart.
struct KeyRefreshService: Service {
    let signingKeys: SigningKeySet
    let logger: Logger
    var interval: Duration = .seconds(30)

    func run() async throws {
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            do {
                try await cancelWhenGracefulShutdown { [interval] in try await Task.sleep(for: interval) }
            } catch {
                return
            }
            do {
                try await signingKeys.refresh()
            } catch {
                logger.warning("signing key refresh failed", metadata: ["error.type": "\(type(of: error))"])
            }
        }
    }
}

extension KeyRefreshService: CustomStringConvertible {
    var description: String { "KeyRefreshService" }
}
