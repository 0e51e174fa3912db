import Logging
import NIOCore
import Synchronization

/// Counters for /metrics (`parley_gateway_*`): calls, refusals, dropped
/// RTP by reason. Drops are logged at most once per 10 s per reason.
final class GatewayMetrics: Sendable {
    private let state = Mutex<(counts: [String: Int], dropped: [String: Int], lastLogged: [String: NIODeadline])>(([:], [:], [:]))
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func count(_ name: String, by n: Int = 1) { state.withLock { $0.counts[name, default: 0] += n } }

    func dropped(reason: String) {
        let shouldLog = state.withLock { s -> Int? in
            s.dropped[reason, default: 0] += 1
            let now = NIODeadline.now()
            if let last = s.lastLogged[reason], now - last < .seconds(10) { return nil }
            s.lastLogged[reason] = now
            return s.dropped[reason]
        }
        if let count = shouldLog {
            logger.notice("dropped an RTP packet from a phone", metadata: ["reason": "\(reason)", "count": "\(count)"])
        }
    }

    var counts: [String: Int] { state.withLock { $0.counts } }
    var droppedPackets: [String: Int] { state.withLock { $0.dropped } }
}
