/// SR: sender report (RFC 3550 §6.4.1), PT 200.
///
/// ```
/// |V=2|P|    RC   |   PT=SR=200   |             length            |
/// |                         SSRC of sender                        |
/// |              NTP timestamp, most significant word             |
/// |             NTP timestamp, least significant word             |
/// |                         RTP timestamp                         |
/// |                     sender's packet count                     |
/// |                      sender's octet count                     |
/// |                 report blocks (RC × 24 bytes) …               |
/// ```
public struct SenderReport: Sendable, Equatable {
    /// The most report blocks one packet can carry (5-bit RC).
    public static let maxReportBlocks = 31

    public var ssrc: UInt32
    /// 64-bit NTP timestamp (seconds since 1900 in the high word, fraction low).
    public var ntpTimestamp: UInt64
    /// The same instant in the RTP clock of the sender's stream.
    public var rtpTimestamp: UInt32
    public var packetCount: UInt32
    public var octetCount: UInt32
    public var reportBlocks: [ReportBlock]

    public init(ssrc: UInt32, ntpTimestamp: UInt64, rtpTimestamp: UInt32, packetCount: UInt32,
                octetCount: UInt32, reportBlocks: [ReportBlock] = []) {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
        self.reportBlocks = reportBlocks
    }

    /// Parses one SR packet. Profile-specific extensions after the report blocks
    /// are ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.senderReport)
        let start = body.lowerBound
        guard body.count >= 24 else { throw .tooShort }
        ssrc = bytes.bigEndianUInt32(at: start)
        ntpTimestamp = bytes.bigEndianUInt64(at: start + 4)
        rtpTimestamp = bytes.bigEndianUInt32(at: start + 12)
        packetCount = bytes.bigEndianUInt32(at: start + 16)
        octetCount = bytes.bigEndianUInt32(at: start + 20)
        reportBlocks = try ReportBlock.parseBlocks(bytes, count: Int(header.count), at: start + 24, end: body.upperBound)
    }

    /// The middle 32 bits of the NTP timestamp: what receivers echo as LSR.
    public var compactNTP: UInt32 { UInt32(truncatingIfNeeded: ntpTimestamp >> 16) }

    /// Appends the packet (at most `maxReportBlocks` blocks; the rest are dropped).
    public func append(to bytes: inout [UInt8]) {
        let blocks = reportBlocks.prefix(Self.maxReportBlocks)
        let start = RTCPHeader.beginPacket(count: UInt8(blocks.count), packetType: RTCPPacketType.senderReport, in: &bytes)
        bytes.appendBigEndian(ssrc)
        bytes.appendBigEndian(ntpTimestamp)
        bytes.appendBigEndian(rtpTimestamp)
        bytes.appendBigEndian(packetCount)
        bytes.appendBigEndian(octetCount)
        for block in blocks { block.append(to: &bytes) }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
