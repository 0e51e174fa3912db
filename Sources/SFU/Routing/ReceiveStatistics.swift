import NIOCore
import RTP

/// RFC 3550 §6.4.1 / App. A.3 and A.8 reception statistics of one incoming
/// RTP stream, for the receiver reports Parley sends to publishers.
struct ReceiveStatistics {
    private var unwrapper = SequenceNumberUnwrapper()
    private(set) var baseSequence: Int64?
    private(set) var highestSequence: Int64 = 0
    private(set) var received: Int64 = 0
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    private var transit: Int64?
    private(set) var jitter: Double = 0
    /// The middle 32 bits of the last sender report's NTP time and when it arrived (for LSR/DLSR).
    var lastSenderReport: (middleNTP: UInt32, receivedAt: NIODeadline)?
    /// Bytes received, for the layer's bitrate estimate.
    private(set) var bytes: Int64 = 0

    /// Records one packet; returns its extended sequence number.
    @discardableResult
    mutating func record(sequence: UInt16, timestamp: UInt32, clockRate: UInt32, arrival: NIODeadline, size: Int) -> Int64 {
        let extended = unwrapper.unwrap(sequence)
        if baseSequence == nil { baseSequence = extended; highestSequence = extended }
        if extended > highestSequence { highestSequence = extended }
        received += 1
        bytes += Int64(size)
        // Interarrival jitter (RFC 3550 §6.4.1), in timestamp units.
        let arrivalUnits = Int64(arrival.uptimeNanoseconds / 1000) * Int64(clockRate) / 1_000_000
        let t = arrivalUnits - Int64(timestamp)
        if let previous = transit {
            let d = abs(t - previous)
            jitter += (Double(d) - jitter) / 16
        }
        transit = t
        return extended
    }

    /// The extended sequence number of a packet without counting it (for
    /// retransmissions: counting them would make the reported loss negative).
    func extendedSequence(_ sequence: UInt16) -> Int64 { unwrapper.peek(sequence) }

    /// A report block for this stream, advancing the "since last report" counters.
    mutating func reportBlock(ssrc: UInt32, now: NIODeadline) -> ReportBlock? {
        guard let base = baseSequence else { return nil }
        let expected = highestSequence - base + 1
        let lost = expected - received
        let expectedInterval = expected - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction: UInt8 = (expectedInterval == 0 || lostInterval <= 0) ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        var lsr: UInt32 = 0, dlsr: UInt32 = 0
        if let sr = lastSenderReport {
            lsr = sr.middleNTP
            let elapsed = now.uptimeNanoseconds &- sr.receivedAt.uptimeNanoseconds
            dlsr = UInt32(truncatingIfNeeded: elapsed * 65536 / 1_000_000_000)  // 1/65536 s units
        }
        return ReportBlock(
            ssrc: ssrc, fractionLost: fraction,
            cumulativeLost: Int32(clamping: max(-0x800000, min(0x7FFFFF, lost))),
            highestSequence: UInt32(truncatingIfNeeded: highestSequence),
            jitter: UInt32(jitter), lastSR: lsr, delaySinceLastSR: dlsr)
    }
}
