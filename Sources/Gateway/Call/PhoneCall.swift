import Audio
import Logging
import NIOCore
import Rooms
import SDP
import SFU

/// One phone call's media: its RTP socket, codecs, SRTP, jitter buffer and
/// prompt player, and its place in a room. Where the call is in its life
/// (answering, prompting, in the room, leaving) is `machine`'s business; the
/// engine feeds the machine and carries out what it says. Confined to the
/// gateway's event loop.
final class PhoneCall {
    /// Set when the INVITE goes out for a dial-out.
    var sipID: SIPCallID
    let displayName: String
    /// The signaling source: RTP from the SDP address or this host is accepted.
    let signalingHost: String
    /// The call's signalling and lifecycle.
    var machine: PhoneCallMachine
    var logger: Logger

    // Media negotiated with the phone.
    var media: PhoneMedia?
    var channel: (any Channel)?
    var localPort = 0
    /// Where RTP goes: the SDP's address until the phone's first packet shows
    /// where it really sends from (symmetric RTP through NAT).
    var remote: SocketAddress?
    var latched = false
    /// The call's signalling is encrypted (SIP over TLS, or a `sips:`
    /// dial-out): its media must be too (SDES-SRTP, RFC 4568).
    var secureSignaling = false
    /// What hosts see about the caller (`CallerAttributes`).
    var attributes: [String: String] = [:]
    /// The meeting whose bridge mixes this call (the machine's meeting
    /// changes first when a host moves the caller).
    var bridgedMeetingID: String?
    var srtpIn: SRTPSession?
    var srtpOut: SRTPSession?

    /// The rate this call's audio meets the room's at: its bridge's mix rate
    /// in a room, its own codec's rate before (`useMixRate`). `input`,
    /// `output` and `promptFrame` hold one 20 ms frame at it.
    var mixRate = AudioFormat.sampleRate
    /// Prompts and chimes (48 kHz clips) at `mixRate`; nil at 48 kHz.
    var promptResampler: Resampler?
    /// A prompt's 48 kHz frame before `promptResampler`.
    var widePromptFrame = [Int16](repeating: 0, count: AudioFormat.frameSamples)

    // Phone → room.
    var jitter = JitterBuffer()
    var decoder: PhoneDecoder?
    var dtmf = DTMFReceiver()
    var inbandDTMF: DTMFDetector?
    var sawTelephoneEvents = false
    var input = [Int16](repeating: 0, count: AudioFormat.frameSamples)
    var hasInput = false
    var level: UInt8 = 127
    /// The caller's voice into the room's Opus, at the phone codec's own
    /// rate (8 kHz for G.711, 16 kHz for G.722: no resample before it; 48 kHz
    /// for an Opus phone's concealed frames). Made anew when the codec changes.
    var roomEncoder: OpusEncoder
    var roomSSRC = UInt32.random(in: 1...UInt32.max)
    var roomSequence = UInt16.random(in: 0...UInt16.max)
    var roomTimestamp = UInt32.random(in: 0...UInt32.max)
    var opusScratch = [UInt8](repeating: 0, count: 1500)
    /// The room encoder's packet for a frame of digital silence, made with
    /// the encoder: what a quiet caller sends for each frame (`SilenceGate`).
    var silencePayload = SilenceGate.emptyFrame
    /// The last tick sent the room nothing (muted, no input).
    var sentNothing = true
    /// This tick's Opus payload from an Opus phone, forwarded without re-encoding.
    var passthrough: [UInt8]?
    /// This tick's packet from an Opus phone never came (see `roomPacket`):
    /// `.known` when a later packet is already in hand, `.unknown` when none is.
    var passthroughLost: MissingPacket?
    enum MissingPacket { case known, unknown }
    /// Opus packets sent to the room as the phone encoded them, and re-encoded;
    /// an Opus phone's lost packets left as gaps in the room's sequence.
    var passedThrough = 0, reencoded = 0, gapsLeft = 0
    /// Whether a quiet caller's frame is encoded for the room at all.
    var roomGate = SilenceGate()
    /// Frames the gate kept from the encoder (sent as the silence packet).
    var gatedFrames = 0
    /// What the room's listeners lose of this caller (from the media loop).
    let downstreamLoss = DownstreamLoss()
    /// The room encoder's planned loss, and ticks since it was last looked at.
    var fec = FECSteering()
    var ticksSinceFECCheck = 0

    // Room → phone.
    var encoder: PhoneEncoder?
    var outSSRC = UInt32.random(in: 1...UInt32.max)
    var outSequence = UInt16.random(in: 0...UInt16.max)
    var outTimestamp = UInt32.random(in: 0...UInt32.max)
    var output = [Int16](repeating: 0, count: AudioFormat.frameSamples)
    /// The prompt's frame this tick (reused: this runs every 20 ms per call).
    var promptFrame = [Int16](repeating: 0, count: AudioFormat.frameSamples)
    var payloadScratch = [UInt8](repeating: 0, count: PhoneEncoder.maxPayloadBytes)
    var player = PromptPlayer()
    /// Join and leave chimes, one per kind per window (`ChimeGate`).
    var chimes = ChimeGate()

    // The room.
    var room: Room?
    var participantID: String?
    var transport: LocalTransportHandle?
    var producerID: String?
    /// Tells whoever placed a dial-out how it went.
    var notify: (@Sendable (String) -> Void)?
    /// A transfer under way (REFER sent): where to, and how the host who
    /// asked for it hears of its progress.
    var transfer: (target: String, notify: @Sendable (String) -> Void)?
    /// The REFER under way sends the caller to the node that runs their
    /// meeting (`GatewayEngine.sendToMeetingNode`), not one a host asked for.
    var followsMeetingToNode = false

    init(sipID: SIPCallID, displayName: String, signalingHost: String, machine: PhoneCallMachine, logger: Logger) throws {
        self.sipID = sipID
        self.displayName = displayName
        self.signalingHost = signalingHost
        self.machine = machine
        var logger = logger
        logger[metadataKey: "call"] = "\(sipID)"
        self.logger = logger
        self.roomEncoder = try OpusEncoder(channels: 1, bitrate: 32_000, expectedLossPercent: 0)
    }

    var stage: PhoneCallMachine.Stage { machine.stage }
    var muted: Bool { machine.muted }
    var meeting: DialInMeeting? { machine.meeting }
    var isOnHold: Bool { media?.isOnHold ?? false }

    /// This tick's input is in the room's mix (and must be left out of the caller's own).
    var isSpeakingToRoom: Bool { stage == .inRoom && hasInput && !muted }
}
