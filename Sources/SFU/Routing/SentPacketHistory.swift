/// What a consumer sent under each of its last 1,024 outgoing sequence
/// numbers, to answer a subscriber's NACK (RFC 4585 §6.2.1) from the
/// producer's `PacketCache`.
///
/// Written for every forwarded video packet, so it is one block of memory
/// written through a pointer: five Swift arrays cost five uniqueness checks
/// and exclusivity checks per packet (about 6 % of a forwarding core).
final class SentPacketHistory {
    /// One outgoing packet: where it came from and how it was rewritten.
    struct Entry {
        /// The producer's sequence number.
        var incoming: UInt16
        /// The sequence number the subscriber saw.
        var outgoing: UInt16
        /// What was added to the producer's timestamp.
        var timestampDelta: UInt32
        /// The simulcast layer it came from.
        var layer: UInt8
        var valid: Bool
    }

    static let capacity = PacketCache.capacity
    private let entries: UnsafeMutablePointer<Entry>

    init() {
        entries = .allocate(capacity: Self.capacity)
        entries.initialize(repeating: Entry(incoming: 0, outgoing: 0, timestampDelta: 0, layer: 0, valid: false), count: Self.capacity)
    }

    deinit { entries.deallocate() }

    /// Records the packet sent as `outgoing`.
    func record(_ entry: Entry) {
        entries[Int(entry.outgoing) % Self.capacity] = entry
    }

    /// The packet sent as `outgoing`, if it is still remembered.
    func entry(outgoing: UInt16) -> Entry? {
        let entry = entries[Int(outgoing) % Self.capacity]
        return entry.valid && entry.outgoing == outgoing ? entry : nil
    }
}
