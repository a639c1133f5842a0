public import HummingbirdCore
public import Logging
public import NIOCore

/// An event loop as a Swift task executor: a job enqueued here runs on the loop's thread.
///
/// NIO 2.101 has no such conformance of its own (its `NIOTestUtils.ManualTaskExecutor` is for
/// tests). The loop must outlive every task that prefers it — a loop that has shut down drops
/// what it is given, and a dropped job is a task that never resumes; CyberID's loops are NIO's
/// singleton group, which lives as long as the process.
public final class EventLoopTaskExecutor: TaskExecutor, Sendable {
    /// The loop the jobs run on.
    public let loop: any EventLoop

    /// An executor running its jobs on `loop`.
    public init(loop: any EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}

/// A server child channel whose connection task runs under a task executor preference for its
/// channel's event loop.
///
/// `cyberid` runs Swift Concurrency's jobs on NIO's loops (`CyberID.main`), and NIO runs such a
/// job as the loop's *serial* executor. A connection's task is not isolated to that executor,
/// so each time the task switches to the generic executor — entering or leaving a nonisolated
/// async function, which a request does many times — the runtime cannot go on inline and
/// enqueues the task again, through NIO's hook, onto the same loop's queue, to be picked up on a
/// later turn of the loop. Under a task executor preference the task runs on the loop as a *task*
/// executor, where nonisolated code may run inline: the switches cost nothing (12 % of
/// `GET /health`'s samples re-enqueued before, 0.8 % after). The handlers, their child tasks and
/// every resumption of the connection's task (after a SQLite write on its own thread, a
/// PostgreSQL reply, a timer) come back to the connection's loop; an unstructured `Task {}`
/// started by a handler does not inherit the preference. Measured in docs/benchmarks.md ("The
/// seventh step").
public struct ConnectionLoopChannel<Inner: ServerChildChannel>: ServerChildChannel {
    public typealias Value = Inner.Value

    let inner: Inner

    /// Wraps `inner`.
    public init(_ inner: Inner) { self.inner = inner }

    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        inner.setup(channel: channel, logger: logger)
    }

    public func handle(value: Value, logger: Logger) async {
        // One small object per connection (a connection carries many requests with keep-alive).
        await withTaskExecutorPreference(EventLoopTaskExecutor(loop: value.channel.eventLoop)) {
            await inner.handle(value: value, logger: logger)
        }
    }
}

extension HTTPServerBuilder {
    /// HTTP/1.1 with each connection's task on its channel's event loop (``ConnectionLoopChannel``).
    public static func http1OnConnectionLoops(
        configuration: HTTP1Channel.Configuration = .init()
    ) -> HTTPServerBuilder {
        .init { responder in
            ConnectionLoopChannel(HTTP1Channel(responder: responder, configuration: configuration))
        }
    }
}
