/// FIR (RFC 5104 §4.3.1), PSFB (PT 206) FMT 4: asks each listed media sender for
/// a decoder refresh point. The command sequence number lets the sender ignore
/// repeats of a request it has already served (§4.3.1.1).
///
/// ```
/// |                  SSRC of packet sender                        |
/// |             SSRC of media source (unused, 0)                  |
/// |                              SSRC                             |  (repeated)
/// | Seq nr.       |    Reserved                                   |
/// ```
public struct FullIntraRequest: Sendable, Equatable {
    /// The most entries that fit the 16-bit length field.
    static let maxEntries = (Int(UInt16.max) - 2) / 2

    public var senderSSRC: UInt32
    /// Media sender SSRC and command sequence number, one per requested stream.
    public var entries: [(ssrc: UInt32, sequence: UInt8)]

    public init(senderSSRC: UInt32, entries: [(ssrc: UInt32, sequence: UInt8)]) {
        self.senderSSRC = senderSSRC
        self.entries = entries
    }

    /// Parses one FIR packet; the "SSRC of media source" field is ignored as the
    /// RFC asks, and bytes short of a whole entry are ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (_, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.payloadSpecificFeedback,
                                            format: RTCPFeedbackFormat.fullIntraRequest)
        guard body.count >= 8 else { throw .tooShort }
        senderSSRC = bytes.bigEndianUInt32(at: body.lowerBound)
        entries = []
        var offset = body.lowerBound + 8
        while offset + 8 <= body.upperBound {
            entries.append((bytes.bigEndianUInt32(at: offset), bytes[offset + 4]))
            offset += 8
        }
    }

    public static func == (lhs: FullIntraRequest, rhs: FullIntraRequest) -> Bool {
        lhs.senderSSRC == rhs.senderSSRC && lhs.entries.elementsEqual(rhs.entries) { $0 == $1 }
    }

    /// Appends the packet (media source SSRC 0, reserved bits 0).
    public func append(to bytes: inout [UInt8]) {
        let start = RTCPHeader.beginPacket(count: RTCPFeedbackFormat.fullIntraRequest,
                                           packetType: RTCPPacketType.payloadSpecificFeedback, in: &bytes)
        bytes.appendBigEndian(senderSSRC)
        bytes.appendBigEndian(UInt32(0))
        for entry in entries.prefix(Self.maxEntries) {
            bytes.appendBigEndian(entry.ssrc)
            bytes.append(entry.sequence)
            bytes.appendBigEndian24(0)
        }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
