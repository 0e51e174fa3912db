import Audio
import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import SDP
import SFU

/// The gateway's state, confined to its event loop: calls, room bridges,
/// RTP ports, and the 20 ms clock that moves audio both ways. SIP events,
/// RTP and room events arrive here and are fed to each call's
/// `PhoneCallMachine`; the engine carries out the actions the machine
/// returns (SIP responses, prompts, rooms, sockets) and keeps the media
/// loop. It decides nothing about a call's stages itself.
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
    let timing: PhoneCallMachine.Timing

    /// This engine's place among the gateway's loops, and what they share.
    let index: Int
    let loops: GatewayLoops
    var calls: [SIPCallID: PhoneCall] = [:]
    var bridges: [String: RoomBridge] = [:]
    var ports: RTPPortPool
    /// Admission by count and by the loop's load (`GatewayEngine+Admission`).
    var admission: CallAdmission
    /// The loop's load, fed by the 20 ms clock (`PhoneGateway.scheduleTick`).
    var load = LoopLoad()
    /// Direct dials whose code is being looked up: no call, no port yet.
    var pendingDials: [SIPCallID: IncomingCall] = [:]
    let sessionID = UInt64.random(in: 1...UInt64(Int64.max))
    /// Set at shutdown: the clock stops.
    var stopped = false
    var sessionVersion: UInt64 = 1

    /// Makes the engine on `eventLoop`; it is used there only.
    init(configuration: GatewayConfiguration, eventLoop: any EventLoop, userAgent: SIPUserAgent, rooms: RoomRegistry,
         directory: any MeetingDirectory, dialplan: Dialplan, prompts: PromptLibrary, metrics: GatewayMetrics, logger: Logger,
         index: Int = 0, loops: GatewayLoops? = nil) {
        self.index = index
        self.loops = loops ?? GatewayLoops(engines: 1, invitesPerMinute: configuration.invitesPerMinute)
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
        self.admission = CallAdmission(maxCalls: configuration.maxCalls, maxPromptCalls: configuration.maxPromptCalls,
                                       headroom: configuration.headroom)
        self.preferences = configuration.codecs.compactMap { PhoneCodec(rawValue: $0) }
        self.timing = PhoneCallMachine.Timing(rtpTimeout: configuration.rtpTimeout)
    }

    /// The engine bound to its loop, for closures and tasks that come back
    /// to it (made on the loop, where the engine always runs).
    var bound: NIOLoopBound<GatewayEngine> { NIOLoopBound(self, eventLoop: eventLoop) }

    /// How tasks (room and directory calls) get back to the engine.
    var handle: GatewayEngineHandle { GatewayEngineHandle(bound: bound) }

    /// The loop's clock: real time on a real loop, manual time on NIO's test loops.
    var now: NIODeadline { eventLoop.now }

    // MARK: - The 20 ms clock

    /// Moves audio both ways and gives every call's machine the time.
    func tick() {
        let now = self.now
        var toRooms: [(transport: LocalTransportHandle, producerID: String, packet: ByteBuffer)] = []
        toRooms.reserveCapacity(calls.count)
        for call in calls.values {
            for key in call.pullInput() { pressed(key, on: call) }
            if let packet = call.roomPacket(allocator: allocator), let producer = call.producerID, let transport = call.transport {
                toRooms.append((transport, producer, packet))
            }
            feed(.tick, to: call, now: now)
        }
        // Each caller has a local transport of their own; the tick's packets
        // go over together, one hop per media loop.
        LocalTransportHandle.send(toRooms)
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
            if call.machine.promptPlaying, !call.player.isPlaying { feed(.promptFinished, to: call, now: now) }
        }
    }

    /// A key from the phone (RFC 4733 event or in-band tone).
    func pressed(_ key: Character, on call: PhoneCall) {
        metrics.count("dtmf")
        feed(.key(key), to: call)
    }

    // MARK: - The machine

    /// Gives `event` to the call's machine and carries out what it says.
    func feed(_ event: PhoneCallMachine.Event, to call: PhoneCall, now: NIODeadline? = nil) {
        let actions = call.machine.handle(event, now: now ?? self.now)
        run(actions, on: call)
    }

    /// Carries out the machine's actions, in order.
    func run(_ actions: [PhoneCallMachine.Action], on call: PhoneCall) {
        for action in actions {
            switch action {
            case .respond(let status, let phrase, let headers, let sdp):
                userAgent.respond(call.sipID, status: status, phrase: phrase, sdp: sdp, headers: headers)
            case .sendEarlyMedia(let sdp):
                userAgent.respond(call.sipID, status: 183, phrase: "Session Progress", sdp: sdp)
            case .answer(let sdp):
                userAgent.respond(call.sipID, status: 200, phrase: "OK", sdp: sdp)
            case .applyMedia(let media):
                do {
                    try apply(media, to: call)
                } catch {
                    call.logger.notice("the phone's media cannot be used: hanging up", metadata: ["reason": "\(error)"])
                    // The machine ends the call; what followed the media is moot.
                    feed(.mediaUnusable(reason: "\(error)"), to: call)
                    return
                }
            case .play(let prompt, let replacing):
                call.play(prompts.clip(prompt), replacing: replacing)
            case .lookUp(let code):
                findMeeting(code, for: call)
            case .joinRoom(let meeting):
                join(call, meeting: meeting)
            case .publish:
                publish(call)
            case .setMuted(let muted):
                setMuted(call, muted)
            case .notifyDialer(let text):
                call.notify?(text)
            case .leaveRoom(let reason):
                leaveRoom(call, reason: reason)
            case .hangUp(let reason):
                userAgent.hangUp(call.sipID)
                release(call, reason: reason)
            case .finish(let reason):
                release(call, reason: reason)
            }
        }
    }

    /// Puts negotiated media to use on a call; a bridged call that changed
    /// codec (a re-INVITE) retunes its room's mix.
    func apply(_ media: PhoneMedia, to call: PhoneCall) throws {
        let codec = call.decoder?.codec
        try call.apply(media, cleaning: configuration.voiceCleaning)
        if codec != call.decoder?.codec, let meetingID = call.bridgedMeetingID { bridges[meetingID]?.codecChanged(call) }
    }

    func setMuted(_ call: PhoneCall, _ muted: Bool) {
        guard let room = call.room, let id = call.participantID else { return }
        Task { try? await room.setMuted(id, source: .microphone, muted: muted) }
    }

    /// Looks a dial-in code up off the loop and tells the call's machine,
    /// if the call is still there (a failed lookup counts as no such meeting).
    func findMeeting(_ code: String, for call: PhoneCall) {
        let directory = self.directory
        let id = call.sipID
        let handle = self.handle
        Task {
            let meeting = (try? await directory.meeting(dialInCode: code)) ?? nil
            let result: Result<DialInMeeting, CallRefusal> = if let meeting { .success(meeting) } else { .failure(.unknownMeeting) }
            handle.later { engine in
                guard let call = engine.calls[id] else { return }
                engine.feed(.lookedUp(result), to: call)
            }
        }
    }
}
