/// RR: receiver report (RFC 3550 §6.4.2), PT 201: the reporter's SSRC and up to
/// 31 report blocks. An RR with no blocks is what a receive-only endpoint puts
/// first in a compound packet.
public struct ReceiverReport: Sendable, Equatable {
    /// The most report blocks one packet can carry (5-bit RC).
    public static let maxReportBlocks = 31

    /// SSRC of the packet sender.
    public var ssrc: UInt32
    public var reportBlocks: [ReportBlock]

    public init(ssrc: UInt32, reportBlocks: [ReportBlock] = []) {
        self.ssrc = ssrc
        self.reportBlocks = reportBlocks
    }

    /// Parses one RR packet; profile-specific extensions are ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.receiverReport)
        guard body.count >= 4 else { throw .tooShort }
        ssrc = bytes.bigEndianUInt32(at: body.lowerBound)
        reportBlocks = try ReportBlock.parseBlocks(bytes, count: Int(header.count), at: body.lowerBound + 4,
                                                   end: body.upperBound)
    }

    /// Appends the packet (at most `maxReportBlocks` blocks; the rest are dropped).
    public func append(to bytes: inout [UInt8]) {
        let blocks = reportBlocks.prefix(Self.maxReportBlocks)
        let start = RTCPHeader.beginPacket(count: UInt8(blocks.count), packetType: RTCPPacketType.receiverReport, in: &bytes)
        bytes.appendBigEndian(ssrc)
        for block in blocks { block.append(to: &bytes) }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
