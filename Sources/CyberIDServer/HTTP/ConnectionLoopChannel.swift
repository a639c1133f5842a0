public import HummingbirdCore
public import Logging
public import NIOCore

/// An event loop as a Swift task executor: a job enqueued here runs on the loop's thread.
///
/// NIO 2.101 has no such conformance of its own (its `NIOTestUtils.ManualTaskExecutor` is for tests).
public final class EventLoopTaskExecutor: TaskExecutor, @unchecked Sendable {
    /// The loop the jobs run on. Immutable; an event loop is thread-safe.
    public let loop: any EventLoop

    /// An executor running its jobs on `loop`.
    public init(loop: any EventLoop) { self.loop = loop }

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        loop.execute { job.runSynchronously(on: executor) }
    }
}

/// A server child channel whose connection task prefers its channel's event loop.
///
/// Hummingbird handles each connection in a task of the server's task group. With Swift
/// Concurrency's jobs on NIO's loops (`CyberID.main`), that task starts on whichever loop
/// accepted the connection — with two or more loops, usually not the loop of the connection's
/// own channel — so every read and write of the connection crossed to the other thread and
/// back (a wake-up of the other loop each way). Preferring the channel's loop keeps a
/// connection's I/O and its handlers on one thread; its child tasks inherit the preference, and
/// a task resumed by another thread (a SQLite write's thread, a PostgreSQL connection's loop)
/// comes back to it. Measured in docs/benchmarks.md ("The seventh step").
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
