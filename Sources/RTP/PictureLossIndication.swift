/// PLI (RFC 4585 §6.3.1), PSFB (PT 206) FMT 1: the receiver lost picture data
/// and asks the sender for a key frame. No feedback control information.
public struct PictureLossIndication: Sendable, Equatable {
    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }

    /// Parses one PLI packet.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (_, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.payloadSpecificFeedback,
                                            format: RTCPFeedbackFormat.pictureLossIndication)
        guard body.count >= 8 else { throw .tooShort }
        senderSSRC = bytes.bigEndianUInt32(at: body.lowerBound)
        mediaSSRC = bytes.bigEndianUInt32(at: body.lowerBound + 4)
    }

    /// Appends the 12-byte packet.
    public func append(to bytes: inout [UInt8]) {
        let start = RTCPHeader.beginPacket(count: RTCPFeedbackFormat.pictureLossIndication,
                                           packetType: RTCPPacketType.payloadSpecificFeedback, in: &bytes)
        bytes.appendBigEndian(senderSSRC)
        bytes.appendBigEndian(mediaSSRC)
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
