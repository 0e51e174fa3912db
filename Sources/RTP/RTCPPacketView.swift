/// One packet of a compound RTCP packet: its header and where its bytes are.
public struct RTCPPacketView: Sendable, Equatable {
    public var header: RTCPHeader
    /// The packet's bytes in the compound buffer, header and padding included.
    public var range: Range<Int>

    public init(header: RTCPHeader, range: Range<Int>) {
        self.header = header
        self.range = range
    }

    public var packetType: UInt8 { header.packetType }
    /// RC/SC, or FMT for feedback packets.
    public var count: UInt8 { header.count }

    /// The packet's bytes within `compound` (the buffer the iterator walked), for
    /// a packet type's `init(parsing:)`.
    public func bytes(in compound: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: compound[range])
    }
}
