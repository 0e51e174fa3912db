import NIOCore

/// Recently received packets of one RTP stream, kept to answer NACKs
/// (RFC 4585 §6.2.1) without asking the publisher again.
///
/// A ring indexed by sequence number: storing a packet keeps a copy of its
/// bytes and evicts whatever held the slot 1024 packets ago. A copy, not the
/// received buffer: that one has the receive allocator's 2 KiB whatever the
/// packet's size, and 1,024 of them for each layer of each camera made up a
/// quarter of a busy node's memory.
///
/// And no older than about a second (`expire`): a retransmission later than
/// that comes after the subscriber's jitter buffer gave the packet up
/// (WebRTC's own sender keeps max(1 s, 3 RTT)). A camera's top layer sends
/// 1,024 packets in ten seconds; kept that long they were most of a
/// publisher's memory.
struct PacketCache {
    static let capacity = 1024
    /// Packets older than this go at the next `expire`.
    static let maximumAge: TimeAmount = .seconds(1)

    private var packets: [ByteBuffer?]
    private var sequences: [UInt16]
    /// When each slot's packet was stored (uptime, nanoseconds).
    private var storedAt: [UInt64]

    init() {
        packets = Array(repeating: nil, count: Self.capacity)
        sequences = Array(repeating: 0, count: Self.capacity)
        storedAt = Array(repeating: 0, count: Self.capacity)
    }

    private static let allocator = ByteBufferAllocator()

    mutating func store(_ packet: ByteBuffer, sequence: UInt16, now: NIODeadline) {
        let slot = Int(sequence) % Self.capacity
        var copy = Self.allocator.buffer(capacity: packet.readableBytes)
        copy.writeImmutableBuffer(packet)
        packets[slot] = copy
        sequences[slot] = sequence
        storedAt[slot] = now.uptimeNanoseconds
    }

    /// Drops the packets stored more than `maximumAge` before `now`.
    mutating func expire(now: NIODeadline) {
        let limit = UInt64(Self.maximumAge.nanoseconds)
        let now = now.uptimeNanoseconds
        for slot in 0..<Self.capacity where packets[slot] != nil && now &- storedAt[slot] > limit { packets[slot] = nil }
    }

    func packet(sequence: UInt16) -> ByteBuffer? {
        let slot = Int(sequence) % Self.capacity
        guard sequences[slot] == sequence else { return nil }
        return packets[slot]
    }

    mutating func removeAll() {
        for i in packets.indices { packets[i] = nil }
    }
}
