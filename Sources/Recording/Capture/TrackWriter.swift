import Foundation
import RTP

/// Writes one consumed producer's RTP stream to a Matroska/WebM file, without
/// transcoding: reorders and assembles packets into frames, depacketizes them,
/// places them on the recording timeline and appends them as blocks.
///
/// Video writes nothing until its first keyframe, and after a lost or broken
/// frame drops everything until the next keyframe; it asks for keyframes
/// (`.requestKeyframe`, at most every `keyframeRequestInterval`) while it waits.
/// The track header is written with the first frame that is written, so
/// PixelWidth/PixelHeight and H.264's avcC come from that keyframe.
///
/// Bytes that are not RTP, or carry another payload type, are counted and
/// dropped. Not thread-safe: one owner (the recorder's task) calls it.
public final class TrackWriter {
    /// Tuning; the defaults are what the recorder uses.
    public struct Options: Sendable {
        /// The payload type to accept; nil accepts any.
        public var payloadType: UInt8?
        /// A missing packet is waited for until this many later packets arrived...
        public var reorderPackets: Int = 10
        /// ...or it is this many seconds overdue.
        public var reorderDelay: Double = 0.1
        /// The least time between two keyframe requests, seconds.
        public var keyframeRequestInterval: Double = 0.5
        /// Re-anchor the RTP clock to arrival time beyond this drift, seconds.
        public var maximumDrift: Double = 1.0
        /// Opus identification header for the track (channel count, pre-skip).
        public var opusHead = OpusHead()

        public init(payloadType: UInt8? = nil) {
            self.payloadType = payloadType
        }
    }

    public let file: URL
    public let codec: TrackCodec
    public let options: Options

    /// Timestamp of the first block written, seconds on the recording timeline.
    public internal(set) var firstTimestamp: Double?
    /// Timestamp of the last block written (its start), seconds.
    public internal(set) var lastTimestamp: Double?
    /// Video frame size as first written; 0 before the first keyframe (and for audio).
    public internal(set) var width = 0
    public internal(set) var height = 0
    public internal(set) var framesWritten = 0
    /// Frames received but not written: broken, incomplete, or waiting for a keyframe.
    public internal(set) var framesDropped = 0
    /// Sequence numbers that never arrived.
    public var packetsLost: Int { lostBefore + assembler.packetsLost }
    /// Packets that were not RTP, had another payload type, or came too late or twice.
    public var packetsDiscarded: Int { invalidPackets + lateBefore + assembler.packetsLate }
    public private(set) var packetsReceived = 0
    /// Packets dropped for not being RTP or for their payload type.
    public private(set) var invalidPackets = 0

    let matroska: MatroskaWriter
    var assembler: FrameAssembler
    var timeline: RTPTimeline
    var depacketizer: Depacketizer
    var sequenceUnwrapper = SequenceNumberUnwrapper()
    var ssrc: UInt32?
    /// Video: nothing is written until a keyframe.
    var waitingForKeyframe: Bool
    var lastKeyframeRequest: Double?
    var failed = false
    var closed = false
    /// Counts of assemblers replaced after an SSRC change.
    private var lostBefore = 0
    private var lateBefore = 0

    /// Creates (truncates) `file`; nothing is written until the first usable frame.
    public init(file: URL, codec: TrackCodec, options: Options = Options()) throws(MatroskaWriterError) {
        self.file = file
        self.codec = codec
        self.options = options
        matroska = try MatroskaWriter(file: file)
        assembler = Self.makeAssembler(codec: codec, options: options)
        timeline = RTPTimeline(clockRate: codec.clockRate, maximumDrift: options.maximumDrift)
        depacketizer = Depacketizer(codec)
        waitingForKeyframe = codec.isVideo
    }

    /// Takes one RTP packet that arrived at `arrival` (seconds on the recording
    /// timeline) and writes the frames it completes. Never throws or traps on
    /// bad input.
    public func receive(rtp packet: UnsafeRawBufferPointer, at arrival: Double) -> [TrackWriterAction] {
        guard !closed else { return [] }
        packetsReceived += 1
        var actions: [TrackWriterAction] = []
        if let header = try? RTPHeader(parsing: packet),
           options.payloadType.map({ $0 == header.payloadType }) ?? true {
            if let ssrc, ssrc != header.ssrc {
                restartStream(into: &actions)
            }
            ssrc = header.ssrc
            let payload = Array(packet[header.payloadRange(packetLength: packet.count)])
            let input = FrameAssembler.Packet(sequence: sequenceUnwrapper.unwrap(header.sequenceNumber),
                                              timestamp: header.timestamp, marker: header.marker,
                                              payload: payload, arrival: arrival)
            handle(assembler.insert(input), into: &actions)
        } else {
            invalidPackets += 1
        }
        requestKeyframeIfNeeded(at: arrival, into: &actions)
        return actions
    }

    /// fsync(2) of the file; call every few seconds so that a power loss, too,
    /// keeps what was written.
    public func sync() throws(MatroskaWriterError) {
        guard matroska.track != nil else { return }
        try matroska.sync()
    }

    /// Writes what the reorder buffer still holds and closes the file. The file
    /// is complete as it stands; nothing is patched.
    public func close() {
        guard !closed else { return }
        var actions: [TrackWriterAction] = []
        handle(assembler.flush(), into: &actions)
        closed = true
        matroska.close()
    }

    /// A new SSRC: a new RTP stream whose numbering has nothing to do with the old one.
    private func restartStream(into actions: inout [TrackWriterAction]) {
        handle(assembler.flush(), into: &actions)
        lostBefore += assembler.packetsLost
        lateBefore += assembler.packetsLate
        assembler = Self.makeAssembler(codec: codec, options: options)
        sequenceUnwrapper = SequenceNumberUnwrapper()
        timeline.restart()
        if codec.isVideo { waitingForKeyframe = true }
    }

    private func requestKeyframeIfNeeded(at now: Double, into actions: inout [TrackWriterAction]) {
        guard waitingForKeyframe, !failed else { return }
        if let last = lastKeyframeRequest, now - last < options.keyframeRequestInterval, now >= last {
            return
        }
        lastKeyframeRequest = now
        actions.append(.requestKeyframe)
    }

    private static func makeAssembler(codec: TrackCodec, options: Options) -> FrameAssembler {
        FrameAssembler(framing: codec.isVideo ? .marker : .one, maximumReorderPackets: options.reorderPackets,
                       maximumReorderDelay: options.reorderDelay)
    }
}
