/// Walks the packets of a compound RTCP packet (RFC 3550 §6.1) without copying
/// or allocating: each step reads one 4-byte header and yields the packet's
/// type, count/FMT and byte range.
///
/// `nextPacket()` throws on a malformed header (bad version, or a length running
/// past the buffer). `next()` (for `for … in`) stops there instead and records
/// the reason in `error`; use the throwing form when the reason matters, since a
/// `for` loop iterates a copy. The first-packet and padding rules of RFC 3550
/// App. A.2 are not enforced: browsers send reduced-size RTCP (RFC 5506).
public struct RTCPCompoundIterator: IteratorProtocol, Sequence {
    public let bytes: UnsafeRawBufferPointer
    /// Offset of the next packet.
    public private(set) var offset = 0
    /// Why iteration stopped early, if it did.
    public private(set) var error: RTCPParseError?

    public init(_ bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// The next packet, nil at the end; throws if the next header is malformed
    /// (and then returns nil from every later call).
    public mutating func nextPacket() throws(RTCPParseError) -> RTCPPacketView? {
        guard error == nil, offset < bytes.count else { return nil }
        let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
        let header: RTCPHeader
        do {
            header = try RTCPHeader(parsing: rest)
        } catch {
            self.error = error
            throw error
        }
        let range = offset..<offset + header.packetLength
        offset = range.upperBound
        return RTCPPacketView(header: header, range: range)
    }

    public mutating func next() -> RTCPPacketView? {
        try? nextPacket()
    }

    /// Checks a whole compound packet; returns how many packets it holds.
    public static func validate(_ bytes: UnsafeRawBufferPointer) throws(RTCPParseError) -> Int {
        var iterator = RTCPCompoundIterator(bytes)
        var count = 0
        while try iterator.nextPacket() != nil { count += 1 }
        return count
    }
}
