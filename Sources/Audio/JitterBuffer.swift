/// A fixed-frame playout buffer for one RTP audio stream: packets go in as they
/// arrive, and the caller pulls exactly one 20 ms frame (or a loss) per tick.
///
/// Behaviour:
/// - Reorders within `capacity` packets; sequence numbers wrap (RFC 3550 §A.1
///   arithmetic on 16 bits).
/// - Drops duplicates and packets whose playout slot has passed ("late").
/// - The target is the number of frames held back beyond the one a tick plays.
///   A talk spurt's first packet plays on the `targetFrames + 1`-th tick after
///   it arrives: with a target of 0 it waits only for the next tick (0-20 ms,
///   whatever the phase of the sender's clock against ours), the least a frame
///   clock allows. The target grows by one frame each time a packet turns out
///   late (a pull found its slot empty, then the packet arrived), and shrinks by
///   one frame after `shrinkAfterPulls` quiet ticks (twice as long after each
///   shrink that a late packet soon proved premature, so a path whose jitter
///   comes and goes is not concealed and re-timed every few seconds; half as
///   long again after a shrink that held); when the buffer holds more
///   than target + 1 frames for `trimAfterPulls` ticks, one frame is dropped to
///   cut latency. A sender whose clock drifts against the tick crosses a tick
///   now and then: that costs one late packet (concealed once, then played a
///   tick later), after which the playout point sits a frame later, which is
///   exactly where the new phase needs it.
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
        /// Initial frames held back beyond the one played (1 = 20-40 ms of buffering).
        public var targetFrames: Int
        /// Bounds of the adaptive target, in frames.
        public var minFrames: Int
        public var maxFrames: Int
        /// Slots for out-of-order packets; a power of two (so wrap keeps slots continuous).
        public var capacity: Int
        /// Ticks without lateness before the target shrinks by one frame (250 = 5 s).
        public var shrinkAfterPulls: Int
        /// Ticks over target + 1 before one frame is dropped (25 = 0.5 s).
        public var trimAfterPulls: Int
        /// Ticks after a lost packet during which one frame is held back
        /// whatever the jitter (500 = 10 s; 0: never): on a lossy line the
        /// next packet is then there when a lost one is due, and concealment
        /// (or Opus FEC) rebuilds the gap from both sides. A clean line keeps
        /// the shortest delay.
        public var lookaheadAfterLossPulls: Int

        /// Defaults suited to phones and to a room's browsers, on a network that
        /// may be as quiet as a LAN: 20-40 ms to start, down to 0-20 ms after
        /// 5 s without a late packet, up to 200 ms held back on a jittery path.
        /// (Once 60 ms to start and never under 40: a 51-65 ms phone → phone
        /// delay on loopback.)
        public init(clockRate: Int = 8_000, targetFrames: Int = 1, minFrames: Int = 0, maxFrames: Int = 10,
                    capacity: Int = 64, shrinkAfterPulls: Int = 250, trimAfterPulls: Int = 25,
                    lookaheadAfterLossPulls: Int = 500) {
            self.clockRate = clockRate
            self.targetFrames = targetFrames
            self.minFrames = minFrames
            self.maxFrames = maxFrames
            self.capacity = capacity
            self.shrinkAfterPulls = shrinkAfterPulls
            self.trimAfterPulls = trimAfterPulls
            self.lookaheadAfterLossPulls = lookaheadAfterLossPulls
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
    /// Quiet ticks before the next shrink: `shrinkAfterPulls`, doubled each
    /// time a shrink proves premature (up to 12 times), halved when one holds.
    var shrinkInterval = 0
    /// Ticks since the target last shrank; nil before it ever did.
    var pullsSinceShrink: Int?
    var lastTransit: Double?
    /// Ticks left in which a frame is held back for concealment (`lookaheadAfterLossPulls`).
    var lookaheadPulls = 0

    /// Creates an empty buffer.
    public init(configuration: Configuration = Configuration()) {
        var c = configuration
        // Power-of-two capacity so `seq % capacity` stays continuous across the 16-bit wrap.
        var cap = 8
        while cap < c.capacity && cap < 4_096 { cap <<= 1 }
        c.capacity = cap
        c.minFrames = max(0, c.minFrames)
        c.maxFrames = max(c.minFrames, min(c.maxFrames, cap / 2))
        c.targetFrames = min(max(c.targetFrames, c.minFrames), c.maxFrames)
        self.configuration = c
        slots = Array(repeating: nil, count: cap)
        statistics.targetFrames = c.targetFrames
        shrinkInterval = c.shrinkAfterPulls
    }

    /// Signed distance from `b` to `a` on the 16-bit sequence circle (RFC 3550 §A.1).
    @inline(__always)
    static func distance(_ a: UInt16, _ b: UInt16) -> Int { Int(Int16(bitPattern: a &- b)) }

    @inline(__always)
    func index(_ seq: UInt16) -> Int { Int(seq) & (configuration.capacity - 1) }
}
