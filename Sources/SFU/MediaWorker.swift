import Logging
import NIOCore
import NIOPosix
import SDP

/// One media loop of a node: its own UDP port (and ICE-TCP listener on the
/// same port number), its `MediaEngine` and the rooms placed on it. Every
/// packet of those rooms is handled on this loop from socket to socket; the
/// node's other loops never touch it.
final class MediaWorker: Sendable {
    let index: Int
    let eventLoop: any EventLoop
    let engine: EventLoopConfined<MediaEngine>
    let load: MediaLoopLoad
    let configuration: MediaConfiguration
    let logger: Logger

    init(index: Int, eventLoop: any EventLoop, configuration: MediaConfiguration, dtlsContext: DTLSContext,
         events: AsyncStream<MediaEvent>.Continuation, logger: Logger) {
        self.index = index
        self.eventLoop = eventLoop
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "loop"] = "media-\(index)"
        self.logger = logger
        let load = MediaLoopLoad(index: index)
        self.load = load
        let engine = MediaEngine(eventLoop: eventLoop, dtlsContext: dtlsContext, configuration: configuration,
                                 logger: logger, events: events, load: load)
        self.engine = EventLoopConfined(engine, eventLoop: eventLoop)
    }

    /// The port this loop binds: the configured one plus the loop's index
    /// (a node with four loops and port 40000 uses 40000-40003), or any
    /// free port when the configuration says 0.
    var requestedPort: Int { configuration.port == 0 ? 0 : configuration.port + index }

    /// Binds the loop's UDP port (and TCP with `configuration.tcp`), sets the
    /// candidates and starts the 20 ms timers; returns the bound port.
    func start() async throws -> Int {
        let engine = self.engine
        let (udp, tcpListener) = try await bindPorts()
        let channel = udp.channel, socket = udp.socket
        let port = channel.localAddress?.port ?? requestedPort
        let publicAddress = configuration.publicAddress, pipeAddress = configuration.resolvedPipeAddress
        let segmentation = configuration.udpSegmentation
        try await eventLoop.submit {
            let e = engine.value
            e.channel = channel
            e.datagrams = DatagramBatch(socket: socket, segmentsRuns: segmentation)
            e.tcpListener = tcpListener
            e.pipeEndpoint = NodePipeEndpoint(host: pipeAddress, port: port,
                                              epoch: UInt64.random(in: 1...UInt64.max))
            let udp = Candidate(ip: publicAddress, port: UInt16(port))
            // UDP first: its address also goes in the m= and c= lines.
            e.candidates = tcpListener == nil ? [udp] : [udp, Candidate.passiveTCP(alongside: udp)]
            e.eventLoop.scheduleRepeatedTask(initialDelay: .milliseconds(20), delay: .milliseconds(20)) { _ in
                engine.value.tick()
            }
        }.get()
        logger.info("media port listening", metadata: [
            "address": "\(configuration.host):\(port)", "advertised": "\(publicAddress)",
            "tcp": "\(tcpListener != nil)",
        ])
        return port
    }

    /// Closes every transport of the loop (sending DTLS close_notify) and its ports.
    func stop() async {
        let engine = self.engine
        let closing = try? await eventLoop.submit { () -> (udp: (any Channel)?, tcp: EventLoopFuture<Void>?) in
            let e = engine.value
            for router in Array(e.routers.keys) { e.closeRouter(router) }
            e.flush()
            e.datagrams = nil  // before the socket closes
            return (e.channel, e.closeTCP())
        }.get()
        try? await closing?.tcp?.get()
        if let channel = closing?.udp { try? await channel.close() }
    }

    /// Runs `body` with the engine on the loop.
    func run<T: Sendable>(_ body: @escaping @Sendable (MediaEngine) throws -> T) async throws -> T {
        let engine = self.engine
        return try await eventLoop.submit { try body(engine.value) }.get()
    }
}
