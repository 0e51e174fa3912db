import Foundation
import Logging
import NIOCore
import NIOPosix
import Rooms
import Synchronization
import SFU

/// The SIP/RTP phone gateway (DESIGN.md "Gateway"): answers calls from desk
/// phones, softphones and trunks, routes them by the dialplan, and bridges
/// their audio into meeting rooms. One event loop, given by whoever builds
/// the gateway, carries every call's RTP and the 20 ms mixing clock;
/// sofia-sip runs on its own thread.
public final class PhoneGateway: Sendable {
    public let configuration: GatewayConfiguration
    let userAgent: SIPUserAgent
    let eventLoop: any EventLoop
    let engine: NIOLoopBound<GatewayEngine>
    let metrics: GatewayMetrics
    let logger: Logger
    private let tasks = Mutex<[Task<Void, Never>]>([])

    /// Loads the prompts and checks the dialplan: a gateway that cannot
    /// answer properly refuses to start rather than start half-configured.
    /// `eventLoop` carries the calls' RTP and the mixing clock; the caller
    /// owns it (and shuts it down after `stop()`).
    public init(configuration: GatewayConfiguration, dialplan: Dialplan, rooms: RoomRegistry,
                directory: any MeetingDirectory, eventLoop: any EventLoop, logger: Logger) async throws {
        var tagged = logger
        tagged[metadataKey: "component"] = "gateway"
        // A constant: the engine is made on the loop with it.
        let logger = tagged
        self.logger = logger
        self.configuration = configuration
        let prompts = try PromptLibrary(directory: configuration.promptsDirectory)
        let userAgent = SIPUserAgent(
            configuration: SIPUserAgentConfiguration(
                host: configuration.sipHost, port: configuration.sipPort,
                sessionExpires: configuration.sessionExpires,
                credentials: configuration.trunk.flatMap {
                    $0.username.isEmpty ? nil : SIPCredentials(username: $0.username, password: $0.password)
                },
                tls: configuration.tls, contactHost: configuration.advertisedAddress),
            logger: logger)
        self.userAgent = userAgent
        let loop = eventLoop
        self.eventLoop = loop
        let metrics = GatewayMetrics(logger: logger)
        self.metrics = metrics
        self.engine = try await loop.submit {
            GatewayEngine(configuration: configuration, eventLoop: loop, userAgent: userAgent, rooms: rooms,
                          directory: directory, dialplan: dialplan, prompts: prompts, metrics: metrics, logger: logger).bound
        }.get()
    }

    /// Starts SIP and the mixing clock; returns the bound SIP port.
    @discardableResult
    public func start() async throws -> Int {
        try await userAgent.start()
        let engine = self.engine
        let events = userAgent.events
        let loop = eventLoop
        try await loop.submit { PhoneGateway.scheduleTick(engine, at: .now() + .milliseconds(20)) }.get()
        let task = Task {
            for await event in events {
                loop.execute { engine.value.handle(event) }
            }
        }
        tasks.withLock { $0.append(task) }
        if let trunk = configuration.trunk, trunk.register {
            userAgent.register(registrar: trunk.uri, user: trunk.username, password: trunk.password, expires: trunk.registerSeconds)
        }
        let port = userAgent.boundPort
        logger.info("SIP listening", metadata: ["address": "\(configuration.sipHost):\(port)",
                                                "transports": configuration.tls.map { "udp, tcp, tls on \($0.port)" } ?? "udp, tcp",
                                                "rtp": "\(configuration.rtpHost) \(configuration.rtpPorts)"])
        return port
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
        let engine = self.engine
        try? await eventLoop.submit {
            for call in Array(engine.value.calls.values) { engine.value.feed(.shutdown, to: call) }
        }.get()
        try? await Task.sleep(for: .milliseconds(200))
        _ = try? await eventLoop.submit { engine.value.stopped = true }.get()
        await userAgent.stop()
        for task in tasks.withLock({ $0 }) { task.cancel() }
    }

    /// Calls, refusals, the loop's load and dropped packets, for /metrics.
    public func statistics() async -> GatewayStatistics {
        let engine = self.engine
        let live = try? await eventLoop.submit { () -> GatewayStatistics in
            let e = engine.value
            let calls = e.calls.values
            var counts: [String: Int] = [:]
            counts["opus_passthrough_packets"] = calls.reduce(0) { $0 + $1.passedThrough }
            counts["opus_encoded_packets"] = calls.reduce(0) { $0 + $1.reencoded }
            let peak = e.load.takePeak()
            return GatewayStatistics(activeCalls: calls.count, promptCalls: e.promptCalls, rtpPortsInUse: e.ports.count,
                                     tickLateness: Self.seconds(e.load.lateness), worstTickLateness: Self.seconds(peak),
                                     loopBusy: e.load.busy, counts: counts, refusals: [:], droppedPackets: [:])
        }.get()
        var s = live ?? GatewayStatistics(activeCalls: 0, promptCalls: 0, rtpPortsInUse: 0, tickLateness: 0, worstTickLateness: 0,
                                          loopBusy: 0, counts: [:], refusals: [:], droppedPackets: [:])
        var counts = metrics.counts
        for (name, value) in s.counts { counts[name, default: 0] += value }
        s.counts = counts
        s.refusals = metrics.refusals
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
    /// Share of one core the gateway loop's thread uses (0...1).
    public var loopBusy: Double
    public var counts: [String: Int]
    /// INVITEs answered 503 before they became calls, by reason
    /// (`rate_limited`, `max_calls`, `max_prompt_calls`, `loop_busy`, `loop_late`, `lookups`).
    public var refusals: [String: Int]
    public var droppedPackets: [String: Int]
}

extension PhoneGateway: PhoneDialer {
    public func call(_ target: String, into room: RoomInfo, notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let engine = self.engine
        let meeting = DialInMeeting(meetingID: room.meetingId, code: room.code, dialInCode: "", title: room.title,
                                    passcode: nil, lobbyEnabled: false)
        let result: Result<Void, GatewayError>
        do {
            result = try await eventLoop.submit { () -> Result<Void, GatewayError> in
                do throws(GatewayError) {
                    try engine.value.dialOut(target, meeting: meeting, notify: notify)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }.get()
        } catch {
            throw RoomError("unavailable", "The phone gateway is not running.")
        }
        if case .failure(let error) = result {
            throw RoomError(error.isBadTarget ? "bad_request" : "unavailable", error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
    }
}

extension PhoneGateway {
    public func transfer(participantID: String, in room: RoomInfo, to target: String,
                         notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let engine = self.engine
        let meetingID = room.meetingId
        let result: Result<Void, GatewayError>
        do {
            result = try await eventLoop.submit { () -> Result<Void, GatewayError> in
                do throws(GatewayError) {
                    try engine.value.transfer(participantID: participantID, meetingID: meetingID, to: target, notify: notify)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }.get()
        } catch {
            throw RoomError("unavailable", "The phone gateway is not running.")
        }
        if case .failure(let error) = result {
            throw RoomError(error.isBadTarget ? "bad_request" : "unavailable", error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
    }
}

extension PhoneGateway {
    public func move(participantID: String, in room: RoomInfo, toMeeting meeting: String,
                     notify: @escaping @Sendable (String) -> Void) async throws(RoomError) {
        let engine = self.engine
        let meetingID = room.meetingId
        let result: Result<Void, GatewayError>
        do {
            result = try await eventLoop.submit { () -> Result<Void, GatewayError> in
                do throws(GatewayError) {
                    try engine.value.move(participantID: participantID, meetingID: meetingID, to: meeting, notify: notify)
                    return .success(())
                } catch {
                    return .failure(error)
                }
            }.get()
        } catch {
            throw RoomError("unavailable", "The phone gateway is not running.")
        }
        if case .failure(let error) = result {
            throw RoomError("unavailable", error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
        }
    }
}

extension GatewayError {
    var isBadTarget: Bool { if case .badTarget = self { true } else { false } }
}
