/// An RTP packet's header as positions into its bytes: the RFC 3550 §5.1 fixed
/// header, the CSRC list, the RFC 3550 §5.3.1 header extension (interpreted as
/// RFC 8285 elements by `extensionElement(id:in:)`), and the padding.
///
/// Parsing reads the fixed fields and checks every length against the buffer;
/// it copies nothing and allocates nothing. Ranges are byte offsets into the
/// buffer that was parsed, so the same buffer (or an identical copy) must be
/// passed to the accessors that take `bytes`.
public struct RTPHeader: Sendable, Equatable {
    /// The size of the fixed header (RFC 3550 §5.1).
    public static let fixedHeaderLength = 12
    /// The "defined by profile" value of the one-byte element form (RFC 8285 §4.2).
    public static let oneByteExtensionProfile: UInt16 = 0xBEDE
    /// The two-byte element form is 0x100 followed by 4 "appbits" (RFC 8285 §4.3).
    public static let twoByteExtensionProfiles: ClosedRange<UInt16> = 0x1000...0x100F

    /// M bit; for video, the last packet of a frame.
    public var marker: Bool
    /// 7-bit payload type.
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Number of CSRC identifiers (0...15) following the fixed header.
    public var csrcCount: Int
    /// P bit: the packet ends with `paddingLength` bytes of padding.
    public var hasPadding: Bool
    /// The extension's "defined by profile" field when the X bit is set: 0xBEDE for
    /// one-byte elements, 0x1000...0x100F for two-byte elements, anything else is a
    /// profile this module does not interpret.
    public var extensionProfile: UInt16?
    /// Byte range of the extension *data* (after the 4-byte extension header); nil
    /// when the X bit is clear. May be empty (length 0 is legal).
    public var extensionRange: Range<Int>?
    /// Offset of the first payload byte.
    public var payloadOffset: Int
    /// Bytes of padding at the end of the packet, including the count byte itself;
    /// 0 unless the P bit is set.
    public var paddingLength: Int

    /// Parses the header of the RTP packet in `bytes` (the whole packet).
    ///
    /// Checks, in order: 12 bytes present, version 2, the CSRC list fits, the
    /// extension header and its data fit, and the padding count (RFC 3550 §5.1:
    /// "the last octet of the padding contains a count of how many padding octets
    /// should be ignored, including itself") is at least 1 and no larger than the
    /// bytes after the header. A padding-only packet (empty payload) is valid.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTPParseError) {
        let count = bytes.count
        guard count >= Self.fixedHeaderLength else { throw .tooShort }
        let first = bytes[0]
        guard first >> 6 == 2 else { throw .badVersion }
        let second = bytes[1]
        hasPadding = first & 0x20 != 0
        csrcCount = Int(first & 0x0F)
        marker = second & 0x80 != 0
        payloadType = second & 0x7F
        sequenceNumber = bytes.bigEndianUInt16(at: 2)
        timestamp = bytes.bigEndianUInt32(at: 4)
        ssrc = bytes.bigEndianUInt32(at: 8)

        var offset = Self.fixedHeaderLength + 4 * csrcCount
        guard offset <= count else { throw .badCSRCCount }

        if first & 0x10 != 0 {
            // RFC 3550 §5.3.1: 16 bits defined by profile, 16 bits length in 32-bit
            // words, excluding the four-octet extension header.
            guard offset + 4 <= count else { throw .badExtension }
            let profile = bytes.bigEndianUInt16(at: offset)
            let start = offset + 4
            let end = start + 4 * Int(bytes.bigEndianUInt16(at: offset + 2))
            guard end <= count else { throw .badExtension }
            extensionProfile = profile
            extensionRange = start..<end
            offset = end
        } else {
            extensionProfile = nil
            extensionRange = nil
        }
        payloadOffset = offset

        if hasPadding {
            guard count > offset else { throw .badPadding }
            let padding = Int(bytes[count - 1])
            guard padding > 0, padding <= count - offset else { throw .badPadding }
            paddingLength = padding
        } else {
            paddingLength = 0
        }
    }

    /// The payload's byte range in a packet of `packetLength` bytes: after the
    /// header, before the padding. Empty (never inverted) if `packetLength` is
    /// shorter than the parsed packet was.
    public func payloadRange(packetLength: Int) -> Range<Int> {
        payloadOffset..<max(payloadOffset, packetLength - paddingLength)
    }

    /// The CSRC identifier at `index` (0..<csrcCount), or nil when out of range.
    public func csrc(at index: Int, in bytes: UnsafeRawBufferPointer) -> UInt32? {
        let offset = Self.fixedHeaderLength + 4 * index
        guard index >= 0, index < csrcCount, offset + 4 <= bytes.count else { return nil }
        return bytes.bigEndianUInt32(at: offset)
    }
}
