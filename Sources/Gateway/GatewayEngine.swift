import Audio
import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import SDP
import SFU

/// The gateway's state, confined to its event loop: calls, room bridges,
/// RTP ports, and the 20 ms clock that moves audio both ways. SIP events
/// and room events arrive here; what they cause goes out through the user
/// agent and the rooms.
final class GatewayEngine {
    /// The Opus a caller's voice enters the room as (payload type as a browser numbers it).
    static let roomOpus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                             fmtp: "minptime=10;useinbandfec=1")
    static let audioLevelExtensionID: UInt8 = 1

    let configuration: GatewayConfiguration
    let eventLoop: any EventLoop
    let userAgent: SIPUserAgent
    let rooms: RoomRegistry
    let directory: any MeetingDirectory
    let dialplan: Dialplan
    let prompts: PromptLibrary
    let metrics: GatewayMetrics
    let logger: Logger
    let allocator = ByteBufferAllocator()
    let preferences: [PhoneCodec]

    var calls: [SIPCallID: PhoneCall] = [:]
    var bridges: [String: RoomBridge] = [:]
    var ports: RTPPortPool
    var limiter: InviteRateLimiter
    /// Set by `PhoneGateway` once it runs on the loop (for room events to find it).
    var bound: NIOLoopBound<GatewayEngine>?
    let sessionID = UInt64.random(in: 1...UInt64(Int64.max))
    /// Set at shutdown: the clock stops.
    var stopped = false
    var sessionVersion: UInt64 = 1

    init(configuration: GatewayConfiguration, eventLoop: any EventLoop, userAgent: SIPUserAgent, rooms: RoomRegistry,
         directory: any MeetingDirectory, dialplan: Dialplan, prompts: PromptLibrary, metrics: GatewayMetrics, logger: Logger) {
        self.configuration = configuration
        self.eventLoop = eventLoop
        self.userAgent = userAgent
        self.rooms = rooms
        self.directory = directory
        self.dialplan = dialplan
        self.prompts = prompts
        self.metrics = metrics
        self.logger = logger
        self.ports = RTPPortPool(range: configuration.rtpPorts)
        self.limiter = InviteRateLimiter(perMinute: configuration.invitesPerMinute)
        self.preferences = configuration.codecs.compactMap { PhoneCodec(rawValue: $0) }
    }

    /// How tasks (room and directory calls) get back to the engine.
    var handle: GatewayEngineHandle { GatewayEngineHandle(bound: bound!) }

    // MARK: - The 20 ms clock

    func tick() {
        let now = NIODeadline.now()
        for call in calls.values where call.media != nil {
            for key in call.pullInput() { pressed(key, on: call, now: now) }
            // Each caller has a local transport of their own: one hop onto the media loop per packet.
            if let packet = call.roomPacket(allocator: allocator), let producer = call.producerID, let transport = call.transport {
                transport.send([(producer, packet)])
            }
            if call.stage == .prompting, !call.answered, !call.player.isPlaying { answer(call) }
            if let last = call.lastKeyAt, call.stage == .prompting, now - last > .seconds(5) {
                call.lastKeyAt = nil
                run(call.prompt.typingPaused(), on: call)
            }
            if call.stage != .answering, call.stage != .ended, now - call.lastRTPAt > configuration.rtpTimeout,
               call.media?.remoteDirection.sends ?? true {
                call.logger.notice("no RTP from the phone: hanging up", metadata: ["seconds": "\(configuration.rtpTimeout.nanoseconds / 1_000_000_000)"])
                metrics.count("rtp_timeout")
                hangUp(call, reason: "rtp_timeout")
            }
        }
        // Callers in a room hear its mix; the others hear their prompts.
        var bridged = Set<SIPCallID>()
        for bridge in bridges.values {
            bridge.mix(allocator: allocator)
            bridged.formUnion(bridge.calls.keys)
        }
        for call in calls.values where !bridged.contains(call.sipID) {
            call.sendOutput(mix: nil, allocator: allocator)
        }
        for call in calls.values {
            call.channel?.flush()
            if call.stage == .leaving, !call.player.isPlaying { hangUp(call, reason: "goodbye") }
        }
    }

    // MARK: - Keys

    func pressed(_ key: Character, on call: PhoneCall, now: NIODeadline) {
        metrics.count("dtmf")
        switch call.stage {
        case .prompting:
            call.lastKeyAt = now
            if !call.answered { answer(call) }
            run(call.prompt.pressed(key), on: call)
        case .inRoom:
            // *6 toggles mute, as on most conference bridges.
            if key == "*" {
                call.starPressedAt = now
            } else if key == "6", let star = call.starPressedAt, now - star < .seconds(3) {
                call.starPressedAt = nil
                setMuted(call, !call.muted)
            } else {
                call.starPressedAt = nil
            }
        default:
            break
        }
    }

    func setMuted(_ call: PhoneCall, _ muted: Bool) {
        guard let room = call.room, let id = call.participantID else { return }
        call.muted = muted
        call.play(prompts.clip(muted ? .muted : .unmuted), replacing: true)
        Task { try? await room.setMuted(id, source: .microphone, muted: muted) }
    }

    /// Looks a dial-in code up off the loop and comes back with the answer,
    /// if the call is still there (nil: no such meeting, or the lookup failed).
    func findMeeting(_ code: String, for call: PhoneCall,
                     then: @escaping @Sendable (GatewayEngine, PhoneCall, DialInMeeting?) -> Void) {
        let directory = self.directory
        let id = call.sipID
        let handle = self.handle
        Task {
            let meeting = try? await directory.meeting(dialInCode: code)
            handle.later { engine in
                guard let call = engine.calls[id] else { return }
                then(engine, call, meeting ?? nil)
            }
        }
    }

    /// Carries out what the code prompt decided.
    func run(_ actions: [CodePrompt.Action], on call: PhoneCall) {
        for action in actions {
            switch action {
            case .play(let prompt):
                call.play(prompts.clip(prompt), replacing: true)
            case .lookUp(let code):
                findMeeting(code, for: call) { engine, call, meeting in
                    engine.run(call.prompt.meetingFound(meeting), on: call)
                }
            case .join(let meeting):
                join(call, meeting: meeting)
            case .hangUp(let prompt):
                call.play(prompts.clip(prompt), replacing: true)
                call.stage = .leaving
            }
        }
    }
}

/// The engine as tasks hold it: they come back to it on its loop.
struct GatewayEngineHandle: Sendable {
    let bound: NIOLoopBound<GatewayEngine>

    /// Runs `body` on the gateway loop with the engine.
    func later(_ body: @escaping @Sendable (GatewayEngine) -> Void) {
        let bound = self.bound
        bound.eventLoop.execute { body(bound.value) }
    }
}
