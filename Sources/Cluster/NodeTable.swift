import Foundation
import Store

/// `parley node list` as text: one line per node, the state an operator
/// set and what its heartbeats say (alive, or silent for how long).
public enum NodeTable {
    /// A node is alive while its last heartbeat is younger than this many intervals.
    public static let aliveIntervals = 3.0

    public static func isAlive(_ node: NodeRecord, now: Date, interval: TimeInterval) -> Bool {
        now.timeIntervalSince1970 * 1000 - Double(node.heartbeatAt) <= aliveIntervals * interval * 1000
    }

    public static func render(_ nodes: [NodeRecord], now: Date, interval: TimeInterval) -> String {
        guard !nodes.isEmpty else { return "No nodes have registered in this database.\n" }
        let header = ["NAME", "STATE", "HEARTBEAT", "CPU", "PKT/S", "PEOPLE", "ROOMS", "CALLS", "REC", "CAPACITY", "HTTP", "MEDIA", "SIP", "ID"]
        var rows = [header]
        for node in nodes {
            let silent = Int((now.timeIntervalSince1970 * 1000 - Double(node.heartbeatAt)) / 1000)
            let heartbeat = isAlive(node, now: now, interval: interval) ? "alive" : "silent \(silent) s"
            rows.append([node.name, node.state.rawValue, heartbeat, String(format: "%.0f%%", Double(node.cpuPermille) / 10),
                         "\(node.packetsPerSecond)", "\(node.participants)", "\(node.rooms)", "\(node.calls)", "\(node.recordings)",
                         node.capacity > 0 ? "\(node.capacity)" : "-", node.httpUrl, node.mediaAddress,
                         node.sipAddress.isEmpty ? "-" : node.sipAddress, String(node.id.prefix(8))])
        }
        let widths = header.indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { $0.element.padding(toLength: widths[$0.offset], withPad: " ", startingAt: 0) }
                .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
        }.joined(separator: "\n") + "\n"
    }
}
