import Audio
import RTP
import NIOCore
import Rooms
import SDP
import SFU
import Synchronization

/// The audio of one room as its phone callers hear it (DESIGN.md: "Opus from
/// a room is decoded once per room and mixed N-1 for each phone").
///
/// A local transport (the tap) consumes every browser's microphone and
/// screen audio; each is jitter-buffered and decoded once per 20 ms. Phone
/// callers' own frames are mixed in directly, without a trip through Opus.
/// Each caller then hears the sum of everything but themself.
///
/// The mix runs at the rate of its widest caller (`mixRate`): 8 kHz while
/// every caller is on G.711, so their audio is never resampled, and the
/// room's Opus is decoded straight to 8 kHz; 16 kHz once a G.722 phone joins,
/// 48 kHz with an Opus phone.
final class RoomBridge {
    let meetingID: String
    var tap: LocalTransportHandle?
    let inbox = PacketInbox()
    /// Calls bridged here, by SIP id (`add`, `remove`).
    private(set) var calls: [SIPCallID: PhoneCall] = [:]
    /// Samples per second of the mix.
    private(set) var mixRate = 8_000
    /// What the room says each participant publishes: participant → audio producer ids.
    private var audioProducers: [String: Set<String>] = [:]
    /// The producers the tap consumes now, and whether that set must be updated.
    private(set) var subscribed: Set<String> = []
    /// A subscription update is in flight.
    var syncing = false
    private var tracks: [String: RoomTrack] = [:]
    private var mixer = AudioMixer(frameSamples: AudioFormat.frameSamples(atRate: 8_000))
    private var mixed = [Int16](repeating: 0, count: AudioFormat.frameSamples(atRate: 8_000))
    private var frame = [Int16](repeating: 0, count: AudioFormat.frameSamples(atRate: 8_000))

    init(meetingID: String) { self.meetingID = meetingID }

    // MARK: - Callers

    /// Bridges a call; the mix widens if the call's codec is wider than it.
    func add(_ call: PhoneCall) {
        calls[call.sipID] = call
        retune()
        try? call.useMixRate(mixRate)
    }

    /// Takes a call out; the mix narrows if it was the widest.
    func remove(_ id: SIPCallID) {
        calls[id] = nil
        retune()
    }

    /// A bridged call changed codec (a re-INVITE, RFC 3264 §8.3.2): the
    /// mix widens or narrows to what its callers need now, and the call
    /// meets it whatever its new codec.
    func codecChanged(_ call: PhoneCall) {
        retune()
        try? call.useMixRate(mixRate)
    }

    /// The rate the callers need: the widest codec's (8 kHz with no caller).
    static func mixRate(for codecs: [VoiceCodec]) -> Int {
        codecs.map(\.sampleRate).max() ?? 8_000
    }

    /// Moves the mix to the rate its callers need, and every caller and room track with it.
    private func retune() {
        let rate = Self.mixRate(for: calls.values.compactMap { $0.decoder?.codec })
        guard rate != mixRate else { return }
        mixRate = rate
        let samples = AudioFormat.frameSamples(atRate: rate)
        mixer = AudioMixer(frameSamples: samples)
        mixed = [Int16](repeating: 0, count: samples)
        frame = [Int16](repeating: 0, count: samples)
        for call in calls.values { try? call.useMixRate(rate) }
        for (id, track) in tracks { tracks[id] = try? RoomTrack(clockRate: track.clockRate, sampleRate: rate) }
    }

    // MARK: - What the room publishes

    /// A participant's producers as the room reported them.
    func update(_ participant: ParticipantSummary) {
        let audio = participant.producers.filter { $0.kind == "audio" }.map(\.id)
        audioProducers[participant.id] = Set(audio)
    }

    func remove(participantID: String) { audioProducers[participantID] = nil }

    /// Audio producers the tap should consume: everyone's but the callers' here.
    var wanted: Set<String> {
        let own = Set(calls.values.compactMap(\.producerID))
        let ownParticipants = Set(calls.values.compactMap(\.participantID))
        return Set(audioProducers.filter { !ownParticipants.contains($0.key) }.values.flatMap { $0 }).subtracting(own)
    }

    /// The tap now consumes these (after `MediaNode.subscribeLocal`).
    func subscribed(_ subscriptions: [LocalSubscription]) {
        subscribed = Set(subscriptions.map(\.producerID))
        for s in subscriptions where tracks[s.producerID] == nil {
            if let track = try? RoomTrack(clockRate: Int(s.codec.clockRate), sampleRate: mixRate) { tracks[s.producerID] = track }
        }
        for id in tracks.keys where !subscribed.contains(id) { tracks[id] = nil }
    }

    // MARK: - Every 20 ms

    /// Decodes the room's tracks once, adds the callers' frames, and hands
    /// each caller everything but themself.
    func mix(allocator: ByteBufferAllocator) {
        let now = NIODeadline.now().uptimeNanoseconds
        for packet in inbox.drain() where !packet.isRTCP {
            tracks[packet.producerID]?.insert(packet.bytes, arrivalNanoseconds: now)
        }
        mixer.reset()
        for track in tracks.values {
            if track.pull(into: &frame) { frame.withUnsafeBufferPointer { mixer.add($0) } }
        }
        for call in calls.values where call.isSpeakingToRoom { call.input.withUnsafeBufferPointer { mixer.add($0) } }
        for call in calls.values {
            if call.isSpeakingToRoom {
                call.input.withUnsafeBufferPointer { o in mixed.withUnsafeMutableBufferPointer { mixer.mix(excluding: o, into: $0) } }
            } else {
                mixed.withUnsafeMutableBufferPointer { mixer.mix(excluding: nil, into: $0) }
            }
            if call.stage == .inRoom {
                mixed.withUnsafeBufferPointer { call.sendOutput(mix: $0, allocator: allocator) }
            } else {
                call.sendOutput(mix: nil, allocator: allocator)
            }
        }
    }
}

/// Packets from the tap, handed over from the media loop to the gateway loop.
final class PacketInbox: Sendable {
    private let packets = Mutex<[LocalMediaPacket]>([])
    /// Most packets kept between two mixes (a stalled gateway must not grow memory).
    static let capacity = 4096

    func append(_ packet: LocalMediaPacket) {
        packets.withLock { if $0.count < Self.capacity { $0.append(packet) } }
    }

    func drain() -> [LocalMediaPacket] { packets.withLock { p in defer { p.removeAll(keepingCapacity: true) }; return p } }
}

/// One room producer's Opus as the bridge plays it: a jitter buffer and a
/// decoder writing the mix's rate.
final class RoomTrack {
    let clockRate: Int
    private var jitter: JitterBuffer
    private let decoder: OpusDecoder

    init(clockRate: Int, sampleRate: Int) throws {
        self.clockRate = clockRate
        jitter = JitterBuffer(configuration: .init(clockRate: clockRate))
        decoder = try OpusDecoder(sampleRate: sampleRate)
    }

    func insert(_ packet: ByteBuffer, arrivalNanoseconds: UInt64) {
        packet.withUnsafeReadableBytes { bytes in
            guard let header = try? RTPHeader(parsing: bytes) else { return }
            let payload = bytes[header.payloadRange(packetLength: bytes.count)]
            guard !payload.isEmpty else { return }
            jitter.insert(sequenceNumber: header.sequenceNumber, timestamp: header.timestamp, ssrc: header.ssrc,
                          payload: Array(payload), arrivalNanoseconds: arrivalNanoseconds)
        }
    }

    /// The next 20 ms; false for silence (nothing to add).
    func pull(into frame: inout [Int16]) -> Bool {
        do {
            switch jitter.pull() {
            case .frame(let packet):
                let n = try packet.payload.withUnsafeBufferPointer { p in try frame.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
                return n >= frame.count
            case .lost(_, let next):
                let n: Int
                if let next {
                    n = try next.payload.withUnsafeBufferPointer { p in try frame.withUnsafeMutableBufferPointer { try decoder.decodeFEC(next: p, into: $0) } }
                } else {
                    n = try frame.withUnsafeMutableBufferPointer { try decoder.conceal(into: $0) }
                }
                return n >= frame.count
            case .silence:
                return false
            }
        } catch {
            return false
        }
    }
}
