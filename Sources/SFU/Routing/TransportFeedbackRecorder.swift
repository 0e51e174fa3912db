import RTP

/// Arrival times of a publisher's packets by transport-wide sequence number,
/// turned into transport-cc feedback (draft-holmer-rmcat-transport-wide-cc-
/// extensions-01 §3.1) so the browser's send-side congestion control can
/// ramp its bitrate up (and back off on queueing delay).
struct TransportFeedbackRecorder {
    private var unwrapper = SequenceNumberUnwrapper()
    /// Arrivals not reported yet, in microseconds, keyed by unwrapped sequence.
    private var arrivals: [Int64: Int64] = [:]
    /// First sequence number the next feedback starts at.
    private var nextSequence: Int64?
    private var feedbackCount: UInt8 = 0

    var hasPending: Bool { !arrivals.isEmpty }

    mutating func record(sequence: UInt16, arrivalMicros: Int64) {
        let s = unwrapper.unwrap(sequence)
        if let next = nextSequence, s < next { return }  // already reported (a late duplicate)
        if nextSequence == nil { nextSequence = s }
        arrivals[s] = arrivalMicros
        // A runaway gap (a restart, a bogus packet) would make one huge
        // feedback; start again from what we have.
        if let next = nextSequence, s - next > 8192 {
            arrivals = arrivals.filter { $0.key >= s - 1024 }
            nextSequence = arrivals.keys.min()
        }
    }

    /// Builds the feedback for everything recorded since the last one.
    mutating func makeFeedback(senderSSRC: UInt32, mediaSSRC: UInt32) -> TransportFeedback? {
        guard let first = nextSequence, let last = arrivals.keys.max() else { return nil }
        // The reference time is the arrival of the first received packet,
        // rounded down to 64 ms (§3.1: "reference time" in multiples of 64 ms).
        let firstReceived = (first...last).first { arrivals[$0] != nil }!
        let reference = arrivals[firstReceived]! / 64_000
        var previous = reference * 64_000
        var packets: [(sequence: UInt16, receivedDeltaMicros: Int64?)] = []
        packets.reserveCapacity(Int(last - first + 1))
        for s in first...last {
            if let t = arrivals[s] {
                packets.append((UInt16(truncatingIfNeeded: s), t - previous))
                previous = t
            } else {
                packets.append((UInt16(truncatingIfNeeded: s), nil))
            }
        }
        arrivals.removeAll(keepingCapacity: true)
        nextSequence = last + 1
        defer { feedbackCount &+= 1 }
        return TransportFeedback(
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC,
            baseSequence: UInt16(truncatingIfNeeded: first),
            referenceTime: Int32(truncatingIfNeeded: reference & 0xFFFFFF),
            feedbackPacketCount: feedbackCount,
            packets: packets)
    }
}
