/// BYE (RFC 3550 §6.6), PT 203: the listed sources are leaving, optionally with
/// a reason.
///
/// ```
/// |V=2|P|    SC   |   PT=BYE=203  |             length            |
/// |                           SSRC/CSRC                           |
/// :                              ...                              :
/// |     length    |               reason for leaving            ... (opt)
/// ```
public struct Goodbye: Sendable, Equatable {
    /// The most sources one packet can carry (5-bit SC).
    public static let maxSources = 31

    public var ssrcs: [UInt32]
    /// The reason's bytes (UTF-8 by RFC 3550, not checked); nil when absent or
    /// empty. At most 255 bytes are written.
    public var reason: [UInt8]?

    public init(ssrcs: [UInt32], reason: [UInt8]? = nil) {
        self.ssrcs = ssrcs
        self.reason = reason
    }

    public init(ssrcs: [UInt32], reasonText: String) {
        self.init(ssrcs: ssrcs, reason: Array(reasonText.utf8))
    }

    /// The reason decoded as UTF-8 (invalid sequences become U+FFFD).
    public var reasonText: String? { reason.map { String(decoding: $0, as: UTF8.self) } }

    /// Parses one BYE packet.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(RTCPParseError) {
        let (header, body) = try RTCPHeader.body(of: bytes, packetType: RTCPPacketType.goodbye)
        let count = Int(header.count)
        let end = body.upperBound
        var offset = body.lowerBound
        guard offset + 4 * count <= end else { throw .badCount }
        ssrcs = (0..<count).map { bytes.bigEndianUInt32(at: offset + 4 * $0) }
        offset += 4 * count
        reason = nil
        if offset < end {
            let reasonEnd = offset + 1 + Int(bytes[offset])
            guard reasonEnd <= end else { throw .badItem }
            if reasonEnd > offset + 1 {
                reason = Array(UnsafeRawBufferPointer(rebasing: bytes[(offset + 1)..<reasonEnd]))
            }
        }
    }

    /// Appends the packet: at most `maxSources` SSRCs, the reason cut to 255 bytes
    /// and zero-padded to a 32-bit boundary.
    public func append(to bytes: inout [UInt8]) {
        let written = ssrcs.prefix(Self.maxSources)
        let start = RTCPHeader.beginPacket(count: UInt8(written.count), packetType: RTCPPacketType.goodbye, in: &bytes)
        for ssrc in written { bytes.appendBigEndian(ssrc) }
        if let reason, !reason.isEmpty {
            let text = reason.prefix(255)
            bytes.append(UInt8(text.count))
            bytes.append(contentsOf: text)
            RTCPHeader.appendZeroPadding(packetStart: start, in: &bytes)
        }
        RTCPHeader.finishPacket(startingAt: start, in: &bytes)
    }
}
