import CyberIDCore
public import Logging
import NIOCore
import NIOPosix
import PostgresNIO
import Synchronization

/// Which server of a multi-host database URL takes the statements, and the move to a new one
/// after a failover (Patroni promoting a replica).
///
/// A watcher asks the current server `SELECT pg_is_in_recovery()` on a fresh connection once a
/// second, and at once when a statement failed as a lost connection or was refused as read-only
/// (``suspect(_:)``). When the server is gone or has become a replica, every host is asked in
/// turn and the first primary gets a new connection pool; the old pool is shut down, which fails
/// the requests still queued on it at once (postgres-nio would otherwise hold them up to 60 s).
/// While no primary is known a statement waits up to ``wait`` for one and then fails as
/// unavailable — the service answers 503 rather than hanging.
///
/// An interrupted write is never retried here: its commit may or may not have happened, so the
/// caller sees the failure and nothing unacknowledged is reported as done.
public final class PostgresPrimary: Sendable {
    /// The pool in use and which host it talks to; `generation` tells a stale failure report apart.
    struct Current: Sendable {
        let generation: Int
        let host: Int
        let client: PostgresClient
    }

    private struct State: Sendable {
        var current: Current?
        var runs: [Int: Task<Void, Never>] = [:]
        var nextGeneration = 1
        var wake: AsyncStream<Void>.Continuation?
        var stopped = false
    }

    /// What a probe found on one host.
    enum Role: Equatable { case primary, replica, unreachable }

    let location: PostgresLocation
    let logger: Logger
    /// How long a statement waits for a primary during a failover.
    let wait: Duration
    /// How long a statement waits before the first primary was found (start-up, a busy server).
    let firstWait: Duration
    /// How often the current primary is checked when nothing failed.
    let interval: Duration
    /// How long a host may take to say whether it is the primary (its connection two thirds of it).
    let probeTimeout: Duration
    private let state = Mutex(State())

    public init(
        location: PostgresLocation, logger: Logger, wait: Duration = .seconds(3), firstWait: Duration = .seconds(30),
        interval: Duration = .seconds(1), probeTimeout: Duration = .seconds(3)
    ) {
        self.location = location
        self.logger = logger
        self.wait = wait
        self.firstWait = firstWait
        self.interval = interval
        self.probeTimeout = probeTimeout
    }

    /// The pool of the current primary, waiting up to ``wait`` while there is none (``firstWait``
    /// before the first primary was found).
    /// - Throws: ``StoreError/unavailable(_:underlying:)`` when no primary answers in time.
    func current() async throws(StoreError) -> Current {
        let (known, started) = state.withLock { ($0.current, $0.nextGeneration > 1) }
        if let known { return known }
        let deadline = ContinuousClock.now + (started ? wait : firstWait)
        while ContinuousClock.now < deadline {
            try? await Task.sleep(for: .milliseconds(50))
            if let current = state.withLock({ $0.current }) { return current }
            if Task.isCancelled { break }
        }
        throw .unavailable("no PostgreSQL primary answers (failover in progress?)")
    }

    /// A statement on `generation` failed in a way a failover explains: check now.
    func suspect(_ generation: Int) {
        let wake = state.withLock { $0.current?.generation == generation ? $0.wake : nil }
        wake?.yield()
    }

    /// Watches until cancelled, then shuts the pool down.
    public func run() async {
        let (signals, wake) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
        state.withLock { $0.wake = wake }
        let ticker = Task {
            while !Task.isCancelled {
                wake.yield()
                // Without a primary, look again sooner.
                try? await Task.sleep(for: state.withLock { $0.current == nil } ? min(interval, .milliseconds(250)) : interval)
            }
        }
        for await _ in signals {
            if Task.isCancelled { break }
            await check()
        }
        ticker.cancel()
        let runs = state.withLock { state in
            state.stopped = true
            state.current = nil
            defer { state.runs = [:] }
            return Array(state.runs.values)
        }
        for run in runs { run.cancel() }
        for run in runs { await run.value }
    }

    /// Keeps the current primary if it still is one, else finds the new one.
    private func check() async {
        let current = state.withLock { $0.current }
        var currentRole = Role.unreachable
        if let current {
            currentRole = await probe(current.host)
            if currentRole == .primary { return }
        }
        for index in location.hosts.indices where index != current?.host {
            if await probe(index) == .primary {
                install(host: index, replacing: current)
                return
            }
        }
        guard let current else { return }
        // No primary anywhere: drop the pool so that queued statements fail now, not in 60 s.
        logger.warning(
            "PostgreSQL primary lost; no other host is primary yet",
            metadata: ["host": "\(location.hosts[current.host].name):\(location.hosts[current.host].port)", "role": "\(currentRole)"])
        retire(current)
    }

    /// Starts a pool on `host` and makes it current; the replaced one is shut down.
    private func install(host: Int, replacing old: Current?) {
        let client = PostgresClient(configuration: location.clientConfiguration(host: host), backgroundLogger: logger)
        let installed = state.withLock { state -> Bool in
            guard !state.stopped else { return false }
            let generation = state.nextGeneration
            state.nextGeneration += 1
            state.current = Current(generation: generation, host: host, client: client)
            state.runs[generation] = Task { await client.run() }
            return true
        }
        guard installed else { return }
        logger.notice(
            "PostgreSQL primary", metadata: ["host": "\(location.hosts[host].name):\(location.hosts[host].port)"])
        if let old { retire(old) }
    }

    private func retire(_ old: Current) {
        let run = state.withLock { state -> Task<Void, Never>? in
            if state.current?.generation == old.generation { state.current = nil }
            return state.runs.removeValue(forKey: old.generation)
        }
        run?.cancel()
    }

    /// Asks one host whether it is the primary, on a fresh connection; no answer within
    /// ``probeTimeout`` is unreachable (a frozen server must not stop the watcher).
    ///
    /// The connection, the question and the timer all run on a thread of the probes' own
    /// (``probes``), so the answer is decided there: a node whose other threads are saturated (a
    /// burst of CPU-bound requests, a parallel test run) still hears a live primary in time instead
    /// of losing the race to its own timer and dropping a working pool.
    func probe(_ index: Int) async -> Role {
        guard let configuration = try? location.connectionConfiguration(host: index, timeout: TimeAmount(probeTimeout * 2 / 3)) else {
            return .unreachable
        }
        return await (try? Self.ask(configuration, within: TimeAmount(probeTimeout)).get()) ?? .unreachable
    }

    /// One thread for every probe of the process. Not the singleton group: `cyberid` runs Swift
    /// Concurrency's jobs on those event loops (`CYBERID_NIO_EXECUTOR`), where a saturated loop
    /// runs its queued jobs, the timer among them, before it reads the server's answer.
    private static let probes = MultiThreadedEventLoopGroup(numberOfThreads: 1)

    /// The probe on the probes' loop. The future never fails; the first of the answer and the
    /// timer wins (a promise keeps its first result), and the connection is closed either way,
    /// after the answer, so a slow close (TLS) does not count against the timeout.
    private static func ask(_ configuration: PostgresConnection.Configuration, within timeout: TimeAmount) -> EventLoopFuture<Role> {
        let loop = probes.next()
        let answer = loop.makePromise(of: Role.self)
        let timer = loop.scheduleTask(in: timeout) { answer.succeed(.unreachable) }
        let found: @Sendable (Role) -> Void = { role in
            timer.cancel()
            answer.succeed(role)
        }
        PostgresConnection.connect(on: loop, configuration: configuration, id: 0, logger: quiet).whenComplete { connected in
            guard case .success(let connection) = connected else { return found(.unreachable) }
            connection.query("SELECT pg_is_in_recovery()", logger: quiet).whenComplete { asked in
                var role = Role.unreachable
                if case .success(let result) = asked, let recovering = try? result.rows.first?.decode(Bool.self) {
                    role = recovering ? .replica : .primary
                }
                found(role)
                // A connection must be closed before it is released (postgres-nio asserts it): the
                // closure holds it until then.
                connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
            }
        }
        return answer.futureResult
    }

    private static let quiet = Logger(label: "cyberid.store.postgres.probe", factory: { _ in SwiftLogNoOpLogHandler() })

    /// postgres-nio's pool errors (its circuit breaker) are of a type only its underscored module names.
    static func isPoolError(_ error: any Error) -> Bool {
        String(describing: type(of: error)) == "ConnectionPoolError"
    }

    /// Whether an error means the server went away or stopped taking writes.
    static func isFailover(_ error: any Error) -> Bool {
        var error = error
        if let wrapped = error as? StoreError, let underlying = wrapped.underlying { error = underlying }
        if isPoolError(error) { return true }
        if let error = error as? PostgresError, case .connectionClosed = error { return true }
        guard let error = error as? PSQLError else { return false }
        switch error.code {
        case .server:
            let state = error.serverInfo?[.sqlState] ?? ""
            // 25006 read_only_sql_transaction, 57P01–57P03 shutdown / cannot connect now, class 08.
            return state == "25006" || state.hasPrefix("57P") || state.hasPrefix("08")
        case .serverClosedConnection, .connectionError, .uncleanShutdown, .poolClosed, .clientClosedConnection:
            return true
        default:
            return false
        }
    }
}
