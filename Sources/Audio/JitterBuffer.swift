/// A fixed-frame playout buffer for one RTP audio stream: packets go in as they
/// arrive, and the caller pulls exactly one 20 ms frame (or a loss) per tick.
///
/// Behaviour:
/// - Reorders within `capacity` packets; sequence numbers wrap (RFC 3550 §A.1
///   arithmetic on 16 bits).
/// - Drops duplicates and packets whose playout slot has passed ("late").
/// - Playout starts `targetFrames` ticks after the first packet of a talk spurt.
///   The target grows by one frame each time a packet turns out late (a pull found
///   its slot empty, then the packet arrived), and shrinks by one frame after
///   `shrinkAfterPulls` quiet ticks; when the buffer holds more than target + 1
///   frames for `trimAfterPulls` ticks, one frame is dropped to cut latency.
/// - Three empty ticks in a row end the talk spurt (DTX/silence suppression): the
///   buffer re-buffers on the next packet and starts from its sequence number.
/// - A new SSRC, or a sequence number outside ±`capacity` of the playout point,
///   resyncs (RFC 3550 §8.2: a new SSRC is a new sequence space).
///
/// One packet is assumed to carry one 20 ms frame (ptime 20, the SDP default
/// Parley offers to phones).
public struct JitterBuffer: Sendable {
    /// Tuning knobs.
    public struct Configuration: Sendable {
        /// RTP clock rate (8000 for G.711/G.722, 48000 for Opus).
        public var clockRate: Int
        /// Initial playout delay, in frames (3 = 60 ms).
        public var targetFrames: Int
        /// Bounds of the adaptive target, in frames.
        public var minFrames: Int
        public var maxFrames: Int
        /// Slots for out-of-order packets; a power of two (so wrap keeps slots continuous).
        public var capacity: Int
        /// Ticks without lateness before the target shrinks by one frame (500 = 10 s).
        public var shrinkAfterPulls: Int
        /// Ticks over target + 1 before one frame is dropped (25 = 0.5 s).
        public var trimAfterPulls: Int

        /// Defaults suited to phones: 60 ms initial delay, 40...200 ms range.
        public init(clockRate: Int = 8_000, targetFrames: Int = 3, minFrames: Int = 2, maxFrames: Int = 10,
                    capacity: Int = 64, shrinkAfterPulls: Int = 500, trimAfterPulls: Int = 25) {
            self.clockRate = clockRate
            self.targetFrames = targetFrames
            self.minFrames = minFrames
            self.maxFrames = maxFrames
            self.capacity = capacity
            self.shrinkAfterPulls = shrinkAfterPulls
            self.trimAfterPulls = trimAfterPulls
        }
    }

    /// A buffered RTP packet.
    public struct Packet: Equatable, Sendable {
        public var sequenceNumber: UInt16
        public var timestamp: UInt32
        public var payload: [UInt8]

        public init(sequenceNumber: UInt16, timestamp: UInt32, payload: [UInt8]) {
            self.sequenceNumber = sequenceNumber
            self.timestamp = timestamp
            self.payload = payload
        }
    }

    /// What to play for one 20 ms tick.
    public enum Output: Equatable, Sendable {
        /// Decode this packet.
        case frame(Packet)
        /// The packet for this slot is missing: conceal. `next` is the following
        /// packet when already buffered (Opus FEC can rebuild the lost frame from it).
        case lost(sequenceNumber: UInt16, next: Packet?)
        /// Nothing to play (before the first packet, while buffering, between talk spurts).
        case silence
    }

    /// Counters for metrics and RTCP receiver reports.
    public struct Statistics: Equatable, Sendable {
        /// Packets handed to `insert`.
        public var received = 0
        /// Slots played as lost (a later packet was present, or one was skipped).
        public var lost = 0
        /// Packets that arrived after their slot was played or skipped.
        public var late = 0
        /// Packets already buffered.
        public var duplicates = 0
        /// Frames dropped to reduce latency.
        public var discarded = 0
        /// Ticks that found the buffer empty while playing.
        public var underruns = 0
        /// Restarts on SSRC change or a sequence jump.
        public var resyncs = 0
        /// Packets currently buffered.
        public var depth = 0
        /// Current adaptive target, in frames.
        public var targetFrames = 0
        /// Interarrival jitter estimate in RTP clock units (RFC 3550 §6.4.1).
        public var jitter: Double = 0
    }

    /// The configuration in use.
    public let configuration: Configuration
    /// Current counters.
    public internal(set) var statistics = Statistics()

    var slots: [Packet?]
    var started = false
    var playing = false
    /// Silent ticks left before playout starts; nil until a packet arrives.
    var waitRemaining: Int?
    var nextSeq: UInt16 = 0
    var highestSeq: UInt16 = 0
    var ssrc: UInt32?
    var emptyPulls = 0
    var pullsSinceLate = 0
    var overTargetPulls = 0
    var lastTransit: Double?

    /// Creates an empty buffer.
    public init(configuration: Configuration = Configuration()) {
        var c = configuration
        // Power-of-two capacity so `seq % capacity` stays continuous across the 16-bit wrap.
        var cap = 8
        while cap < c.capacity && cap < 4_096 { cap <<= 1 }
        c.capacity = cap
        c.minFrames = max(1, c.minFrames)
        c.maxFrames = max(c.minFrames, min(c.maxFrames, cap / 2))
        c.targetFrames = min(max(c.targetFrames, c.minFrames), c.maxFrames)
        self.configuration = c
        slots = Array(repeating: nil, count: cap)
        statistics.targetFrames = c.targetFrames
    }

    /// Signed distance from `b` to `a` on the 16-bit sequence circle (RFC 3550 §A.1).
    @inline(__always)
    static func distance(_ a: UInt16, _ b: UInt16) -> Int { Int(Int16(bitPattern: a &- b)) }

    @inline(__always)
    func index(_ seq: UInt16) -> Int { Int(seq) & (configuration.capacity - 1) }
}
