import CyberIDCore
import NIOCore
import PostgresNIO
import Synchronization

/// What CyberID knows of one open PostgreSQL connection while it runs named statements
/// (PostgresPreparedStatements): which names have been prepared on it, and the statement in
/// flight, so that a connection closing under it ends the statement instead of leaving it waiting.
///
/// Two faults of running postgres-nio's named statements from the calling task, both closed here:
/// - **A statement written as the connection closes never completed.** postgres-nio writes the
///   statement to its channel from the calling thread; when the channel closes between our check
///   and that write, the write is dropped and its promise is never completed (the request hung
///   forever, holding its lease). Here the statement runs in a task of its own, and the
///   connection's close ends the wait with `PostgresError.connectionClosed` — once per connection,
///   through one close callback, not one per statement.
/// - **A healthy connection was closed on an execution error.** Only a failed *preparation*
///   sticks to a connection in postgres-nio; so only a name never yet prepared here closes the
///   connection when it fails. A statement timeout or a division by zero in a statement that has
///   run here before leaves the connection in the pool.
final class ConnectionStatements: Sendable {
    private struct State {
        var prepared: Set<String> = []
        var inFlight: ResumeOnce<[PostgresRow]>?
        var closed = false
    }

    private let state = Mutex(State())

    private struct Key: Hashable {
        let object: ObjectIdentifier
        let id: Int
    }

    /// The open connections that have run a named statement.
    private static let open = Mutex<[Key: ConnectionStatements]>([:])

    /// The record of `connection`, made on its first named statement and dropped when it closes.
    static func of(_ connection: PostgresConnection) -> ConnectionStatements {
        let key = Key(object: ObjectIdentifier(connection), id: connection.id)
        let (record, isNew) = open.withLock { open -> (ConnectionStatements, Bool) in
            if let known = open[key] { return (known, false) }
            let made = ConnectionStatements()
            open[key] = made
            return (made, true)
        }
        if isNew {
            // Runs at once when the connection has closed already.
            connection.closeFuture.whenComplete { _ in
                _ = open.withLock { $0.removeValue(forKey: key) }
                record.closed()
            }
        }
        return record
    }

    /// Whether `name` has been prepared on this connection.
    func isPrepared(_ name: String) -> Bool { state.withLock { $0.prepared.contains(name) } }

    /// Records that `name` is prepared on this connection.
    func prepared(_ name: String) { state.withLock { _ = $0.prepared.insert(name) } }

    /// Runs `statement` (one named statement on this connection) in a task of its own, and returns
    /// its rows — or throws `PostgresError.connectionClosed` as soon as the connection closes,
    /// whether or not postgres-nio ever completes the statement.
    func run(_ statement: @escaping @Sendable () async throws -> [PostgresRow]) async throws -> [PostgresRow] {
        try await withCheckedThrowingContinuation { continuation in
            let resume = ResumeOnce(continuation)
            let open = state.withLock { state in
                guard !state.closed else { return false }
                state.inFlight = resume
                return true
            }
            guard open else { return resume.resume(with: .failure(PostgresError.connectionClosed)) }
            Task {
                let result: Result<[PostgresRow], any Error>
                do { result = .success(try await statement()) } catch { result = .failure(error) }
                state.withLock { $0.inFlight = nil }
                resume.resume(with: result)
            }
        }
    }

    private func closed() {
        let inFlight = state.withLock { state in
            state.closed = true
            defer { state.inFlight = nil }
            return state.inFlight
        }
        inFlight?.resume(with: .failure(PostgresError.connectionClosed))
    }
}
