import Foundation
import Gateway
import Logging
import NIOCore
import Rooms
import ServiceLifecycle
import Settings
import Store
import WebApp

/// Runs the phone gateway for as long as the server runs: starts SIP, copies
/// its figures to /metrics, and hangs every call up at shutdown.
struct GatewayService: Service {
    let gateway: PhoneGateway
    let metrics: AppMetrics

    func run() async throws {
        try await gateway.start()
        // /metrics: the gateway's figures, copied every few seconds until shutdown.
        let exporter = Task {
            var exported: [String: Int] = [:]
            while !Task.isCancelled {
                await export(&exported)
                try? await Task.sleep(for: .seconds(5))
            }
        }
        try? await gracefulShutdown()
        exporter.cancel()
        await gateway.stop()
    }

    /// Hands `add` what each of `values` gained since it was last exported
    /// (remembered in `exported` under `key` + its name).
    private func exportGrowth(_ values: [String: Int], key: String, into exported: inout [String: Int],
                              add: (String, Int64) -> Void) {
        for (name, value) in values {
            let delta = value - exported[key + name, default: 0]
            guard delta > 0 else { continue }
            exported[key + name] = value
            add(name, Int64(delta))
        }
    }

    /// Sets `parley_gateway_calls` and adds what the counters gained since the last export.
    private func export(_ exported: inout [String: Int]) async {
        let s = await gateway.statistics()
        metrics.gauge("parley_gateway_calls", help: "Phone calls in progress.").set(Double(s.activeCalls))
        metrics.gauge("parley_gateway_prompt_calls", help: "Callers in the meeting-code prompt without a meeting yet.")
            .set(Double(s.promptCalls))
        metrics.gauge("parley_gateway_tick_lateness_seconds", help: "How late the gateway loop's 20 ms mixing tick fires (smoothed).")
            .set(s.tickLateness)
        metrics.gauge("parley_gateway_tick_lateness_worst_seconds", help: "The latest 20 ms tick since the previous export.")
            .set(s.worstTickLateness)
        metrics.gauge("parley_gateway_loop_busy_ratio", help: "Share of one core the busiest gateway loop's thread uses.")
            .set(s.loopBusy)
        for (index, loop) in s.loops.enumerated() {
            let labels = [("loop", String(index))]
            metrics.gauge("parley_gateway_loop_calls", labels: labels, help: "Phone calls each gateway loop carries.").set(Double(loop.calls))
            metrics.gauge("parley_gateway_loop_tick_lateness_seconds", labels: labels,
                          help: "How late each gateway loop's 20 ms mixing tick fires (smoothed).").set(loop.tickLateness)
            metrics.gauge("parley_gateway_loop_cpu_ratio", labels: labels,
                          help: "Share of one core each gateway loop's thread uses.").set(loop.busy)
        }
        // Every rate is set, so a rate no room uses any more reads 0.
        for rate in [8_000, 16_000, 48_000] {
            metrics.gauge("parley_gateway_room_mixes", labels: [("rate_hz", String(rate))],
                          help: "Rooms with phones, by the rate their phones are mixed at (the widest caller's codec).")
                .set(Double(s.roomMixes[rate] ?? 0))
        }
        exportGrowth(s.refusals, key: "r/", into: &exported) { reason, delta in
            metrics.counter("parley_gateway_refused_total", labels: [("reason", reason)],
                            help: "INVITEs refused before they became calls (503; 403 for reason forbidden), by reason.")
                .increment(by: delta)
        }
        for (trunk, registered) in s.trunkRegistrations {
            metrics.gauge("parley_gateway_trunk_registered", labels: [("trunk", trunk)],
                          help: "1 while Parley's registration at the trunk stands, 0 after it failed.").set(Double(registered ? 1 : 0))
        }
        exportGrowth(s.counts, key: "c/", into: &exported) { name, delta in
            metrics.counter("parley_gateway_events_total", labels: [("event", name)],
                            help: "Phone gateway events: invites, refusals, DTMF keys, dial-outs, Opus packets.").increment(by: delta)
        }
        exportGrowth(s.droppedPackets, key: "d/", into: &exported) { reason, delta in
            metrics.counter("parley_gateway_dropped_rtp_total", labels: [("reason", reason)],
                            help: "RTP from phones dropped, by reason.").increment(by: delta)
        }
    }
}
