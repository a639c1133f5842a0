import CyberIDCore
import Logging

/// Runs `background` (the database's connection pool) beside `body`. When `body` ends, the
/// background is cancelled and given `grace` to finish; one that has not finished by then is
/// left behind, with a warning, so that the process can still exit. Seen with PostgresNIO
/// 1.33.2: after every service had finished and every pooled connection had closed, the pool's
/// `run()` sometimes never returned from its cancellation (three of seven servers after a minute
/// of load; docs/benchmarks.md, sitting 6), and `cyberid serve` did not exit on SIGTERM.
/// Nothing is lost by leaving it: every statement has ended by then.
/// - Parameters:
///   - background: what runs beside `body` until cancelled.
///   - grace: how long the background may take to finish once cancelled.
///   - logger: where a background left behind is reported.
///   - body: the work to do.
/// - Returns: what `body` returns.
func runBeside<T: Sendable>(
    _ background: @escaping @Sendable () async throws -> Void, grace: Duration, logger: Logger,
    _ body: () async throws -> T
) async throws -> T {
    let task = Task { try await background() }
    let result: Result<T, any Error>
    do {
        result = .success(try await body())
    } catch {
        result = .failure(error)
    }
    task.cancel()
    if await !finishes(task, within: grace) {
        logger.warning(
            "the database did not shut down in time; going on without it",
            metadata: ["grace": "\(grace)"])
    }
    return try result.get()
}

/// Whether `task` ends within `limit`; waits no longer than that. Awaiting a task's value cannot
/// be cancelled, so the task's end and a deadline race for one continuation; the deadline is
/// cancelled when the task wins.
private func finishes(_ task: Task<Void, any Error>, within limit: Duration) async -> Bool {
    let ended = try? await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Bool, any Error>) in
        let resume = ResumeOnce(continuation)
        let deadline = Task {
            try? await Task.sleep(for: limit)
            resume.resume(with: .success(false))
        }
        Task {
            _ = await task.result
            deadline.cancel()
            resume.resume(with: .success(true))
        }
    }
    return ended ?? false
}
