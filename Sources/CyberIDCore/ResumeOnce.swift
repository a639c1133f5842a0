import Synchronization

/// A continuation resumed by whichever of several racers comes first; the others' resumes do
/// nothing. Used where two events race to end one wait: a statement's end or its connection's
/// close (CyberIDStore's PostgreSQL statements), a task's end or a deadline (the server's
/// bounded shutdown).
public final class ResumeOnce<Value: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<Value, any Error>?>

    public init(_ continuation: CheckedContinuation<Value, any Error>) {
        self.continuation = Mutex(continuation)
    }

    public func resume(with result: Result<Value, any Error>) {
        continuation.withLock { $0.take() }?.resume(with: result)
    }
}
