import CyberIDCore
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
    /// When the run started, on the wall clock.
    public let started: Date
    /// The run second by second (by each operation's scheduled start), in order: where in the run
    /// a tail happened, to set beside what the host did at that moment.
    public let timeline: [LoadSecond]
    let histogram: Histogram<UInt64>

    /// The latency at `percentile` (0…100), in milliseconds.
    public func milliseconds(atPercentile percentile: Double) -> Double {
        Double(histogram.valueAtPercentile(percentile)) / 1000
    }

    /// Operations per second.
    public var rate: Double { seconds > 0 ? Double(count) / seconds : 0 }
}

/// One second of a load run: the operations scheduled to start in it.
public struct LoadSecond: Sendable, Equatable {
    /// Seconds from the run's start (0 is the first second).
    public var second: Int
    /// Operations that completed.
    public var completed = 0
    /// Operations that failed.
    public var failed = 0
    /// The longest latency of a completed operation, in microseconds (0 when none completed).
    public var maxMicroseconds: UInt64 = 0

    /// Creates an empty second.
    public init(second: Int) { self.second = second }

    /// The timeline as CSV, a header line first: `second,unix_time,completed,failed,max_ms`, where
    /// `unix_time` is the second's start on the wall clock (the run started at `start`), to join
    /// with what the host recorded.
    public static func csv(_ timeline: [LoadSecond], start: Date) -> String {
        let origin = start.timeIntervalSince1970
        return "second,unix_time,completed,failed,max_ms\n"
            + timeline.map {
                "\($0.second),\(String(format: "%.3f", origin + Double($0.second))),\($0.completed),\($0.failed),"
                    + "\(Double($0.maxMicroseconds) / 1000)\n"
            }.joined()
    }
}

/// What a run records, shared by its tasks under one lock: the latencies, the failures, the
/// timeline.
private struct LoadRecord: Sendable {
    var histogram = Histogram<UInt64>(highestTrackableValue: 60_000_000, numberOfSignificantValueDigits: .three)
    var failures: [String: Int] = [:]
    var seconds: [Int: LoadSecond] = [:]

    /// A completed operation of the measured part, in `second`.
    mutating func completed(second: Int, after elapsed: Duration) {
        let micros = UInt64(elapsed.components.seconds) * 1_000_000 + UInt64(elapsed.components.attoseconds / 1_000_000_000_000)
        _ = histogram.record(micros)
        seconds[second, default: LoadSecond(second: second)].completed += 1
        seconds[second]!.maxMicroseconds = max(seconds[second]!.maxMicroseconds, micros)
    }

    /// A failed operation; in the timeline when it was in the measured part (`second` not nil).
    mutating func failed(_ error: any Error, second: Int?) {
        failures["\(error)", default: 0] += 1
        if let second { seconds[second, default: LoadSecond(second: second)].failed += 1 }
    }
}

/// Runs an operation from `clients` concurrent tasks for `duration` seconds, optionally at a
/// fixed `rate` (operations per second across all tasks).
public enum LoadRun {
    /// A warm-up of at least `seconds` (bounded to a day) from `now` that ends on a whole second of
    /// the wall clock, and that second: when the measured part starts.
    static func wholeSecondWarmup(_ seconds: Double, from now: Date) -> (seconds: Double, end: Date) {
        guard seconds.isFinite, seconds > 0 else { return (0, now) }
        let end = (now.timeIntervalSince1970 + min(seconds, 86_400)).rounded(.up)
        return (end - now.timeIntervalSince1970, Date(timeIntervalSince1970: end))
    }

    /// Runs `operation(index)` until the deadline, or `count` times when given.
    /// - Parameter warmup: seconds run first at the same rate and not measured (a failure in them
    ///   still counts): a fresh server's connections, caches and prepared statements warm up there,
    ///   not in the measured tail. The warm-up is lengthened to end on a whole second of the wall
    ///   clock, so the timeline's seconds are the host's seconds (`scripts/tail-timeline`).
    ///   `duration` and `started` are the measured part's. Ignored with `count`.
    /// - Parameter measuring: called once as the measured part begins (to read CPU counters then).
    public static func run(
        clients: Int, duration: Double = .infinity, rate: Double? = nil, count: Int? = nil, warmup: Double = 0,
        measuring: (@Sendable () -> Void)? = nil,
        _ operation: @escaping @Sendable (Int) async throws -> Void
    ) async throws -> LoadReport {
        let record = Locked(LoadRecord())
        let next = Locked(0)
        let start = ContinuousClock.now
        let (warmup, started) = wholeSecondWarmup(count == nil ? warmup : 0, from: Date())
        let measured = start + .nanoseconds(Int64(warmup * 1e9))
        let deadline = duration.isFinite ? measured + .milliseconds(Int(duration * 1000)) : nil
        let interval = rate.map { Duration.nanoseconds(Int64(1e9 / $0)) }
        try await withThrowingTaskGroup(of: Void.self) { group in
            if let measuring {
                if warmup > 0 {
                    group.addTask {
                        try await Task.sleep(until: measured)
                        measuring()
                    }
                } else {
                    measuring()
                }
            }
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
                        let second = scheduled < measured ? nil : Int((scheduled - measured).components.seconds)
                        do {
                            try await operation(index)
                            if let second {
                                let elapsed = ContinuousClock.now - scheduled
                                record.withLock { $0.completed(second: second, after: elapsed) }
                            }
                        } catch {
                            record.withLock { $0.failed(error, second: second) }
                        }
                    }
                }
            }
            try await group.waitForAll()
        }
        let total = ContinuousClock.now - measured
        let result = record.withLock { $0 }
        return LoadReport(
            count: Int(result.histogram.totalCount),
            seconds: Double(total.components.seconds) + Double(total.components.attoseconds) / 1e18,
            failures: result.failures, started: started,
            timeline: result.seconds.values.sorted { $0.second < $1.second }, histogram: result.histogram)
    }
}
