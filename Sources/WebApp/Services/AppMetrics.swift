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
        counter("parley_http_requests_total", labels: [("method", method), ("status", String(status))],
            help: "HTTP requests answered, by method and status.")
    }

    var httpDuration: DurationHistogram {
        durationHistogram("parley_http_request_duration_seconds", labels: [],
            buckets: [.milliseconds(1), .milliseconds(5), .milliseconds(20), .milliseconds(100), .milliseconds(500), .seconds(2)],
            help: "Time to answer an HTTP request.")
    }

    var signalingErrors: Counter {
        counter("parley_signaling_errors_total", labels: [], help: "Malformed or refused signaling messages.")
    }

    /// Signaling sockets this node relayed to the node that runs their meeting.
    var signalingRelayed: Counter {
        counter("parley_signaling_relayed_total", labels: [],
                help: "Signaling sockets relayed to the cluster node that runs their meeting.")
    }

    /// Sockets closed because their client fell too far behind to stay in step.
    func slowSocketsClosed(socket: String) -> Counter {
        counter("parley_websocket_slow_clients_closed_total", labels: [("socket", socket)],
                help: "WebSockets closed because the client stopped reading and its queue filled (signaling, live).")
    }

    var signUps: Counter { counter("parley_signups_total", labels: [], help: "Accounts created.") }

    func signIns(result: String) -> Counter {
        counter("parley_signins_total", labels: [("result", result)], help: "Sign-in attempts by result.")
    }

    func meetingsCreated(kind: String) -> Counter {
        counter("parley_meetings_created_total", labels: [("kind", kind)], help: "Meetings created by kind.")
    }

    var remindersSent: Counter {
        counter("parley_reminders_sent_total", labels: [], help: "Meeting reminders stored and pushed.")
    }

    var liveConnections: Gauge {
        gauge("parley_live_connections", labels: [], help: "Open notification WebSockets.")
    }

    func render() -> String { registry.emitToString() }

    // MARK: - Metrics by their full Prometheus names

    /// The counter `name` (e.g. `parley_http_requests_total`) with these labels.
    public func counter(_ name: String, labels: [(String, String)] = [], help: String) -> Counter {
        registry.makeCounter(descriptor: .named(name, help: help), labels: labels)
    }

    /// The gauge `name` with these labels.
    public func gauge(_ name: String, labels: [(String, String)] = [], help: String) -> Gauge {
        registry.makeGauge(descriptor: .named(name, help: help), labels: labels)
    }

    /// The histogram of durations `name` with these labels and buckets.
    func durationHistogram(_ name: String, labels: [(String, String)] = [], buckets: [Duration], help: String) -> DurationHistogram {
        registry.makeDurationHistogram(descriptor: .named(name, help: help), labels: labels, buckets: buckets)
    }
}

extension MetricNameDescriptor {
    /// A metric by its full name: Parley's names already carry their
    /// namespace and unit (`parley_http_requests_total`).
    static func named(_ name: String, help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(metricName: name, unitName: "", helpText: help)
    }
}
