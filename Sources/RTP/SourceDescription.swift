/// SDES: source description (RFC 3550 §6.5), PT 202: for each of up to 31
/// sources, a chunk of items such as the CNAME that ties a participant's streams
/// together.
///
/// ```
/// |V=2|P|    SC   |  PT=SDES=202  |             length            |
/// |                          SSRC/CSRC_1                          |
/// |                           SDES items                          |
/// |                              ...                              |
/// ```
/// Each item is a type octet, a length octet and up to 255 octets of text; the
/// item list of a chunk ends with a null octet and null padding to the next
/// 32-bit boundary.
public struct SourceDescription: Sendable, Equatable {
    /// The most chunks one packet can carry (5-bit SC).
    public static let maxChunks = 31

    /// SDES item types (RFC 3550 §6.5.1-§6.5.8).
    public enum ItemType {
        public static let end: UInt8 = 0
        public static let cname: UInt8 = 1
        public static let name: UInt8 = 2
        public static let email: UInt8 = 3
        public static let phone: UInt8 = 4
        public static let location: UInt8 = 5
        public static let tool: UInt8 = 6
        public static let note: UInt8 = 7
        public static let priv: UInt8 = 8
    }

    /// One SDES item. The value is kept as bytes (UTF-8 by RFC 3550, but not
    /// checked) so that what was received is what is forwarded.
    public struct Item: Sendable, Equatable {
        public var type: UInt8
        /// At most 255 bytes are written.
        public var value: [UInt8]

        public init(type: UInt8, value: [UInt8]) {
            self.type = type
            self.value = value
        }

        public init(type: UInt8, text: String) {
            self.init(type: type, value: Array(text.utf8))
        }

        /// The value decoded as UTF-8 (invalid sequences become U+FFFD).
        public var text: String { String(decoding: value, as: UTF8.self) }
    }

    /// The items describing one SSRC or CSRC.
    public struct Chunk: Sendable, Equatable {
        public var ssrc: UInt32
        public var items: [Item]

        public init(ssrc: UInt32, items: [Item]) {
            self.ssrc = ssrc
            self.items = items
        }

        /// A chunk with only a CNAME (what WebRTC endpoints send).
        public init(ssrc: UInt32, cname: String) {
            self.init(ssrc: ssrc, items: [Item(type: ItemType.cname, text: cname)])
        }

        /// The first CNAME item's text.
        public var cname: String? {
            items.first { $0.type == ItemType.cname }?.text
        }
    }

    public var chunks: [Chunk]

    public init(chunks: [Chunk]) {
        self.chunks = chunks
    }

    /// Parses one SDES packet. Bytes after the last chunk are ignored.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.sourceDescription)
        let end = body.upperBound
        var offset = body.lowerBound
        chunks = []
        chunks.reserveCapacity(Int(header.count))
        for _ in 0..<header.count {
            guard offset + 4 <= end else { throw .badCount }
            var chunk = Chunk(ssrc: bytes.bigEndianUInt32(at: offset), items: [])
            offset += 4
            while true {
                guard offset < end else { throw .badItem } // no terminating null octet
                let type = bytes[offset]
                if type == ItemType.end {
                    // The null octet, then nulls to the next 32-bit boundary
                    // (the packet starts at offset 0, which is aligned).
                    offset = (offset + 4) & ~3
                    break
                }
                guard offset + 2 <= end else { throw .badItem }
                let valueStart = offset + 2
                let valueEnd = valueStart + Int(bytes[offset + 1])
                guard valueEnd <= end else { throw .badItem }
                chunk.items.append(Item(type: type, value: Array(UnsafeRawBufferPointer(rebasing: bytes[valueStart..<valueEnd]))))
                offset = valueEnd
            }
            chunks.append(chunk)
        }
    }

    /// Appends the packet: at most `maxChunks` chunks, item values cut to 255
    /// bytes, items of type 0 (which would end the list) skipped.
    public func append(to bytes: inout [UInt8]) {
        let written = chunks.prefix(Self.maxChunks)
        let start = RTCPHeader.beginPacket(count: UInt8(written.count), packetType: RTCPPacketType.sourceDescription,
                                           in: &bytes)
        for chunk in written {
            bytes.appendBigEndian(chunk.ssrc)
            for item in chunk.items where item.type != ItemType.end {
                let value = item.value.prefix(255)
                bytes.append(item.type)
                bytes.append(UInt8(value.count))
                bytes.append(contentsOf: value)
            }
            RTCPHeader.appendZeroPadding(packetStart: start, minimum: 1, in: &bytes)
        }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
