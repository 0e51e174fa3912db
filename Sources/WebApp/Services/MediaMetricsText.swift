import SFU

/// The media plane's counters in Prometheus text format. They are read from
/// the media event loop at scrape time (the packet path keeps plain integers,
/// no shared counters), so they are rendered here rather than registered.
enum MediaMetricsText {
    static func render(_ media: MediaNode) async -> String {
        let s = await media.statistics()
        let dropped = await media.droppedPackets()
        var out = ""
        func metric(_ name: String, _ type: String, _ help: String, _ value: Int) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n\(name) \(value)\n"
        }
        metric("parley_media_rooms", "gauge", "Rooms with media on this node.", s.routers)
        metric("parley_media_transports", "gauge", "WebRTC transports (two per browser).", s.transports)
        metric("parley_media_transports_connected", "gauge", "Transports with ICE and DTLS up.", s.connectedTransports)
        metric("parley_media_producers", "gauge", "Incoming tracks.", s.producers)
        metric("parley_media_consumers", "gauge", "Outgoing copies of tracks.", s.consumers)
        metric("parley_media_piped_producers", "gauge", "Copies of tracks from another media loop (rooms spanning loops).", s.pipedProducers)
        metric("parley_media_tcp_connections", "gauge", "Open ICE-TCP connections to the media port.", s.tcpConnections)
        metric("parley_media_packets_received_total", "counter", "UDP datagrams and ICE-TCP frames received on the media port.", s.packetsReceived)
        metric("parley_media_packets_forwarded_total", "counter", "RTP packets sent to subscribers.", s.packetsForwarded)
        metric("parley_media_datagrams_sent_total", "counter", "Forwarded datagrams sent in batches from the media port.", s.datagramsSent)
        metric("parley_media_datagram_sends_total", "counter",
               "Messages those datagrams went to the kernel in: a segmented send (UDP GSO) carries a subscriber's run of equal-sized packets.",
               s.datagramMessagesSent)
        metric("parley_media_keyframe_requests_total", "counter", "PLIs sent to publishers.", s.keyframeRequests)
        metric("parley_media_nacks_received_total", "counter", "NACKs received from subscribers.", s.nacksReceived)
        metric("parley_media_nacks_sent_total", "counter", "NACKs sent to publishers for packets lost on the way in.", s.nacksSent)
        metric("parley_media_retransmissions_total", "counter", "Packets resent from the cache.", s.retransmissions)
        out += "# HELP parley_media_dropped_packets_total Malformed or unexpected packets dropped, by protocol and reason.\n"
        out += "# TYPE parley_media_dropped_packets_total counter\n"
        for (key, count) in dropped.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "/", maxSplits: 1).map { $0.replacingOccurrences(of: "\"", with: "'") }
            out += "parley_media_dropped_packets_total{kind=\"\(parts[0])\",reason=\"\(parts.count > 1 ? parts[1] : "")\"} \(count)\n"
        }
        out += loopLines(await media.loopStatistics())
        return out
    }

    /// Each media loop's load: CPU time, how late its 20 ms tick runs (the
    /// sign of a loop with more work than time), and its share of the rooms
    /// and packets. `loop` is the index the logs show as "media-<index>".
    static func loopLines(_ loops: [MediaLoopStatistics]) -> String {
        var out = ""
        func family(_ name: String, _ type: String, _ help: String, _ value: (MediaLoopStatistics) -> String) {
            out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
            for loop in loops { out += "\(name){loop=\"\(loop.index)\"} \(value(loop))\n" }
        }
        family("parley_media_loop_cpu_seconds_total", "counter", "CPU time of each media loop's thread.") { "\($0.cpuSeconds)" }
        family("parley_media_loop_tick_lateness_seconds", "gauge", "How late each media loop's latest 20 ms tick ran.") {
            "\($0.tickLatenessSeconds)"
        }
        family("parley_media_loop_tick_lateness_worst_seconds", "gauge", "The worst tick lateness of each media loop since the last scrape.") {
            "\($0.worstTickLatenessSeconds)"
        }
        family("parley_media_loop_rooms", "gauge", "Rooms placed on each media loop.") { "\($0.statistics.routers)" }
        family("parley_media_loop_transports", "gauge", "Transports on each media loop.") { "\($0.statistics.transports)" }
        family("parley_media_loop_packets_received_total", "counter", "Packets received by each media loop.") {
            "\($0.statistics.packetsReceived)"
        }
        family("parley_media_loop_packets_forwarded_total", "counter", "RTP packets each media loop sent to subscribers.") {
            "\($0.statistics.packetsForwarded)"
        }
        family("parley_media_loop_packets_piped_total", "counter", "RTP packets each media loop took from pipes from other loops.") {
            "\($0.statistics.packetsPiped)"
        }
        family("parley_media_loop_busy_ratio", "gauge", "Each media loop's CPU share over the last second (placement spills rooms past 0.7).") {
            "\($0.busyShare)"
        }
        return out
    }
}
