import NIOCore

/// Packets of one incoming video stream that went missing on the way to
/// Parley, and when to ask for them again (RFC 4585 §6.2.1 generic NACK,
/// answered by the browser with RFC 4588 retransmissions).
///
/// A gap larger than `maximumGap` is not chased (a restart or a long
/// outage: a keyframe is cheaper); each missing packet is asked for at most
/// `maximumTries` times, `retryInterval` apart, and forgotten once it arrives.
struct LossRecovery {
    static let maximumGap: Int64 = 100
    static let maximumTries = 3
    static let retryInterval = TimeAmount.milliseconds(100)
    /// Nothing older than this many packets behind the newest is chased.
    static let horizon: Int64 = 512

    private var pending: [Int64: (askedAt: NIODeadline, tries: Int)] = [:]
    private var newest: Int64 = 0

    var pendingCount: Int { pending.count }

    /// A packet arrived (first time or retransmitted): stop asking for it.
    mutating func received(_ sequence: Int64) {
        if !pending.isEmpty { pending[sequence] = nil }
        if sequence > newest { newest = sequence }
    }

    /// A packet arrived `to` after the highest so far `from`: the sequence
    /// numbers in between are lost. Returns them to ask for now.
    mutating func gap(from: Int64, to: Int64, now: NIODeadline) -> [UInt16]? {
        let missing = to - from - 1
        guard missing > 0, missing <= Self.maximumGap else { return nil }
        var lost: [UInt16] = []
        for s in (from + 1)..<to {
            pending[s] = (now, 1)
            lost.append(UInt16(truncatingIfNeeded: s))
        }
        return lost
    }

    /// The packets to ask for again now; drops the ones asked for too often
    /// or too far behind.
    mutating func retries(now: NIODeadline) -> [UInt16] {
        guard !pending.isEmpty else { return [] }
        var again: [UInt16] = []
        for (s, state) in pending {
            if state.tries >= Self.maximumTries || newest - s > Self.horizon {
                pending[s] = nil
            } else if now - state.askedAt >= Self.retryInterval {
                pending[s] = (now, state.tries + 1)
                again.append(UInt16(truncatingIfNeeded: s))
            }
        }
        return again.sorted()
    }
}
