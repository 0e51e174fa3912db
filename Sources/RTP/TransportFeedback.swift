/// Transport-wide congestion control feedback
/// (draft-holmer-rmcat-transport-wide-cc-extensions-01 §3.1), RTPFB (PT 205)
/// FMT 15: for a run of transport-wide sequence numbers
/// (`TransportWideSequenceNumber`), whether each packet arrived and when.
///
/// ```
/// |V=2|P|  FMT=15 |    PT=205     |           length              |
/// |                     SSRC of packet sender                     |
/// |                      SSRC of media source                     |
/// |      base sequence number     |      packet status count      |
/// |                 reference time                | fb pkt. count |
/// |          packet chunk         |         packet chunk          |  …
/// |         recv delta            |  recv delta   | …  padding    |
/// ```
/// Packet chunks carry one status symbol per packet (§3.1.1: 00 not received,
/// 01 received with a small delta, 10 received with a large or negative delta,
/// 11 reserved) as run-length chunks (§3.1.3) or status vector chunks of 14
/// one-bit or 7 two-bit symbols (§3.1.4). Then comes one receive delta per
/// received packet (§3.1.5), in 250 µs units: one unsigned byte for a small
/// delta (0...63.75 ms), two signed bytes for a large one. The first delta is
/// relative to the reference time, each later one to the previous received
/// packet.
///
/// The encoder is in `TransportFeedback+Encoding.swift`.
public struct TransportFeedback: Sendable, Equatable {
    /// The delta unit on the wire.
    public static let deltaUnitMicros: Int64 = 250
    /// The reference time unit on the wire.
    public static let referenceTimeUnitMicros: Int64 = 64_000
    /// The 24-bit signed range of `referenceTime`.
    public static let referenceTimeRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// The transport-wide sequence number of the first packet described.
    public var baseSequence: UInt16
    /// 24-bit signed, in 64 ms units, on a clock of the feedback sender's choosing.
    public var referenceTime: Int32
    /// Counts feedback packets, so the media sender can detect lost feedback.
    public var feedbackPacketCount: UInt8
    /// One entry per packet from `baseSequence` on: its transport-wide sequence
    /// number and, if it arrived, its receive delta in µs (a multiple of 250 as
    /// parsed; rounded to one when written) — relative to the reference time for
    /// the first received packet and to the previous received packet after that.
    /// nil = not received. When writing, sequence numbers must increase from
    /// `baseSequence` (wrapping); gaps are written as not received, and entries
    /// out of order are skipped.
    public var packets: [(sequence: UInt16, receivedDeltaMicros: Int64?)]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, baseSequence: UInt16, referenceTime: Int32,
                feedbackPacketCount: UInt8, packets: [(sequence: UInt16, receivedDeltaMicros: Int64?)]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.baseSequence = baseSequence
        self.referenceTime = referenceTime
        self.feedbackPacketCount = feedbackPacketCount
        self.packets = packets
    }

    /// Parses one transport-wide feedback packet. Status symbols in the last
    /// chunk beyond the packet status count are ignored, as are bytes after the
    /// last delta (zero padding without the P bit).
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (_, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.rtpFeedback,
                                            format: RTCPFeedbackFormat.transportWideCC)
        let start = body.lowerBound
        let end = body.upperBound
        guard body.count >= 16 else { throw .tooShort }
        senderSSRC = bytes.bigEndianUInt32(at: start)
        mediaSSRC = bytes.bigEndianUInt32(at: start + 4)
        baseSequence = bytes.bigEndianUInt16(at: start + 8)
        let statusCount = Int(bytes.bigEndianUInt16(at: start + 10))
        referenceTime = Int32(bitPattern: bytes.bigEndianUInt24(at: start + 12) << 8) >> 8
        feedbackPacketCount = bytes[start + 15]

        // Packet chunks until every packet has a status symbol (0 = not received).
        var symbols = [UInt8](repeating: 0, count: statusCount)
        var filled = 0
        var offset = start + 16
        while filled < statusCount {
            guard offset + 2 <= end else { throw .badFeedback }
            let chunk = bytes.bigEndianUInt16(at: offset)
            offset += 2
            let remaining = statusCount - filled
            if chunk & 0x8000 == 0 {
                // §3.1.3 run length chunk: T=0 | S (2 bits) | run length (13 bits).
                let symbol = UInt8(truncatingIfNeeded: chunk >> 13) & 0x03
                let run = min(Int(chunk & 0x1FFF), remaining)
                if symbol != 0 {
                    for index in filled..<filled + run { symbols[index] = symbol }
                }
                filled += run
            } else if chunk & 0x4000 == 0 {
                // §3.1.4 status vector chunk, S=0: 14 one-bit symbols.
                for index in 0..<min(14, remaining) {
                    symbols[filled + index] = UInt8(truncatingIfNeeded: chunk >> (13 - index)) & 0x01
                }
                filled += min(14, remaining)
            } else {
                // S=1: 7 two-bit symbols.
                for index in 0..<min(7, remaining) {
                    symbols[filled + index] = UInt8(truncatingIfNeeded: chunk >> (12 - 2 * index)) & 0x03
                }
                filled += min(7, remaining)
            }
        }

        // Receive deltas, one per received packet. Built in place: a packet may
        // describe 65535 statuses, and appending one by one costs several times more.
        let base = baseSequence
        var failed = false
        packets = symbols.withUnsafeBufferPointer { symbols in
            [(sequence: UInt16, receivedDeltaMicros: Int64?)](unsafeUninitializedCapacity: statusCount) { buffer, count in
                for index in 0..<statusCount {
                    let sequence = base &+ UInt16(truncatingIfNeeded: index)
                    let delta: Int64?
                    switch symbols[index] {
                    case 0:
                        delta = nil
                    case 1 where offset + 1 <= end:
                        delta = Int64(bytes[offset]) * Self.deltaUnitMicros
                        offset += 1
                    case 2 where offset + 2 <= end:
                        delta = Int64(Int16(bitPattern: bytes.bigEndianUInt16(at: offset))) * Self.deltaUnitMicros
                        offset += 2
                    default:
                        // 11 is reserved, or the deltas end early.
                        failed = true
                        return
                    }
                    buffer.initializeElement(at: index, to: (sequence, delta))
                    count = index + 1
                }
            }
        }
        if failed { throw .badFeedback }
    }

    public static func == (lhs: TransportFeedback, rhs: TransportFeedback) -> Bool {
        lhs.senderSSRC == rhs.senderSSRC && lhs.mediaSSRC == rhs.mediaSSRC
            && lhs.baseSequence == rhs.baseSequence && lhs.referenceTime == rhs.referenceTime
            && lhs.feedbackPacketCount == rhs.feedbackPacketCount
            && lhs.packets.elementsEqual(rhs.packets) { $0.sequence == $1.sequence && $0.receivedDeltaMicros == $1.receivedDeltaMicros }
    }

    /// The arrival time of every received packet in µs on the feedback sender's
    /// clock (reference time × 64 ms plus the running sum of deltas).
    public var arrivalTimesMicros: [(sequence: UInt16, arrivalMicros: Int64)] {
        var time = Int64(referenceTime) * Self.referenceTimeUnitMicros
        var result: [(sequence: UInt16, arrivalMicros: Int64)] = []
        for packet in packets {
            guard let delta = packet.receivedDeltaMicros else { continue }
            time &+= delta
            result.append((packet.sequence, time))
        }
        return result
    }
}
