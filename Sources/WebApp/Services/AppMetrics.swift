import Foundation
import Prometheus

/// Parley's Prometheus metrics, on a registry owned by the server (not a
/// process-wide global), exposed at `GET /metrics`.
public struct AppMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
    }

    func httpRequests(method: String, status: Int) -> Counter {
        registry.makeCounter(
            name: "parley_http_requests_total", labels: [("method", method), ("status", String(status))],
            help: "HTTP requests answered, by method and status.")
    }

    var httpDuration: DurationHistogram {
        registry.makeDurationHistogram(
            name: "parley_http_request_duration_seconds", labels: [],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2)],
            help: "Time to answer an HTTP request.")
    }

    var signalingErrors: Counter {
        registry.makeCounter(name: "parley_signaling_errors_total", labels: [], help: "Malformed or refused signaling messages.")
    }

    var signUps: Counter { registry.makeCounter(name: "parley_signups_total", labels: [], help: "Accounts created.") }

    func signIns(result: String) -> Counter {
        registry.makeCounter(name: "parley_signins_total", labels: [("result", result)], help: "Sign-in attempts by result.")
    }

    func meetingsCreated(kind: String) -> Counter {
        registry.makeCounter(name: "parley_meetings_created_total", labels: [("kind", kind)], help: "Meetings created by kind.")
    }

    var remindersSent: Counter {
        registry.makeCounter(name: "parley_reminders_sent_total", labels: [], help: "Meeting reminders stored and pushed.")
    }

    var liveConnections: Gauge {
        registry.makeGauge(name: "parley_live_connections", labels: [], help: "Open notification WebSockets.")
    }

    func render() -> String { registry.emitToString() }
}
