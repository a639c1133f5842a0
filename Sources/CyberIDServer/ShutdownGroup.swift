import CyberIDCore
public import Logging
public import ServiceLifecycle
import UnixSignals

/// The graceful shutdown took longer than its grace period, and what was left was cancelled.
/// `cyberid serve` then exits with status 1, so a supervisor records it.
public struct ShutdownOverran: Error, CustomStringConvertible {
    public let gracePeriod: Duration
    public var description: String {
        "the graceful shutdown took longer than \(gracePeriod.components.seconds) s: what was left was cancelled"
    }
}

/// Runs a server (`cyberid serve`, `verifier`, `dev demo-platform`) until SIGTERM or SIGINT, then
/// shuts it down gracefully: in-flight requests finish, background chores end after their
/// current run. A shutdown that has not finished within `gracePeriod` — a chore or a request
/// stuck in an await — is logged as an error and becomes task cancellation; work that does not
/// end even when cancelled ends the process after `cancellationLimit` more (swift-service-lifecycle's
/// `fatalError`). With `withRuntime`'s 5 s for the database after it, `serve` is gone at most
/// 25 s after SIGTERM, before Kubernetes' SIGKILL at 30 s (systemd's at 90 s). Seen once: a write
/// transaction at start that waited for ever (a lost wake-up in the SQLite writer's semaphore,
/// fixed) kept `serve` running after SIGTERM.
/// - Throws: ``ShutdownOverran`` when the grace period was overrun; what the service throws
///   otherwise.
public func runUntilSignalled(
    _ service: some Service, gracePeriod: Duration = .seconds(15), cancellationLimit: Duration = .seconds(5),
    logger: Logger
) async throws {
    try await runBounded(
        service, signals: [.sigterm, .sigint], gracePeriod: gracePeriod, cancellationLimit: cancellationLimit,
        logger: logger) { try await $0.run() }
}

/// ``runUntilSignalled(_:gracePeriod:cancellationLimit:logger:)`` with the signals and the
/// group's run given (tests pass no signals and trigger the shutdown through the group).
func runBounded(
    _ service: some Service, signals: [UnixSignal], gracePeriod: Duration, cancellationLimit: Duration,
    logger: Logger, run: (ServiceGroup) async throws -> Void
) async throws {
    let watched = ShutdownWatch(service: service, gracePeriod: gracePeriod, logger: logger)
    var configuration = ServiceGroupConfiguration(
        services: [.init(service: watched)], gracefulShutdownSignals: signals, logger: logger)
    configuration.maximumGracefulShutdownDuration = gracePeriod
    configuration.maximumCancellationDuration = cancellationLimit
    do {
        try await run(ServiceGroup(configuration: configuration))
    } catch where !watched.overran.withLock({ $0 }) {
        throw error
    }
    if watched.overran.withLock({ $0 }) { throw ShutdownOverran(gracePeriod: gracePeriod) }
}

/// Runs `service` and tells whether its graceful shutdown overran: the group cancels this task
/// only then (no cancellation signals are configured), so a run that ends cancelled after the
/// shutdown began is the overrun — logged as an error and noted. (A timer of the same length
/// raced the group's own and could miss it: a review's finding.)
private struct ShutdownWatch<Wrapped: Service>: Service {
    let service: Wrapped
    let gracePeriod: Duration
    let logger: Logger
    let overran = Locked(false)
    let shuttingDown = Locked(false)

    func run() async throws {
        do {
            try await withGracefulShutdownHandler {
                try await service.run()
            } onGracefulShutdown: { [shuttingDown] in
                shuttingDown.withLock { $0 = true }
            }
        } catch {
            noteOverrun()
            throw error
        }
        noteOverrun()
    }

    private func noteOverrun() {
        guard shuttingDown.withLock({ $0 }), Task.isCancelled else { return }
        overran.withLock { $0 = true }
        logger.error(
            "the graceful shutdown did not finish in time: what was left was cancelled",
            metadata: ["grace": "\(gracePeriod.components.seconds) s"])
    }
}
