/// Puts RTP packets back in order and groups them into frames, waiting a little
/// for late packets and reporting the ones that never came.
///
/// A frame is the run of consecutive packets sharing one RTP timestamp (RFC 3550
/// §5.1: packets of one frame carry the same timestamp). It is complete once
/// its last packet is known: the marker bit is set (video, RFC 7741 §4.1,
/// RFC 6184 §5.1) or the next packet in sequence has another timestamp. Audio
/// (`packetsPerFrame: .one`) makes every packet a frame.
///
/// A missing sequence number is waited for until `maximumReorderPackets` later
/// packets have arrived or it is `maximumReorderDelay` seconds overdue; then it
/// is declared lost. A frame with a hole is discarded whole (`.loss` reports
/// it), and the frame after a hole is marked `afterLoss` because its first
/// packets may be what was lost; the depacketizer's start check settles that.
///
/// Padding-only packets (empty payload) hold their sequence number and are
/// otherwise skipped. A pure value: time comes from the packets' arrival stamps.
public struct FrameAssembler: Sendable {
    /// One RTP packet, reduced to what framing needs.
    public struct Packet: Sendable, Equatable {
        /// The extended (unwrapped) sequence number.
        public var sequence: Int64
        public var timestamp: UInt32
        public var marker: Bool
        public var payload: [UInt8]
        /// When it arrived, seconds on any monotonic clock.
        public var arrival: Double

        public init(sequence: Int64, timestamp: UInt32, marker: Bool, payload: [UInt8], arrival: Double) {
            self.sequence = sequence
            self.timestamp = timestamp
            self.marker = marker
            self.payload = payload
            self.arrival = arrival
        }
    }

    /// A complete frame: consecutive packets from its first to its last.
    public struct Frame: Sendable, Equatable {
        public var timestamp: UInt32
        /// The packets' payloads in sequence order.
        public var payloads: [[UInt8]]
        public var firstSequence: Int64
        /// Arrival of the frame's earliest-arriving packet.
        public var arrival: Double
        /// Packets right before this frame were lost: its own first packets may
        /// have been among them.
        public var afterLoss: Bool
    }

    /// What `insert` and `flush` produce, in order.
    public enum Output: Sendable, Equatable {
        case frame(Frame)
        /// `packets` sequence numbers were given up on; `frames` partial frames
        /// (holes inside, or no known end) were discarded with them.
        case loss(packets: Int, frames: Int)
    }

    /// Whether a frame is one packet (audio) or a marker-terminated run (video).
    public enum Framing: Sendable {
        case one
        case marker
    }

    public let framing: Framing
    public let maximumReorderPackets: Int
    public let maximumReorderDelay: Double
    /// A frame of more packets than this is discarded (garbage that never ends).
    public let maximumFramePackets: Int
    /// A jump of the sequence number farther than this (either way) restarts
    /// the assembler instead of counting thousands of packets lost.
    public let restartDistance: Int64

    /// The next sequence number to take; everything before it was used or given up.
    private var next: Int64?
    /// Packets at or after `next`, waiting for the gap before them to fill.
    private var pending: [Int64: Packet] = [:]
    /// The open frame: packets from its first up to `next - 1`.
    private var current: [Packet] = []
    private var currentAfterLoss = false
    /// Packets of this timestamp belong to a frame already discarded.
    private var discardTimestamp: UInt32?

    /// Packets given up as lost; packets dropped as duplicates or too late.
    public private(set) var packetsLost = 0
    public private(set) var packetsLate = 0
    /// How many times a sequence jump restarted the assembler.
    public private(set) var restarts = 0

    public init(framing: Framing, maximumReorderPackets: Int = 10, maximumReorderDelay: Double = 0.1,
                maximumFramePackets: Int = 4096, restartDistance: Int64 = 3000) {
        self.framing = framing
        self.maximumReorderPackets = max(maximumReorderPackets, 1)
        self.maximumReorderDelay = maximumReorderDelay
        self.maximumFramePackets = max(maximumFramePackets, 1)
        self.restartDistance = max(restartDistance, Int64(maximumReorderPackets) + 1)
    }

    /// Takes one packet; returns the frames (and losses) it completes, in order.
    public mutating func insert(_ packet: Packet) -> [Output] {
        var out: [Output] = []
        guard let expected = next else {
            next = packet.sequence
            pending[packet.sequence] = packet
            drain(into: &out)
            return out
        }
        let distance = packet.sequence - expected
        if distance < -restartDistance || distance > restartDistance {
            restart(at: packet, into: &out)
            return out
        }
        if distance < 0 || pending[packet.sequence] != nil {
            packetsLate += 1
            return out
        }
        pending[packet.sequence] = packet
        drain(into: &out)
        giveUpOverdue(now: packet.arrival, into: &out)
        return out
    }

    /// Ends the stream: whatever is still waiting is given up and the frames
    /// after the gaps are emitted. An open frame with no known end is discarded.
    public mutating func flush() -> [Output] {
        var out: [Output] = []
        while !pending.isEmpty {
            skipGap(into: &out)
        }
        if !current.isEmpty {
            out.append(.loss(packets: 0, frames: 1))
            current = []
        }
        return out
    }

    /// Moves consecutive packets from `pending` into frames.
    private mutating func drain(into out: inout [Output]) {
        guard var sequence = next else { return }
        while let packet = pending.removeValue(forKey: sequence) {
            sequence += 1
            next = sequence
            // Padding-only packets (RFC 3550 §5.1, bandwidth probes) hold a
            // sequence number but no media.
            if packet.payload.isEmpty { continue }
            if let discarded = discardTimestamp {
                if packet.timestamp == discarded { continue }
                discardTimestamp = nil
            }
            if let open = current.first, open.timestamp != packet.timestamp {
                // The next frame began in sequence: the open one ended with the packet before.
                emitCurrent(into: &out)
            }
            current.append(packet)
            if current.count > maximumFramePackets {
                out.append(.loss(packets: 0, frames: 1))
                discardTimestamp = packet.marker ? nil : packet.timestamp
                current = []
            } else if framing == .one || packet.marker {
                emitCurrent(into: &out)
            }
        }
    }

    private mutating func emitCurrent(into out: inout [Output]) {
        guard let first = current.first else { return }
        let frame = Frame(timestamp: first.timestamp, payloads: current.map(\.payload), firstSequence: first.sequence,
                          arrival: current.map(\.arrival).min() ?? first.arrival, afterLoss: currentAfterLoss)
        out.append(.frame(frame))
        current = []
        currentAfterLoss = false
    }

    /// Gives up on the gap at `next` while it is overdue: enough later packets
    /// have arrived, or the oldest waiting one has waited too long.
    private mutating func giveUpOverdue(now: Double, into out: inout [Output]) {
        while let expected = next, let newest = pending.keys.max() {
            let oldestArrival = pending.values.map(\.arrival).min() ?? now
            guard newest - expected >= Int64(maximumReorderPackets) || now - oldestArrival > maximumReorderDelay else {
                return
            }
            skipGap(into: &out)
        }
    }

    /// Declares the packets from `next` to the first waiting one lost, discards
    /// the frame they broke, and drains what follows.
    private mutating func skipGap(into out: inout [Output]) {
        guard let expected = next, let resume = pending.keys.min() else { return }
        let missing = Int(resume - expected)
        var brokenFrames = 0
        if let open = current.first {
            // The hole may hold the rest of the open frame: discard it, and its
            // later packets too (same timestamp) rather than take them for a frame.
            brokenFrames = 1
            discardTimestamp = open.timestamp
            current = []
        }
        packetsLost += missing
        out.append(.loss(packets: missing, frames: brokenFrames))
        currentAfterLoss = true
        next = resume
        drain(into: &out)
    }

    /// A sequence jump too big to be loss or reordering (a sender restart):
    /// drops everything open and starts over at `packet`.
    private mutating func restart(at packet: Packet, into out: inout [Output]) {
        restarts += 1
        let dropped = current.isEmpty ? 0 : 1
        out.append(.loss(packets: 0, frames: dropped))
        pending = [:]
        current = []
        discardTimestamp = nil
        currentAfterLoss = true
        next = packet.sequence
        pending[packet.sequence] = packet
        drain(into: &out)
    }
}
