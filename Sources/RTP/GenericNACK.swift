/// Generic NACK (RFC 4585 §6.2.1), RTPFB (PT 205) FMT 1: the receiver lists
/// lost packets as PID + BLP pairs, PID a lost sequence number and BLP a bitmask
/// of losses among the 16 that follow it.
///
/// ```
/// |V=2|P|  FMT=1  |    PT=205     |          length               |
/// |                  SSRC of packet sender                        |
/// |                  SSRC of media source                         |
/// |            PID                |             BLP               |  (repeated)
/// ```
public struct GenericNACK: Sendable, Equatable {
    /// The most PID+BLP pairs that fit the 16-bit length field.
    static let maxPairs = Int(UInt16.max) - 2

    public var senderSSRC: UInt32
    public var mediaSSRC: UInt32
    /// The lost sequence numbers. Parsing lists them pair by pair in wire order
    /// (PID, then the BLP bits from least significant); writing expects them
    /// sorted in RTP order for the fewest pairs.
    public var lostSequenceNumbers: [UInt16]

    public init(senderSSRC: UInt32, mediaSSRC: UInt32, lostSequenceNumbers: [UInt16]) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
        self.lostSequenceNumbers = lostSequenceNumbers
    }

    /// Parses one generic NACK packet. Trailing bytes short of a whole pair are
    /// ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (_, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.rtpFeedback,
                                            format: RTCPFeedbackFormat.genericNACK)
        guard body.count >= 8 else { throw .tooShort }
        senderSSRC = bytes.bigEndianUInt32(at: body.lowerBound)
        mediaSSRC = bytes.bigEndianUInt32(at: body.lowerBound + 4)
        lostSequenceNumbers = []
        var offset = body.lowerBound + 8
        while offset + 4 <= body.upperBound {
            let pid = bytes.bigEndianUInt16(at: offset)
            var blp = bytes.bigEndianUInt16(at: offset + 2)
            lostSequenceNumbers.append(pid)
            var bit: UInt16 = 1
            while blp != 0 {
                if blp & 1 != 0 { lostSequenceNumbers.append(pid &+ bit) }
                blp >>= 1
                bit += 1
            }
            offset += 4
        }
    }

    /// The PID+BLP pairs for `lostSequenceNumbers`: each number either sets a bit
    /// in the current pair (1...16 after its PID) or starts a new pair; repeats of
    /// the PID are skipped. Sorted input gives the minimal number of pairs; any
    /// order still covers every number.
    public var pairs: [(pid: UInt16, blp: UInt16)] {
        var pairs: [(pid: UInt16, blp: UInt16)] = []
        for sequence in lostSequenceNumbers {
            if let last = pairs.last {
                let distance = sequence &- last.pid
                if distance == 0 { continue }
                if distance <= 16 {
                    pairs[pairs.count - 1].blp |= 1 << (distance - 1)
                    continue
                }
            }
            pairs.append((sequence, 0))
        }
        return pairs
    }

    /// Appends the packet (pairs beyond what the length field allows are dropped).
    public func append(to bytes: inout [UInt8]) {
        let start = RTCPHeader.beginPacket(count: RTCPFeedbackFormat.genericNACK,
                                           packetType: RTCPPacketType.rtpFeedback, in: &bytes)
        bytes.appendBigEndian(senderSSRC)
        bytes.appendBigEndian(mediaSSRC)
        for pair in pairs.prefix(Self.maxPairs) {
            bytes.appendBigEndian(pair.pid)
            bytes.appendBigEndian(pair.blp)
        }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
