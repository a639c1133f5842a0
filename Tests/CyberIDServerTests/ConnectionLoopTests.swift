import CyberIDServer
import Foundation
import Hummingbird
import HummingbirdCore
import HummingbirdTesting
import Logging
import NIOCore
import NIOPosix
import Testing

/// A request context that keeps the event loop of the request's connection.
struct LoopContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let loop: any EventLoop

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        loop = source.channel.eventLoop
    }
}

/// Issue 16, the seventh step of the leaner login: a connection's requests run on the event loop
/// of its channel, and come back to it after every kind of suspension a CyberID handler has.
@Suite struct ConnectionLoopTests {
    /// A route answering whether its handler was on the connection's loop: at the start, after a
    /// timer, after a continuation resumed by another thread (as a SQLite write's thread resumes
    /// its caller), and in a child task.
    func application(_ server: HTTPServerBuilder) -> some ApplicationProtocol {
        let router = Router(context: LoopContext.self)
        router.get("where") { _, context -> String in
            var onLoop = [context.loop.inEventLoop]
            try await Task.sleep(for: .milliseconds(2))
            onLoop.append(context.loop.inEventLoop)
            await withCheckedContinuation { (resumed: CheckedContinuation<Void, Never>) in
                Thread.detachNewThread { resumed.resume() }
            }
            onLoop.append(context.loop.inEventLoop)
            async let child = context.loop.inEventLoop
            onLoop.append(await child)
            return onLoop.map(String.init).joined(separator: ",")
        }
        return Application(router: router, server: server, logger: Logger(label: "loops"))
    }

    @Test func aConnectionsHandlersStayOnItsChannelsLoop() async throws {
        try await application(.http1OnConnectionLoops()).test(.live) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/where", method: .get) { response in
                    #expect(String(buffer: response.body) == "true,true,true,true")
                }
            }
        }
    }

    /// The same route under Hummingbird's own HTTP/1.1 server in a process without `CyberID.main`'s
    /// executor hook (this test process): the handlers run on Swift Concurrency's own pool. (With
    /// the hook they start on the channel's loop too, but run there as its serial executor: what
    /// the preference changes is how they run there, which benchmarks.md measures.)
    @Test func hummingbirdsDefaultRunsThemOffTheLoop() async throws {
        try await application(.http1()).test(.live) { client in
            try await client.execute(uri: "/where", method: .get) { response in
                #expect(String(buffer: response.body) == "false,false,false,false")
            }
        }
    }

    @Test func theExecutorRunsItsJobsOnItsLoop() async throws {
        let group = MultiThreadedEventLoopGroup.singleton
        let loop = group.next()
        let executor = EventLoopTaskExecutor(loop: loop)
        let seen = await withTaskExecutorPreference(executor) {
            await withTaskGroup(of: (Int, Bool).self) { tasks in
                for index in 0..<20 { tasks.addTask { (index, loop.inEventLoop) } }
                var seen = [(Int, Bool)]()
                for await result in tasks { seen.append(result) }
                return seen
            }
        }
        #expect(seen.map(\.0).sorted() == Array(0..<20))
        #expect(seen.allSatisfy { $0.1 })
    }
}
