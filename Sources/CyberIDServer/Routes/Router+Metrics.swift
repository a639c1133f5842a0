import Foundation
import Hummingbird
import NIOCore
import Prometheus

extension Router where Context == AppRequestContext {
    /// `GET /metrics`: Prometheus text exposition of the process's swift-metrics, including
    /// Hummingbird's per-route request counters and latency histograms, and the process's own CPU
    /// time (issue 16): the server's cost per login is
    /// `rate(process_cpu_seconds_total[1m]) / rate(hb_requests{http_route="/token"}[1m])`,
    /// what `cyberid bench login --server-pid` prints, from a running deployment.
    func addMetricsRoute(registry: PrometheusCollectorRegistry) {
        let cpu = registry.makeGauge(
            descriptor: MetricNameDescriptor(
                metricName: "process_cpu", unitName: "seconds_total",
                helpText: "User and system CPU time this process has used, in seconds."))
        get("metrics") { _, _ in
            cpu.set(ProcessCPU.seconds())
            return Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}

/// This process's CPU time (`getrusage(RUSAGE_SELF)`: user + system).
enum ProcessCPU {
    static func seconds() -> Double {
        var usage = rusage()
        guard getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage) == 0 else { return 0 }
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}
