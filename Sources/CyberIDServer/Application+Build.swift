public import Hummingbird
public import Logging
import CyberIDCore
import CyberIDEnrollment
import CyberIDKeys
import CyberIDLifecycle
import CyberIDLimits
import CyberIDProvider
import CyberIDStore
import Foundation
import Metrics
public import Prometheus
import ServiceLifecycle

/// The process-wide metrics registry. swift-metrics can be bootstrapped once per process, so
/// this is created and bootstrapped on first use and shared by every application in it.
public let metricsRegistry: PrometheusCollectorRegistry = {
    let registry = PrometheusCollectorRegistry()
    var factory = PrometheusMetricsFactory(registry: registry)
    factory.defaultDurationHistogramBuckets = [
        .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10), .milliseconds(25),
        .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500), .seconds(1), .seconds(5),
    ]
    MetricsSystem.bootstrap(factory)
    return registry
}()

/// Builds the HTTP router with every CyberID route and the middleware stack.
///
/// Middleware order, outermost first: the request log and the request metrics (so both see the
/// final status of every request, errors included), `Strict-Transport-Security` (an `https://`
/// issuer only), problem+json mapping, body limit, the client's address, rate limits.
/// - Parameter runtime: the prepared runtime.
/// - Returns: the router, ready for an `Application`.
public func buildRouter(runtime: Runtime) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: RequestLogMiddleware())
    router.add(middleware: RequestMetricsMiddleware())
    if runtime.settings.issuer.hasPrefix("https://") { router.add(middleware: StrictTransportSecurityMiddleware()) }
    router.add(middleware: ProblemMiddleware())
    router.add(middleware: BodyLimitMiddleware(maxBytes: runtime.settings.maxBodyBytes))
    router.add(middleware: ClientAddressMiddleware(trustedProxies: runtime.settings.trustedProxies))
    router.add(middleware: RateLimitMiddleware(limiter: runtime.limiter, settings: runtime.settings.limits))
    router.addHealthRoutes(database: runtime.database, signingKeys: runtime.signingKeys)
    router.addOpenAPIRoute()
    // With a separate metrics listener (CYBERID_METRICS_PORT), /metrics is not public.
    if runtime.settings.metricsPort == nil { router.addMetricsRoute(registry: metricsRegistry) }
    router.addKeyRoutes(signingKeys: runtime.signingKeys)
    router.addAuditRoutes(audit: runtime.audit)
    router.addNetworkNumberRoutes()
    router.addEnrollmentRoutes(service: runtime.enrollment)
    router.addPKIRoutes(authority: runtime.authority, revocations: runtime.store)
    router.addOpenIDRoutes(provider: runtime.provider, settings: runtime.settings, credentials: runtime.credentials)
    router.addWalletRoutes(provider: runtime.provider, holderService: runtime.holder)
    router.addPasswordRoutes(runtime.provider.login, passwords: runtime.provider.passwords, enrollment: runtime.enrollment)
    router.addInPersonCodeRoutes(runtime.provider.login, tokens: runtime.provider.tokens)
    router.addCredentialRoutes(
        credentials: runtime.credentials, login: runtime.provider.login, limiter: runtime.limiter,
        offersPerHour: runtime.settings.limits.credentialOffersPerPersonPerHour)
    router.addPortalRoutes(Portal(runtime: runtime))
    router.addConsoleRoutes(Console(runtime: runtime))
    return router
}

/// The router of the separate metrics listener: `/metrics` only.
public func buildMetricsRouter() -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.addMetricsRoute(registry: metricsRegistry)
    return router
}

/// Builds the application: the router on the configured address, with the background services
/// the server needs (periodic signing-key refresh, purging of expired sessions) and, when
/// configured, the separate metrics listener.
/// - Parameters:
///   - runtime: the prepared runtime.
///   - logger: the server's logger.
///   - onServerRunning: called with the bound port once listening.
public func buildApplication(
    runtime: Runtime, logger: Logger, onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
) -> some ApplicationProtocol {
    let metrics = runtime.settings.metricsPort.map { port in
        Application(
            router: buildMetricsRouter(),
            configuration: .init(address: .hostname(runtime.settings.metricsHost, port: port), serverName: "CyberID metrics"),
            logger: logger)
    }
    return Application(
        router: buildRouter(runtime: runtime),
        server: runtime.settings.requestsOnConnectionLoop ? .http1OnConnectionLoops() : .http1(),
        configuration: .init(address: .hostname(runtime.settings.host, port: runtime.settings.port), serverName: "CyberID"),
        services: (metrics.map { [$0] as [any Service] } ?? []) + [
            // A rotation made by another process or `cyberid admin keys rotate` reaches this one.
            PeriodicService(name: "signing-key refresh", interval: .seconds(30), logger: logger) {
                try await runtime.signingKeys.refresh()
                for rejected in runtime.signingKeys.rejectedKeys {
                    logger.error("signing key refused", metadata: ["key": "\(rejected)"])
                }
            },
            // Security Event Tokens to platforms, with retries (never on a request's path).
            PeriodicService(name: "security events", interval: .seconds(1), logger: logger) {
                runtime.securityEvents.startDelivering { error in
                    logger.error("security event delivery failed", metadata: ["error": "\(error)"])
                }
            },
            // Request counts held by the rate limiter reach the shared counters in one write a second.
            PeriodicService(name: "rate counters", interval: .seconds(1), logger: logger) {
                try await runtime.limiter.flush()
            },
            // Persons enrolled before schema 27 get its indexes (also done by admin migrate); at
            // start, so the version-1 look-ups it replaces are needed briefly.
            PeriodicService(name: "person-index backfill", interval: .seconds(300), runsAtStart: true, logger: logger) {
                _ = try await backfillPersonIndexes(
                    store: runtime.store, masterKey: runtime.masterKey, audit: runtime.audit, logger: logger, batch: 100)
            },
            // The verification log: month partitions ahead and its retention. At start too, so this
            // month's partition exists before the first login line (else the line lands in the
            // default partition and is moved a minute later).
            PeriodicService(name: "verification log", interval: .seconds(60), runsAtStart: true, logger: logger) {
                try await purgeVerificationLines(runtime, now: Date(), logger: logger)
            },
            // Expired login transactions: small batches every 5 s (one DELETE a minute stalled logins).
            PeriodicService(name: "login transaction purge", interval: .seconds(5), logger: logger) {
                _ = try await LoginTransactionPurge(store: runtime.store).run(now: Date())
            },
            // Expired enrollment sessions (with their sealed pending data) and the other short-lived rows.
            PeriodicService(name: "purge", interval: .seconds(60), logger: logger) {
                let now = Date()
                try await ShortLivedRowsPurge(store: runtime.store).run(now: now)
                try await purgeSecurityEvents(runtime, now: now, logger: logger)
            },
        ],
        onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? runtime.settings.port) },
        logger: logger)
}

/// The retention of verification lines (issue 16, `CYBERID_VERIFICATION_RETENTION_DAYS`): a
/// verification log that expires. On PostgreSQL the lines live in month partitions, created
/// ahead here and dropped whole once all their lines are past the retention; what no month
/// partition holds (and everything on SQLite) goes in batches of 10,000, at most ten a minute
/// per process. Partitions are kept even with the retention off (0).
func purgeVerificationLines(_ runtime: Runtime, now: Date, logger: Logger) async throws {
    let days = runtime.settings.verificationRetentionDays
    let before = days > 0 ? now.addingTimeInterval(-Double(days) * 86_400) : nil
    let report = try await runtime.store.maintainHistory(
        events: HistoryEvent.verifications.map(\.rawValue), before: before, now: now)
    if !report.created.isEmpty || !report.dropped.isEmpty {
        logger.info(
            "verification log partitions",
            metadata: ["created": "\(report.created)", "dropped": "\(report.dropped)", "deleted": "\(report.deleted)"])
    }
}

/// The retention of the Security Events outbox (`CYBERID_SECURITY_EVENT_RETENTION_DAYS`): events
/// delivered, dropped or given up on before it go in batches of 2,000 — each its own short write,
/// so a login waits for one batch at most (the login-transaction purge's lesson) — at most 50 a
/// minute per process, which clears 100,000 a minute after an upgrade; events still being retried
/// stay. What it deleted is logged.
func purgeSecurityEvents(_ runtime: Runtime, now: Date, logger: Logger) async throws {
    let days = runtime.settings.securityEventRetentionDays
    guard days > 0 else { return }
    let before = now.addingTimeInterval(-Double(days) * 86_400)
    let deleted = try await BatchedPurge(batch: 2_000, batchesPerRun: 50, pause: .zero).run { limit in
        try await runtime.store.purgeSecurityEvents(before: before, limit: limit)
    }
    if deleted > 0 { logger.info("security events past their retention deleted", metadata: ["deleted": "\(deleted)"]) }
}
