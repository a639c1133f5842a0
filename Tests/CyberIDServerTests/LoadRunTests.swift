import CyberIDCore
import CyberIDDevTools
import Foundation
import Testing

/// The load generator's second-by-second record (`cyberid bench login --timeline`): what a tail
/// is set beside when the host's own record of the run is read.
@Suite struct LoadRunTests {
    struct Refused: Error {}

    @Test func theTimelineCountsEveryOperationInTheSecondItWasScheduledFor() async throws {
        // 40 operations at 20 a second: scheduled over seconds 0 and 1. Operation 25 (second 1)
        // takes at least 300 ms; operations 3 and 31 fail.
        let report = try await LoadRun.run(clients: 8, duration: 2, rate: 20) { index in
            if index == 3 || index == 31 { throw Refused() }
            if index == 25 { try await Task.sleep(for: .milliseconds(300)) }
        }
        try #require(report.timeline.map(\.second) == [0, 1])
        #expect(report.timeline.map(\.completed) == [19, 19])
        #expect(report.timeline.map(\.failed) == [1, 1])
        #expect(report.timeline.reduce(0) { $0 + $1.completed } == report.count)
        // The slow operation is in second 1's longest latency (latency counts from its scheduled
        // start). Nothing here compares times across operations: with the whole suite running, the
        // tasks may start seconds late.
        #expect(report.timeline[1].maxMicroseconds >= 300_000)
        #expect(report.failures.values.reduce(0, +) == 2)
        #expect(abs(report.started.timeIntervalSinceNow) < 60)
    }

    @Test func aWarmUpRunsAtTheSameRateButIsNotMeasured() async throws {
        // 20 a second: a second or more of warm-up (operations 0–19 at least; the first 20 take
        // 300 ms each and one of them fails), then one measured second (20 operations). Counts and
        // lower bounds only: with the whole suite running, tasks may start seconds late.
        let ran = Locked(Set<Int>())
        let measuring = Locked<[Date]>([])
        let before = Date()
        let report = try await LoadRun.run(
            clients: 8, duration: 1, rate: 20, warmup: 1, measuring: { measuring.withLock { $0.append(Date()) } }
        ) { index in
            ran.withLock { _ = $0.insert(index) }
            if index == 7 { throw Refused() }
            if index < 20 { try await Task.sleep(for: .milliseconds(300)) }
        }
        // The warm-up ran 1–2 s (it ends on a whole second): operations 0–19 at least, all of them.
        let all = ran.withLock { $0 }
        #expect(all == Set(0..<all.count) && all.count >= 40 && all.count <= 60)
        // Only the measured part's 20 are in the latencies (the count is the histogram's) and the
        // timeline; the warm-up's failure is still reported.
        #expect(report.count == 20)
        #expect(report.timeline.map(\.second) == [0])
        #expect(report.timeline.map(\.completed) == [20])
        #expect(report.timeline.map(\.failed) == [0])
        #expect(report.failures.values.reduce(0, +) == 1)
        // Called once, when the warm-up had run (lower bounds only: a starved pool only delays it);
        // the measured part starts on a whole second of the wall clock, at least a second in.
        let calls = measuring.withLock { $0 }
        #expect(calls.count == 1)
        #expect(calls.allSatisfy { $0.timeIntervalSince(before) >= 0.999 })
        #expect(report.started.timeIntervalSince(before) >= 0.999)
        #expect(report.started.timeIntervalSince1970.truncatingRemainder(dividingBy: 1) == 0)
    }

    @Test func theTimelineIsWrittenAsCSV() {
        var first = LoadSecond(second: 0)
        first.completed = 150
        first.maxMicroseconds = 12_345
        var second = LoadSecond(second: 1)
        second.failed = 2
        #expect(
            LoadSecond.csv([first, second], start: Date(timeIntervalSince1970: 1_764_000_000.25))
                == "second,unix_time,completed,failed,max_ms\n0,1764000000.250,150,0,12.345\n1,1764000001.250,0,2,0.0\n")
    }
}
