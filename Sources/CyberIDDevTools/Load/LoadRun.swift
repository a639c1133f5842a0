public import Foundation
import Histogram

/// The outcome of a load run: latencies (µs, from each request's scheduled start, so no
/// coordinated omission) in an HdrHistogram, failures by reason, the wall time.
public struct LoadReport: Sendable {
    /// Completed operations.
    public let count: Int
    /// Wall seconds of the run.
    public let seconds: Double
    /// Failures by reason.
    public let failures: [String: Int]
    let histogram: Histogram<UInt64>

    /// The latency at `percentile` (0…100), in milliseconds.
    public func milliseconds(atPercentile percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// Operations per second.
    public var rate: Double { seconds > 0 ? Double(count) / seconds : 0 }
}

/// Runs an operation from `clients` concurrent tasks for `duration` seconds, optionally at a
/// fixed `rate` (operations per second across all tasks).
public enum LoadRun {
    /// Runs `operation(index)` until the deadline, or `count` times when given.
    public static func run(
        clients: Int, duration: Double = .infinity, rate: Double? = nil, count: Int? = nil,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> LoadReport {
        let histogram = Locked(Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three))
        let failures = Locked<[String: Int]>([:])
        let next = Locked(0)
        let start = ContinuousClock.now
        let deadline = duration.isFinite ? start + .milliseconds(Int(duration * 1000)) : nil
        let interval = rate.map { Duration.nanoseconds(Int64(1e9 / $0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<clients {
                group.addTask {
                    while true {
                        let index = next.withLock { value -> Int in
                            defer { value += 1 }
                            return value
                        }
                        var scheduled = ContinuousClock.now
                        if let interval {
                            scheduled = start + interval * index
                            if scheduled > ContinuousClock.now { try await Task.sleep(until: scheduled) }
                        }
                        if let deadline, scheduled >= deadline { return }
                        if let count, index >= count { return }
                        do {
                            try await operation(index)
                            let elapsed = ContinuousClock.now - scheduled
                            let micros = UInt64(elapsed.components.seconds) * 1_000_000
                                + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
                            histogram.withLock { _ = $0.record(micros) }
                        } catch {
                            failures.withLock { $0["\(error)", default: 0] += 1 }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = ContinuousClock.now - start
        let result = histogram.withLock { $0 }
        return LoadReport(
            count: Int(result.totalCount),
            seconds: Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18,
            failures: failures.withLock { $0 }, histogram: result)
    }
}
