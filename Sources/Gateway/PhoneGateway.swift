import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import Synchronization
import SFU

/// The SIP/RTP phone gateway (DESIGN.md "Gateway"): answers calls from desk
/// phones, softphones and trunks, routes them by the dialplan, and bridges
/// their audio into meeting rooms. Each of its event loops, given by whoever
/// builds the gateway, carries a `GatewayEngine`: its calls' RTP and its own
/// 20 ms mixing clock. A new call goes to the engine with the fewest calls,
/// or to the one already mixing its meeting (`GatewayLoops`); sofia-sip runs
/// on its own thread and its events go to the engine carrying the call.
public final class PhoneGateway: Sendable {
    public let configuration: GatewayConfiguration
    let userAgent: SIPUserAgent
    /// One engine per loop.
    let engines: [NIOLoopBound<GatewayEngine>]
    let loops: GatewayLoops
    let metrics: GatewayMetrics
    let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// A gateway on one loop.
    public convenience init(configuration: GatewayConfiguration, dialplan: Dialplan, rooms: RoomRegistry,
                            directory: any MeetingDirectory, eventLoop: any EventLoop, logger: Logger) async throws {
        try await self.init(configuration: configuration, dialplan: dialplan, rooms: rooms, directory: directory,
                            eventLoops: [eventLoop], logger: logger)
    }

    /// Loads the prompts and checks the dialplan: a gateway that cannot
    /// answer properly refuses to start rather than start half-configured.
    /// `eventLoops` carry the calls' RTP and the mixing clocks, one engine
    /// each; the caller owns them (and shuts them down after `stop()`).
    /// `sip.max_calls`, `sip.max_prompt_calls` and the RTP port range are
    /// shared out among the engines.
    public init(configuration: GatewayConfiguration, dialplan: Dialplan, rooms: RoomRegistry,
                directory: any MeetingDirectory, eventLoops: [any EventLoop], logger: Logger) async throws {
        precondition(!eventLoops.isEmpty, "a gateway needs at least one loop")
        var tagged = logger
        tagged[metadataKey: "component"] = "gateway"
        // A constant: the engines are made on their loops with it.
        let logger = tagged
        self.logger = logger
        self.configuration = configuration
        let prompts = try PromptLibrary(directory: configuration.promptsDirectory)
        let userAgent = SIPUserAgent(
            configuration: SIPUserAgentConfiguration(
                host: configuration.sipHost, port: configuration.sipPort,
                sessionExpires: configuration.sessionExpires,
                tls: configuration.tls, contactHost: configuration.advertisedAddress),
            logger: logger)
        self.userAgent = userAgent
        let metrics = GatewayMetrics(logger: logger)
        self.metrics = metrics
        let loops = GatewayLoops(
            engines: eventLoops.count, invitesPerMinute: configuration.invitesPerMinute,
            trunks: TrunkTable(trunks: configuration.trunks, directCalls: configuration.directCalls),
            challenger: DigestChallenger(realm: configuration.authRealm.isEmpty ? configuration.advertisedAddress : configuration.authRealm))
        self.loops = loops
        var engines: [NIOLoopBound<GatewayEngine>] = []
        for (index, loop) in eventLoops.enumerated() {
            let share = Self.share(of: configuration, engine: index, of: eventLoops.count)
            var engineLogger = logger
            if eventLoops.count > 1 { engineLogger[metadataKey: "loop"] = "gateway-\(index)" }
            let constantLogger = engineLogger
            engines.append(try await loop.submit {
                GatewayEngine(configuration: share, eventLoop: loop, userAgent: userAgent, rooms: rooms,
                              directory: directory, dialplan: dialplan, prompts: prompts, metrics: metrics, logger: constantLogger,
                              index: index, loops: loops).bound
            }.get())
        }
        self.engines = engines
        loops.setEngines(engines)
    }

    /// Engine `index`'s part of the node's limits: its share of the calls and
    /// of the prompt (rounded up) and its own slice of the RTP ports.
    static func share(of c: GatewayConfiguration, engine index: Int, of count: Int) -> GatewayConfiguration {
        guard count > 1 else { return c }
        var share = c
        share.maxCalls = max(1, (c.maxCalls + count - 1) / count)
        share.maxPromptCalls = max(1, (c.maxPromptCalls + count - 1) / count)
        if c.rtpPorts.lowerBound != 0 {
            let size = c.rtpPorts.count / count
            let low = c.rtpPorts.lowerBound + index * size
            let high = index == count - 1 ? c.rtpPorts.upperBound : low + size - 1
            share.rtpPorts = low...max(low, high)
        }
        return share
    }

    /// Starts SIP and the mixing clocks; returns the bound SIP port.
    @discardableResult
    public func start() async throws -> Int {
        try await userAgent.start()
        let engines = self.engines
        let loops = self.loops
        let events = userAgent.events
        for engine in engines {
            try await engine.eventLoop.submit { PhoneGateway.scheduleTick(engine, at: .now() + .milliseconds(20)) }.get()
        }
        let task = Task {
            for await event in events {
                for index in PhoneGateway.engines(for: event, loops: loops) {
                    let engine = engines[index]
                    engine.eventLoop.execute { engine.value.handle(event) }
                }
            }
        }
        tasks.withLock { $0.append(task) }
        for trunk in configuration.trunks where trunk.register {
            userAgent.register(name: trunk.name, registrar: trunk.uri, user: trunk.username, password: trunk.password,
                               expires: trunk.registerSeconds)
        }
        let port = userAgent.boundPort
        logger.info("SIP listening", metadata: ["address": "\(configuration.sipHost):\(port)",
                                                "transports": configuration.tls.map { "udp, tcp, tls on \($0.port)" } ?? "udp, tcp",
                                                "rtp": "\(configuration.rtpHost) \(configuration.rtpPorts)",
                                                "loops": "\(engines.count)"])
        return port
    }

    /// Which engines get a SIP event: a new call the least busy one; any
    /// other event the engine carrying its call, or every engine when none
    /// does yet (a dial-out's first answer can race its registration; an
    /// engine ignores calls it does not carry).
    static func engines(for event: SIPEvent, loops: GatewayLoops) -> [Int] {
        guard loops.count > 1 else { return [0] }
        let id: SIPCallID
        switch event {
        case .incomingCall:
            return [loops.leastBusyEngine()]
        case .registered, .registrationFailed:
            return [0]
        case .acknowledged(let i, _), .reinvite(let i, _), .cancelled(let i), .ended(let i, _), .info(let i, _, _),
             .outgoingProgress(let i, _, _), .outgoingAnswered(let i, _), .outgoingFailed(let i, _, _),
             .transferProgress(let i, _, _, _, _):
            id = i
        }
        if let owner = loops.owner(of: id) { return [owner] }
        return Array(0..<loops.count)
    }

    /// The 20 ms clock, against absolute deadlines: NIO's repeated task waits
    /// its delay after each run ends, so a 3 ms tick would make a 23 ms clock
    /// and phones would get 43 frames a second instead of 50. A tick that runs
    /// late is followed at once by the next; after a long stall (over 100 ms)
    /// the clock starts afresh rather than sending a burst.
    static func scheduleTick(_ engine: NIOLoopBound<GatewayEngine>, at deadline: NIODeadline) {
        engine.eventLoop.scheduleTask(deadline: deadline) {
            let e = engine.value
            guard !e.stopped else { return }
            // How late this tick fired and what the loop's thread has used:
            // the headroom new calls are admitted by (`CallAdmission`).
            let fired = NIODeadline.now()
            e.load.tick(lateness: fired - deadline, threadCPU: ThreadCPUClock.now(), now: fired, calls: e.calls.count)
            e.tick()
            var next = deadline + .milliseconds(20)
            let now = NIODeadline.now()
            if now - next > .milliseconds(100) {
                e.metrics.count("clock_resyncs")
                next = now + .milliseconds(20)
            }
            scheduleTick(engine, at: next)
        }
    }

    /// Hangs up every call and stops SIP.
    public func stop() async {
        for engine in engines {
            try? await engine.eventLoop.submit {
                for call in Array(engine.value.calls.values) { engine.value.feed(.shutdown, to: call) }
            }.get()
        }
        try? await Task.sleep(for: .milliseconds(200))
        for engine in engines { _ = try? await engine.eventLoop.submit { engine.value.stopped = true }.get() }
        await userAgent.stop()
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    /// Calls, refusals, the loops' load and dropped packets, for /metrics:
    /// counts added up over the engines, the latest and busiest loop's figures.
    public func statistics() async -> GatewayStatistics {
        var s = GatewayStatistics(activeCalls: 0, promptCalls: 0, rtpPortsInUse: 0, tickLateness: 0, worstTickLateness: 0,
                                  loopBusy: 0, counts: [:], refusals: [:], droppedPackets: [:])
        for engine in engines {
            let live = try? await engine.eventLoop.submit { () -> GatewayStatistics in
                let e = engine.value
                let calls = e.calls.values
                var counts: [String: Int] = [:]
                counts["opus_passthrough_packets"] = calls.reduce(0) { $0 + $1.passedThrough }
                counts["opus_encoded_packets"] = calls.reduce(0) { $0 + $1.reencoded }
                counts["opus_gaps_left"] = calls.reduce(0) { $0 + $1.gapsLeft }
                counts["opus_gated_frames"] = calls.reduce(0) { $0 + $1.gatedFrames }
                let peak = e.load.takePeak()
                var live = GatewayStatistics(activeCalls: calls.count, promptCalls: e.promptCalls, rtpPortsInUse: e.ports.count,
                                         tickLateness: Self.seconds(e.load.lateness), worstTickLateness: Self.seconds(peak),
                                         loopBusy: e.load.busy, counts: counts, refusals: [:], droppedPackets: [:])
                for bridge in e.bridges.values where !bridge.calls.isEmpty { live.roomMixes[bridge.mixRate, default: 0] += 1 }
                return live
            }.get()
            guard let live else { continue }
            s.activeCalls += live.activeCalls
            s.promptCalls += live.promptCalls
            s.rtpPortsInUse += live.rtpPortsInUse
            s.tickLateness = max(s.tickLateness, live.tickLateness)
            s.worstTickLateness = max(s.worstTickLateness, live.worstTickLateness)
            s.loopBusy = max(s.loopBusy, live.loopBusy)
            s.loops.append(GatewayStatistics.Loop(calls: live.activeCalls, tickLateness: live.tickLateness, busy: live.loopBusy))
            for (name, value) in live.counts { s.counts[name, default: 0] += value }
            for (rate, rooms) in live.roomMixes { s.roomMixes[rate, default: 0] += rooms }
        }
        for (name, value) in metrics.counts { s.counts[name, default: 0] += value }
        s.refusals = metrics.refusals
        s.trunkRegistrations = metrics.registrations
        s.droppedPackets = metrics.droppedPackets
        return s
    }

    static func seconds(_ amount: TimeAmount) -> Double { Double(amount.nanoseconds) / 1e9 }
}

/// A snapshot for /metrics.
public struct GatewayStatistics: Sendable {
    public var activeCalls: Int
    /// Callers without a meeting yet, in the code prompt (`sip.max_prompt_calls`).
    public var promptCalls: Int
    /// RTP sockets open for calls.
    public var rtpPortsInUse: Int
    /// How late the 20 ms mixing tick fires, smoothed, in seconds.
    public var tickLateness: Double
    /// The latest tick since the last snapshot, in seconds.
    public var worstTickLateness: Double
    /// Share of one core the busiest gateway loop's thread uses (0...1).
    public var loopBusy: Double
    public var counts: [String: Int]
    /// INVITEs refused before they became calls, by reason (503:
    /// `rate_limited`, `max_calls`, `max_prompt_calls`, `loop_busy`,
    /// `loop_late`, `lookups`; 403: `forbidden`, no trunk vouches for it).
    public var refusals: [String: Int]
    public var droppedPackets: [String: Int]
    /// Each registering trunk, by name: whether its last REGISTER succeeded.
    public var trunkRegistrations: [String: Bool] = [:]
    /// Each loop's calls and load, by index (`sip.threads`).
    public var loops: [Loop] = []
    /// Rooms with phones, by the rate their phones are mixed at (8 kHz while
    /// all are on G.711, 16 kHz with a G.722 caller, 48 kHz with Opus).
    public var roomMixes: [Int: Int] = [:]

    /// One gateway loop's figures.
    public struct Loop: Sendable {
        public var calls: Int
        public var tickLateness: Double
        public var busy: Double
    }
}

extension PhoneGateway: PhoneDialer {
    public func call(_ target: String, into room: RoomInfo, notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let meeting = DialInMeeting(meetingID: room.meetingId, code: room.code, dialInCode: "", title: room.title,
                                    passcode: nil, lobbyEnabled: false)
        // On the engine that mixes the meeting's callers, if one does.
        let index = loops.engine(forDialOutInto: room.meetingId)
        try await run(on: [index]) { engine throws(GatewayError) in try engine.dialOut(target, meeting: meeting, notify: notify) }
    }

    public func transfer(participantID: String, in room: RoomInfo, to target: String,
                         notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let meetingID = room.meetingId
        try await run(on: Array(engines.indices)) { engine throws(GatewayError) in
            try engine.transfer(participantID: participantID, meetingID: meetingID, to: target, notify: notify)
        }
    }

    public func move(participantID: String, in room: RoomInfo, toMeeting meeting: String,
                     notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let meetingID = room.meetingId
        try await run(on: Array(engines.indices)) { engine throws(GatewayError) in
            try engine.move(participantID: participantID, meetingID: meetingID, to: meeting, notify: notify)
        }
    }

    /// A cordoned or draining node takes no new calls: its OPTIONS answer
    /// 503, so a dispatcher (Kamailio) stops sending it calls.
    public func setTakesNewCalls(_ takes: Bool) { userAgent.setTakesNewCalls(takes) }

    public func sendCallers(in room: RoomInfo, to node: RoomLocation.RemoteNode) async -> Int {
        let meetingID = room.meetingId
        var asked = 0
        for engine in engines {
            asked += (try? await engine.eventLoop.submit { engine.value.sendCallers(of: meetingID, to: node) }.get()) ?? 0
        }
        return asked
    }

    /// Runs `action` on these engines in turn until one does not answer
    /// `noSuchCall` (the caller is on another loop); errors become the
    /// room's errors, in words for the host.
    private func run(on indices: [Int], _ action: @escaping @Sendable (GatewayEngine) throws(GatewayError) -> Void) async throws(RoomError) {
        for index in indices {
            let engine = engines[index]
            let result: Result<Void, GatewayError>
            do {
                result = try await engine.eventLoop.submit { () -> Result<Void, GatewayError> in
                    do throws(GatewayError) {
                        try action(engine.value)
                        return .success(())
                    } catch {
                        return .failure(error)
                    }
                }.get()
            } catch {
                throw RoomError("unavailable", "The phone gateway is not running.")
            }
            switch result {
            case .success: return
            case .failure(.noSuchCall): continue
            case .failure(let error):
                throw RoomError(error.isBadTarget ? "bad_request" : "unavailable",
                                error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
        }
        let gone = GatewayError.noSuchCall.description
        throw RoomError("unavailable", gone.prefix(1).uppercased() + gone.dropFirst() + ".")
    }
}

extension GatewayError {
    var isBadTarget: Bool { if case .badTarget = self { true } else { false } }
}
