/// REMB (draft-alvestrand-rmcat-remb-03 §2.2): application layer feedback, PSFB
/// (PT 206) FMT 15 with the identifier "REMB", telling a sender the total
/// bitrate the receiver estimates it can take for the listed SSRCs.
///
/// ```
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source (0)                     |
/// |  Unique identifier 'R' 'E' 'M' 'B'                            |
/// |  Num SSRC     | BR Exp    |  BR Mantissa                      |
/// |   SSRC feedback                                               |  (Num SSRC times)
/// ```
/// The bitrate in bits per second is mantissa (18 bits) × 2^exp (6 bits).
public struct ReceiverEstimatedMaxBitrate: Sendable, Equatable {
    static let identifier: UInt32 = 0x5245_4D42 // "REMB"

    public var senderSSRC: UInt32
    /// Bits per second. Written with an 18-bit mantissa, so rounded down to
    /// 18 significant bits.
    public var bitrate: UInt64
    /// At most 255 are written (8-bit count).
    public var ssrcs: [UInt32]

    public init(senderSSRC: UInt32, bitrate: UInt64, ssrcs: [UInt32]) {
        self.senderSSRC = senderSSRC
        self.bitrate = bitrate
        self.ssrcs = ssrcs
    }

    /// Parses one REMB packet. Throws `badPacketType` for other application layer
    /// feedback and `badFeedback` for a bitrate beyond 64 bits.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (_, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.payloadSpecificFeedback,
                                            format: RTCPFeedbackFormat.applicationLayer)
        let start = body.lowerBound
        guard body.count >= 16 else { throw .tooShort }
        guard bytes.bigEndianUInt32(at: start + 8) == Self.identifier else { throw .badPacketType }
        senderSSRC = bytes.bigEndianUInt32(at: start)
        let word = bytes.bigEndianUInt32(at: start + 12)
        let count = Int(word >> 24)
        let exponent = UInt64((word >> 18) & 0x3F)
        let mantissa = UInt64(word & 0x3_FFFF)
        guard exponent == 0 || mantissa >> (64 - exponent) == 0 else { throw .badFeedback }
        bitrate = mantissa << exponent
        guard start + 16 + 4 * count <= body.upperBound else { throw .badCount }
        ssrcs = (0..<count).map { bytes.bigEndianUInt32(at: start + 16 + 4 * $0) }
    }

    /// Appends the packet (media source SSRC 0).
    public func append(to bytes: inout [UInt8]) {
        let written = ssrcs.prefix(255)
        var exponent: UInt32 = 0
        while bitrate >> exponent >= 1 << 18 { exponent += 1 }
        let mantissa = UInt32(truncatingIfNeeded: bitrate >> exponent)
        let start = RTCPHeader.beginPacket(count: RTCPFeedbackFormat.applicationLayer,
                                           packetType: RTCPPacketType.payloadSpecificFeedback, in: &bytes)
        bytes.appendBigEndian(senderSSRC)
        bytes.appendBigEndian(UInt32(0))
        bytes.appendBigEndian(Self.identifier)
        bytes.appendBigEndian(UInt32(written.count) << 24 | exponent << 18 | mantissa)
        for ssrc in written { bytes.appendBigEndian(ssrc) }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
