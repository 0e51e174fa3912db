import RTP

/// A subscriber's view of one incoming RTP stream: loss from sequence gaps
/// (RFC 3550 §A.3), interarrival jitter (§A.8), which packets to NACK and
/// when (RFC 4585 §6.2.1), and whether a keyframe must be asked for with a
/// PLI (§6.3.1). Times are seconds on one monotonic clock.
public struct ReceiveStream: Sendable {
    public let ssrc: UInt32
    public let isVideo: Bool
    public let clockRate: Double
    /// Whether the m-line negotiated `a=rtcp-fb:… nack` (RFC 4585 §4.2);
    /// browsers NACK video but not Opus.
    public let nacks: Bool
    var unwrapper = SequenceNumberUnwrapper()
    public private(set) var base: Int64?
    public private(set) var highest: Int64 = 0
    /// Unique packets received.
    public private(set) var received = 0
    public private(set) var duplicates = 0
    /// Every sequence number ever found missing (before repair).
    public private(set) var gaps = 0
    /// Missing sequence numbers: when first missed, when last NACKed, how often.
    var missing: [Int64: (since: Double, lastNACK: Double?, count: Int)] = [:]
    /// Sequence numbers seen recently, to tell a late or repaired packet from a duplicate.
    var recent = Set<Int64>()
    var jitter = 0.0
    var lastTransit: Double?
    var expectedPrior = 0
    var receivedPrior = 0
    var lastSR: (compact: UInt32, at: Double)?
    /// Video: no keyframe yet, or a loss was given up on.
    public private(set) var needsKeyframe: Bool
    var firstPacketAt: Double?
    var lastPLIAt: Double?

    /// NACK again after this long without the packet (about an RTT with margin on loopback).
    public static let nackInterval = 0.1
    public static let maximumNACKs = 10
    /// A missing packet not repaired within this long is lost for good.
    public static let giveUpAfter = 1.0
    /// Gaps longer than this are not NACKed packet by packet (a restart, not loss).
    public static let maximumGap: Int64 = 1000

    public init(ssrc: UInt32, isVideo: Bool, clockRate: Double, nacks: Bool = true) {
        self.ssrc = ssrc
        self.isVideo = isVideo
        self.clockRate = clockRate
        self.nacks = nacks
        self.needsKeyframe = isVideo
    }

    /// Packets expected from the sequence numbers so far (RFC 3550 §A.3).
    public var expected: Int { base.map { Int(highest - $0 + 1) } ?? 0 }
    /// Expected but not received, never negative.
    public var lost: Int { max(0, expected - received) }

    /// One packet arrived at `arrival` seconds. `keyframe` when it starts a
    /// VP8 key frame.
    public mutating func receive(sequenceNumber: UInt16, timestamp: UInt32, arrival: Double, keyframe: Bool) {
        let extended = unwrapper.unwrap(sequenceNumber)
        if firstPacketAt == nil { firstPacketAt = arrival }
        if keyframe { needsKeyframe = false }
        guard let start = base else {
            base = extended
            highest = extended
            received = 1
            recent.insert(extended)
            updateJitter(timestamp: timestamp, arrival: arrival)
            return
        }
        if extended > highest {
            let gap = extended - highest - 1
            if gap > 0 && gap <= Self.maximumGap {
                if nacks {
                    for s in (highest + 1)..<extended { missing[s] = (arrival, nil, 0) }
                } else if isVideo {
                    needsKeyframe = true  // nothing will repair it
                }
                gaps += Int(gap)
            } else if gap > Self.maximumGap {
                gaps += Int(gap)
            }
            highest = extended
            received += 1
            recent.insert(extended)
            updateJitter(timestamp: timestamp, arrival: arrival)
        } else if extended >= start {
            if missing.removeValue(forKey: extended) != nil || !recent.contains(extended) {
                received += 1
                recent.insert(extended)
            } else {
                duplicates += 1
            }
        } else {
            duplicates += 1
        }
        if recent.count > 4096 { recent = recent.filter { $0 > highest - 2048 } }
    }

    /// RFC 3550 §A.8: J += (|D| - J) / 16, in timestamp units.
    mutating func updateJitter(timestamp: UInt32, arrival: Double) {
        let transit = arrival * clockRate - Double(timestamp)
        if let last = lastTransit {
            var d = abs(transit - last)
            if d > clockRate * 100 { d = 0 }  // a timestamp wrap, not jitter
            jitter += (d - jitter) / 16
        }
        lastTransit = transit
    }

    /// The sequence numbers to NACK at `now`: newly missing ones, and ones
    /// NACKed more than `nackInterval` ago; packets missing for longer than
    /// `giveUpAfter` are dropped (and a video stream then needs a keyframe).
    public mutating func nackList(now: Double) -> [UInt16] {
        var list: [UInt16] = []
        for (sequence, entry) in missing {
            if now - entry.since > Self.giveUpAfter || entry.count >= Self.maximumNACKs {
                missing[sequence] = nil
                if isVideo { needsKeyframe = true }
                continue
            }
            if let last = entry.lastNACK, now - last < Self.nackInterval { continue }
            missing[sequence] = (entry.since, now, entry.count + 1)
            list.append(UInt16(truncatingIfNeeded: sequence))
        }
        return list.sorted { isNewer($1, than: $0) }
    }

    /// Whether to send a PLI now: a video stream without a decodable
    /// keyframe for 0.5 s after its first packet or after giving up on a
    /// loss, at most once a second (libwebrtc's pacing of PLIs).
    public mutating func wantsPLI(now: Double) -> Bool {
        guard isVideo, needsKeyframe, let first = firstPacketAt, now - first >= 0.5 else { return false }
        if let last = lastPLIAt, now - last < 1 { return false }
        lastPLIAt = now
        return true
    }

    /// The SR the SFU sent for this stream (RFC 3550 §6.4.1), for LSR/DLSR.
    public mutating func senderReport(compactNTP: UInt32, at arrival: Double) {
        lastSR = (compactNTP, arrival)
    }

    /// A report block for a receiver report (RFC 3550 §6.4.1, §A.3).
    public mutating func reportBlock(now: Double) -> ReportBlock {
        let expectedInterval = expected - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        let fraction = expectedInterval <= 0 || lostInterval <= 0 ? 0 : UInt8(min(255, (lostInterval << 8) / expectedInterval))
        let cumulative = Int32(clamping: min(Int(ReportBlock.cumulativeLostRange.upperBound), expected - received))
        let dlsr = lastSR.map { UInt32(min(Double(UInt32.max), (now - $0.at) * 65536)) } ?? 0
        return ReportBlock(ssrc: ssrc, fractionLost: fraction, cumulativeLost: cumulative,
                           highestSequence: UInt32(truncatingIfNeeded: highest), jitter: UInt32(jitter),
                           lastSR: lastSR?.compact ?? 0, delaySinceLastSR: dlsr)
    }
}
