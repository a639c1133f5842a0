import Synchronization

/// A value behind a lock, shareable between tasks (a `Mutex` is not copyable, so a closure or a
/// struct that several tasks hold keeps this box instead).
public final class Locked<Value: Sendable>: Sendable {
    private let mutex: Mutex<Value>
    /// Creates the box.
    public init(_ value: Value) { mutex = Mutex(value) }
    /// Runs `body` on the value under the lock.
    public func withLock<R>(_ body: (inout Value) -> R) -> R { mutex.withLock { body(&$0) } }
}
