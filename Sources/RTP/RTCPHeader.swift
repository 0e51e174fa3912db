/// The 4-byte header every RTCP packet starts with (RFC 3550 §6.4.1).
///
/// ```
///  0                   1                   2                   3
/// |V=2|P|    RC   |      PT       |             length            |
/// ```
public struct RTCPHeader: Sendable, Equatable {
    /// Header size in bytes.
    public static let length = 4

    public var version: UInt8
    /// P bit: the packet ends with padding whose last byte is its size.
    public var padding: Bool
    /// Five bits: the report/source count (RC/SC) or, in feedback, the FMT.
    public var count: UInt8
    public var packetType: UInt8
    /// The length field: the packet's size in 32-bit words minus one.
    public var length: UInt16

    public init(version: UInt8 = 2, padding: Bool = false, count: UInt8, packetType: UInt8, length: UInt16) {
        self.version = version
        self.padding = padding
        self.count = count
        self.packetType = packetType
        self.length = length
    }

    /// Reads the header at the start of `bytes`; checks the version and that the
    /// packet's length fits in `bytes`.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        guard bytes.count >= Self.length else { throw .tooShort }
        let first = bytes[0]
        version = first >> 6
        guard version == 2 else { throw .badVersion }
        padding = first & 0x20 != 0
        count = first & 0x1F
        packetType = bytes[1]
        length = bytes.bigEndianUInt16(at: 2)
        guard packetLength <= bytes.count else { throw .badLength }
    }

    /// The packet's size in bytes, header and padding included.
    public var packetLength: Int { (Int(length) + 1) * 4 }

    /// Appends the header as it is.
    public func append(to bytes: inout [UInt8]) {
        bytes.append(version << 6 | (padding ? 0x20 : 0) | count & 0x1F)
        bytes.append(packetType)
        bytes.appendBigEndian(length)
    }
}

// Shared by the packet types: checking a single packet's header, and writing one.
extension RTCPHeader {
    /// Parses the header of a single packet of type `packetType` (and feedback
    /// format `format`, when given) and returns it with the body: the bytes after
    /// the header and before any padding. Bytes after the packet's length are
    /// ignored.
    static func body(of bytes: UnsafeRawBufferPointer, packetType: UInt8,
                     format: UInt8? = nil) throws(RTCPParseError) -> (header: RTCPHeader, body: Range<Int>) {
        let header = try RTCPHeader(parsing: bytes)
        guard header.packetType == packetType, format == nil || header.count == format else {
            throw .badPacketType
        }
        var end = header.packetLength
        if header.padding {
            // RFC 3550 §6.4.1: the last octet of the padding counts the padding
            // octets, itself included.
            let padding = Int(bytes[end - 1])
            guard padding > 0, padding <= end - Self.length else { throw .badPadding }
            end -= padding
        }
        return (header, Self.length..<end)
    }

    /// Appends a header with a placeholder length; returns the packet's offset for
    /// `finishPacket`.
    static func beginPacket(count: UInt8, packetType: UInt8, in bytes: inout [UInt8]) -> Int {
        let start = bytes.count
        RTCPHeader(count: count, packetType: packetType, length: 0).append(to: &bytes)
        return start
    }

    /// Sets the length of the packet starting at `start`, whose body the caller has
    /// appended, in whole 32-bit words. A packet too long for the 16-bit length
    /// field (over 256 KiB) cannot be sent and is removed again.
    static func finishPacket(startingAt start: Int, in bytes: inout [UInt8]) {
        let words = (bytes.count - start) / 4
        guard words - 1 <= Int(UInt16.max) else {
            bytes.removeSubrange(start...)
            return
        }
        bytes.setBigEndian(UInt16(words - 1), at: start + 2)
    }

    /// Appends zero bytes until the packet starting at `start` is a whole number of
    /// 32-bit words, with at least `minimum` of them.
    static func appendZeroPadding(packetStart start: Int, minimum: Int = 0, in bytes: inout [UInt8]) {
        for _ in 0..<minimum { bytes.append(0) }
        while (bytes.count - start) % 4 != 0 { bytes.append(0) }
    }
}
