import Audio
import Logging
import NIOCore
import Rooms
import SDP
import SFU

/// One phone call: its SIP dialog, its RTP socket and codec state, where it
/// is in the prompt, and its place in a room. Confined to the gateway's
/// event loop; `GatewayEngine` drives it and owns the SIP and room sides.
final class PhoneCall {
    enum Stage: Equatable {
        /// The INVITE is being answered (SDP, port, dialplan).
        case answering
        /// Hearing "enter the meeting code" and typing.
        case prompting
        /// Joining a room (or waiting in its lobby).
        case joining
        case inRoom
        /// Playing a last prompt before hanging up.
        case leaving
        case ended
    }

    /// Set when the INVITE goes out for a dial-out.
    var sipID: SIPCallID
    let displayName: String
    /// The signaling source: RTP from the SDP address or this host is accepted.
    let signalingHost: String
    let outgoing: Bool
    var stage: Stage = .answering
    var logger: Logger

    // Media negotiated with the phone.
    var media: PhoneMedia?
    /// Our SDP in the last answer or offer we sent.
    var localSDP: String?
    /// Our offer awaiting the phone's answer (an INVITE without SDP: RFC 3264 §5).
    var pendingOffer: String?
    /// The 200 OK went out.
    var answered = false
    var channel: (any Channel)?
    var localPort = 0
    /// Where RTP goes: the SDP's address until the phone's first packet shows
    /// where it really sends from (symmetric RTP through NAT).
    var remote: SocketAddress?
    var latched = false
    var srtpIn: SRTPSession?
    var srtpOut: SRTPSession?
    var lastRTPAt: NIODeadline

    // Phone → room.
    var jitter = JitterBuffer()
    var decoder: PhoneDecoder?
    var dtmf = DTMFReceiver()
    var inbandDTMF: DTMFDetector?
    var sawTelephoneEvents = false
    var input = [Int16](repeating: 0, count: AudioFormat.frameSamples)
    var hasInput = false
    var level: UInt8 = 127
    let roomEncoder: OpusEncoder
    var roomSSRC = UInt32.random(in: 1...UInt32.max)
    var roomSequence = UInt16.random(in: 0...UInt16.max)
    var roomTimestamp = UInt32.random(in: 0...UInt32.max)
    var opusScratch = [UInt8](repeating: 0, count: 1500)
    /// This tick's Opus payload from an Opus phone, forwarded without re-encoding.
    var passthrough: [UInt8]?
    /// Opus packets sent to the room as the phone encoded them, and re-encoded.
    var passedThrough = 0, reencoded = 0

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

    // The prompt and the room.
    var prompt = CodePrompt()
    /// The caller stopped typing at this time (a code without # counts after a pause).
    var lastKeyAt: NIODeadline?
    var meeting: DialInMeeting?
    var room: Room?
    var participantID: String?
    var transport: LocalTransportHandle?
    var producerID: String?
    var muted = false
    /// The room is recording and this caller has been told so.
    var heardRecording = false
    /// Tells whoever placed a dial-out how it went.
    var notify: (@Sendable (String) -> Void)?
    /// `*` was pressed in the room: the next key is a command (`*6` mutes).
    var starPressedAt: NIODeadline?

    init(sipID: SIPCallID, displayName: String, signalingHost: String, outgoing: Bool, logger: Logger) throws {
        self.sipID = sipID
        self.displayName = displayName
        self.signalingHost = signalingHost
        self.outgoing = outgoing
        var logger = logger
        logger[metadataKey: "call"] = "\(sipID)"
        self.logger = logger
        self.lastRTPAt = .now()
        self.roomEncoder = try OpusEncoder(channels: 1, bitrate: 32_000)
    }

    var isOnHold: Bool { media?.isOnHold ?? false }

    /// This tick's input is in the room's mix (and must be left out of the caller's own).
    var isSpeakingToRoom: Bool { stage == .inRoom && hasInput && !muted }
}
