import Hummingbird
import NIOCore
import Prometheus

extension Router where Context == AppRequestContext {
    /// `GET /metrics`: Prometheus text exposition of the process's swift-metrics, including
    /// Hummingbird's per-route request counters and latency histograms.
    func addMetricsRoute(registry: PrometheusCollectorRegistry) {
        get("metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
