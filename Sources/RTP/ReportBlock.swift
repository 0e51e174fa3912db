/// A reception report block (RFC 3550 §6.4.1), carried in SR and RR packets:
/// what one receiver saw of one source.
public struct ReportBlock: Sendable, Equatable {
    /// Size on the wire.
    public static let length = 24
    /// The widest 24-bit signed cumulative loss.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// SSRC of the source this block reports on.
    public var ssrc: UInt32
    /// Fraction of packets lost since the last report, as a fixed-point number
    /// with the binary point at the left edge (lost / expected × 256).
    public var fractionLost: UInt8
    /// Cumulative packets lost: 24-bit signed (duplicates can make it negative,
    /// RFC 3550 §6.4.1 and App. A.3). Written clamped to `cumulativeLostRange`.
    public var cumulativeLost: Int32
    /// Extended highest sequence number received (cycles << 16 | highest).
    public var highestSequence: UInt32
    /// Interarrival jitter in timestamp units (RFC 3550 §6.4.1, App. A.8).
    public var jitter: UInt32
    /// LSR: the middle 32 bits of the NTP timestamp of the last SR received.
    public var lastSR: UInt32
    /// DLSR: delay since that SR, in units of 1/65536 s.
    public var delaySinceLastSR: UInt32

    public init(ssrc: UInt32, fractionLost: UInt8, cumulativeLost: Int32, highestSequence: UInt32,
                jitter: UInt32, lastSR: UInt32, delaySinceLastSR: UInt32) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.highestSequence = highestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }

    /// Parses the 24-byte block at the start of `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        guard bytes.count >= Self.length else { throw .tooShort }
        self.init(bytes, at: 0)
    }

    /// Reads a block whose 24 bytes the caller has checked are there.
    init(_ bytes: UnsafeRawBufferPointer, at offset: Int) {
        ssrc = bytes.bigEndianUInt32(at: offset)
        fractionLost = bytes[offset + 4]
        // Sign-extend the 24-bit field.
        let lost = bytes.bigEndianUInt24(at: offset + 5)
        cumulativeLost = Int32(bitPattern: lost << 8) >> 8
        highestSequence = bytes.bigEndianUInt32(at: offset + 8)
        jitter = bytes.bigEndianUInt32(at: offset + 12)
        lastSR = bytes.bigEndianUInt32(at: offset + 16)
        delaySinceLastSR = bytes.bigEndianUInt32(at: offset + 20)
    }

    /// Appends the 24-byte block.
    public func append(to bytes: inout [UInt8]) {
        bytes.appendBigEndian(ssrc)
        bytes.append(fractionLost)
        let lost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        bytes.appendBigEndian24(UInt32(bitPattern: lost))
        bytes.appendBigEndian(highestSequence)
        bytes.appendBigEndian(jitter)
        bytes.appendBigEndian(lastSR)
        bytes.appendBigEndian(delaySinceLastSR)
    }

    /// Reads `count` blocks starting at `offset`, which must fit before `end`.
    static func parseBlocks(_ bytes: UnsafeRawBufferPointer, count: Int, at offset: Int,
                            end: Int) throws(RTCPParseError) -> [ReportBlock] {
        guard offset + count * length <= end else { throw .badCount }
        var blocks: [ReportBlock] = []
        blocks.reserveCapacity(count)
        for index in 0..<count {
            blocks.append(ReportBlock(bytes, at: offset + index * length))
        }
        return blocks
    }
}
