@testable import CyberIDServer
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// `withRuntime`'s shutdown of the database beside it (`runBeside`): it waits for a background
/// that finishes once cancelled, and leaves behind, with a warning, one that never does — so
/// `cyberid serve` exits on SIGTERM even when the PostgreSQL pool's `run()` never returns.
@Suite struct BoundedShutdownTests {
    /// Set once, read after.
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Keeps the messages logged through it.
    final class Messages: Sendable {
        private let lines = Mutex<[String]>([])
        func append(_ line: String) { lines.withLock { $0.append(line) } }
        var all: [String] { lines.withLock { $0 } }
    }

    struct CapturingHandler: LogHandler {
        let messages: Messages
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) { messages.append("\(event.level) \(event.message)") }
    }

    struct Refused: Error {}

    /// A background that, once cancelled, takes 200 ms more (in a task its cancellation does not
    /// reach) to finish, then sets `finished`.
    static func slowToFinish(_ finished: Flag) -> @Sendable () async throws -> Void {
        {
            try? await Task.sleep(for: .seconds(3600))
            await Task.detached { try? await Task.sleep(for: .milliseconds(200)) }.value
            finished.set()
        }
    }

    @Test(.timeLimit(.minutes(1))) func aBackgroundThatFinishesWhenCancelledIsWaitedFor() async throws {
        let finished = Flag()
        let messages = Messages()
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: messages) }
        let value = try await runBeside(Self.slowToFinish(finished), grace: .seconds(30), logger: logger) { 42 }
        #expect(value == 42)
        #expect(finished.isSet, "runBeside returned before the cancelled background had finished")
        #expect(messages.all.isEmpty)
    }

    @Test(.timeLimit(.minutes(1))) func aFailingBodyStillCancelsAndWaitsForTheBackground() async throws {
        let finished = Flag()
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: Messages()) }
        await #expect(throws: Refused.self) {
            try await runBeside(Self.slowToFinish(finished), grace: .seconds(30), logger: logger) { () -> Int in
                throw Refused()
            }
        }
        #expect(finished.isSet)
    }

    @Test(.timeLimit(.minutes(1))) func aBackgroundThatNeverFinishesIsLeftBehindWithAWarning() async throws {
        // The pool seen in sitting 6: cancelled, it never returns (a continuation never resumed).
        let messages = Messages()
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: messages) }
        let value = try await runBeside({ await withUnsafeContinuation { (_: UnsafeContinuation<Void, Never>) in } },
                                        grace: .milliseconds(300), logger: logger) { "done" }
        #expect(value == "done")
        #expect(messages.all == ["warning the database did not shut down in time; going on without it"])
    }

    /// A service that ignores graceful shutdown and ends only when cancelled, noting that it was.
    struct Stuck: Service {
        let cancelled: Flag
        func run() async throws {
            do {
                try await Task.sleep(for: .seconds(3600))
            } catch {
                cancelled.set()
            }
        }
    }

    /// A service that ends at graceful shutdown, noting whether it was ever cancelled.
    struct Polite: Service {
        let cancelled: Flag
        func run() async throws {
            try? await gracefulShutdown()
            if Task.isCancelled { cancelled.set() }
        }
    }

    /// Runs `service` as `runUntilSignalled` does, with the shutdown triggered at once and the
    /// given grace period; answers the messages logged.
    static func shutDown(_ service: some Service, grace: Duration) async throws -> [String] {
        let messages = Messages()
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: messages) }
        try await runBounded(service, signals: [], gracePeriod: grace, cancellationLimit: .seconds(50), logger: logger) { group in
            // A shutdown triggered before the group runs is kept for it.
            await group.triggerGracefulShutdown()
            try await group.run()
        }
        return messages.all.filter { !$0.hasPrefix("debug") && !$0.hasPrefix("trace") }
    }

    /// `runUntilSignalled`: a shutdown stuck in a service (as the server was when its start-time
    /// write transaction waited for ever) becomes cancellation after the grace period, is logged
    /// as an error, and ends in `ShutdownOverran` (exit status 1): the process exits on SIGTERM,
    /// and says why.
    @Test(.timeLimit(.minutes(1))) func aStuckShutdownBecomesCancellationAfterTheGracePeriod() async throws {
        let cancelled = Flag()
        await #expect(throws: ShutdownOverran.self) {
            let messages = try await Self.shutDown(Stuck(cancelled: cancelled), grace: .milliseconds(300))
            Issue.record("no error; logged \(messages)")
        }
        #expect(cancelled.isSet, "the group returned without cancelling the stuck service")
    }

    @Test(.timeLimit(.minutes(1))) func theOverrunIsLoggedAsAnError() async throws {
        let messages = Messages()
        let logger = Logger(label: "test") { _ in CapturingHandler(messages: messages) }
        _ = try? await runBounded(
            Stuck(cancelled: Flag()), signals: [], gracePeriod: .milliseconds(300), cancellationLimit: .seconds(50), logger: logger
        ) { group in
            await group.triggerGracefulShutdown()
            try await group.run()
        }
        #expect(messages.all.contains("error the graceful shutdown did not finish in time: what was left was cancelled"))
    }

    @Test(.timeLimit(.minutes(1))) func aServiceThatEndsInTimeIsNotCancelled() async throws {
        let cancelled = Flag()
        let messages = try await Self.shutDown(Polite(cancelled: cancelled), grace: .seconds(30))
        #expect(!cancelled.isSet)
        #expect(!messages.contains { $0.hasPrefix("error") || $0.hasPrefix("warning") })
    }
}
