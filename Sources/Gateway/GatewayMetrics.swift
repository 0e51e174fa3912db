import Logging
import NIOCore
import Synchronization

/// Counters for /metrics (`parley_gateway_*`): calls, refusals by reason,
/// dropped RTP by reason. Drops and refusals are logged at most once per
/// 10 s per reason (a flood must not become a flood of log lines).
final class GatewayMetrics: Sendable {
    private struct State {
        var counts: [String: Int] = [:]
        var dropped: [String: Int] = [:]
        var refused: [String: Int] = [:]
        var registered: [String: Bool] = [:]
        var lastLogged: [String: NIODeadline] = [:]
    }
    private let state = Mutex(State())
    let logger: Logger

    init(logger: Logger) { self.logger = logger }

    func count(_ name: String, by n: Int = 1) { state.withLock { $0.counts[name, default: 0] += n } }

    func dropped(reason: String) {
        let shouldLog = state.withLock { s -> Int? in
            s.dropped[reason, default: 0] += 1
            return Self.due("d/" + reason, in: &s) ? s.dropped[reason] : nil
        }
        if let count = shouldLog {
            logger.notice("dropped an RTP packet from a phone", metadata: ["reason": "\(reason)", "count": "\(count)"])
        }
    }

    /// An INVITE refused before it became a call (503, or 403 when no trunk
    /// vouches for it): counted by reason, and a log line per reason at most
    /// every 10 s with the count so far.
    func refused(_ reason: String, explanation: String, source: String, status: Int = 503) {
        let shouldLog = state.withLock { s -> Int? in
            s.refused[reason, default: 0] += 1
            return Self.due("r/" + reason, in: &s) ? s.refused[reason] : nil
        }
        if let count = shouldLog {
            logger.notice("refused a call with \(status): \(explanation)",
                          metadata: ["reason": "\(reason)", "source": "\(source)", "refused_so_far": "\(count)"])
        }
    }

    /// True (and remembered) when the last log line for `key` is 10 s old.
    private static func due(_ key: String, in s: inout State) -> Bool {
        let now = NIODeadline.now()
        if let last = s.lastLogged[key], now - last < .seconds(10) { return false }
        s.lastLogged[key] = now
        return true
    }

    var counts: [String: Int] { state.withLock { $0.counts } }
    var droppedPackets: [String: Int] { state.withLock { $0.dropped } }
    var refusals: [String: Int] { state.withLock { $0.refused } }

    /// Whether each registering trunk's last REGISTER succeeded.
    func registration(trunk: String, succeeded: Bool) { state.withLock { $0.registered[trunk] = succeeded } }
    var registrations: [String: Bool] { state.withLock { $0.registered } }
}
