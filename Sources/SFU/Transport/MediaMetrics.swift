import Logging
import NIOCore

/// Counters of the media plane, kept on its event loop (plain integers: no
/// lock or atomic on the packet path) and read as a snapshot.
final class MediaMetrics {
    var packetsReceived = 0
    var forwardedPackets = 0
    /// RTP packets that arrived through pipes from the node's other loops.
    var pipedPackets = 0
    var keyframeRequests = 0
    var nacksReceived = 0
    var nacksSent = 0
    /// Dropped packets by "kind/reason" (e.g. "rtp/tooShort", "stun/unknown_peer").
    private(set) var dropped: [String: Int] = [:]
    private var lastLogged: [String: NIODeadline] = [:]
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    /// Counts a dropped packet and logs it, at most once per 10 s per kind
    /// and reason, so a flood of junk cannot flood the log.
    func droppedPackets(kind: String, reason: String, count: Int = 1) {
        let key = kind + "/" + reason
        dropped[key, default: 0] += count
        let now = NIODeadline.now()
        if let last = lastLogged[key], now - last < .seconds(10) { return }
        lastLogged[key] = now
        logger.notice("dropped a malformed or unexpected packet", metadata: [
            "kind": "\(kind)", "reason": "\(reason)", "count": "\(dropped[key]!)",
        ])
    }

    var droppedTotal: Int { dropped.values.reduce(0, +) }
}
