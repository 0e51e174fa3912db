import Logging
import NIOCore
import NIOPosix
import SDP

/// The public face of the media plane: one UDP port, the node's DTLS
/// certificate, and async operations the room layer calls. Every operation
/// hops onto the media event loop once; packets never leave it.
public final class MediaNode: Sendable {
    /// What a new transport tells the browser.
    public struct TransportInfo: Sendable, Equatable {
        public var id: String
    }

    /// A producer created by a publish offer.
    public struct ProducerInfo: Sendable, Equatable {
        public var id: String
        public var mid: String
        public var source: MediaSource
        public var kind: String
        public var simulcastLayers: Int
    }

    /// The result of a publish offer.
    public struct PublishResult: Sendable {
        public var answer: String
        public var added: [ProducerInfo]
        public var removed: [String]
    }

    public let configuration: MediaConfiguration
    public let events: AsyncStream<MediaEvent>
    let engine: EventLoopConfined<MediaEngine>
    let eventLoop: any EventLoop
    private let logger: Logger

    /// `eventLoop` carries every packet, timer and transport of this node.
    /// Give it a loop of its own, apart from the loops that serve HTTP and
    /// the database: a burst of API work must not delay packets (or ICE
    /// consent checks) on the media port.
    public init(configuration: MediaConfiguration, eventLoop: any EventLoop, logger: Logger) throws {
        self.configuration = configuration
        self.eventLoop = eventLoop
        var logger = logger
        logger[metadataKey: "component"] = "media"
        self.logger = logger
        let context = try DTLSContext(certificate: DTLSCertificate())
        // Unbounded: these events are few (a transport connects or closes, the
        // active speaker changes) and the room registry must see every one; a
        // dropped `transportClosed` would leave a participant in a room for good.
        let (stream, continuation) = AsyncStream<MediaEvent>.makeStream(bufferingPolicy: .unbounded)
        self.events = stream
        let engine = MediaEngine(eventLoop: eventLoop, dtlsContext: context, configuration: configuration,
                                 logger: logger, events: continuation)
        self.engine = EventLoopConfined(engine, eventLoop: eventLoop)
    }

    /// Binds the UDP port (and, with `configuration.tcp`, the TCP port of
    /// the same number) and starts the timers; returns the bound port.
    @discardableResult
    public func start() async throws -> Int {
        let engine = self.engine
        let configuration = configuration
        let (channel, tcpListener) = try await bindPorts()
        let port = channel.localAddress?.port ?? configuration.port
        let publicAddress = configuration.publicAddress
        try await eventLoop.submit {
            let e = engine.value
            e.channel = channel
            e.tcpListener = tcpListener
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

    /// Binds the media port's UDP socket.
    func bindUDP(port: Int) async throws -> any Channel {
        let engine = self.engine
        return try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaDatagramHandler(engine: engine.value))
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }

    /// Closes every transport (sending DTLS close_notify) and the port.
    public func stop() async {
        let engine = self.engine
        let closing = try? await eventLoop.submit { () -> (udp: (any Channel)?, tcp: EventLoopFuture<Void>?) in
            let e = engine.value
            for router in Array(e.routers.keys) { e.closeRouter(router) }
            e.events.finish()
            return (e.channel, e.closeTCP())
        }.get()
        try? await closing?.tcp?.get()
        if let channel = closing?.udp { try? await channel.close() }
    }

    /// Makes a transport (one browser peer connection) in the room's router.
    public func createTransport(routerID: String, publish: Bool) async throws -> TransportInfo {
        let engine = self.engine
        return try await eventLoop.submit { () throws -> TransportInfo in
            let t = try engine.value.createTransport(routerID: routerID, role: publish ? .publish : .subscribe)
            return TransportInfo(id: t.id)
        }.get()
    }

    /// Answers a browser's publish offer; `sources` maps each mid to what it carries.
    public func publish(transportID: String, offer: String, sources: [String: MediaSource]) async throws -> PublishResult {
        let engine = self.engine
        return try await eventLoop.submit { () throws -> PublishResult in
            let e = engine.value
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            let r = try t.applyPublishOffer(offer, sources: sources, makeID: { e.makeID("pr") })
            e.flush()
            return PublishResult(answer: r.answer, added: r.added.map {
                ProducerInfo(id: $0.id, mid: $0.mid, source: $0.source, kind: $0.kind.rawValue, simulcastLayers: $0.layers.count)
            }, removed: r.removed)
        }.get()
    }

    /// Makes the subscribe transport carry exactly these producers; returns
    /// the offer to send, or nil when nothing changed (unless `force`).
    public func subscribe(transportID: String, producerIDs: [String], force: Bool = false) async throws -> (offer: String, tracks: [SubscribedTrack])? {
        let engine = self.engine
        return try await eventLoop.submit { () throws -> (offer: String, tracks: [SubscribedTrack])? in
            let e = engine.value
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            let producers = producerIDs.compactMap { t.router.producers[$0] }
            return t.updateSubscriptions(to: producers, force: force, makeID: { e.makeID("c") })
        }.get()
    }

    /// The browser's answer to the last subscribe offer.
    public func applySubscribeAnswer(transportID: String, answer: String) async throws {
        let engine = self.engine
        try await eventLoop.submit {
            let e = engine.value
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            try t.applySubscribeAnswer(answer, now: .now())
            e.flush()
        }.get()
    }

    /// Stops (or resumes) forwarding a producer: its owner muted it or a host did.
    public func setPaused(producerID: String, routerID: String, paused: Bool) async {
        let engine = self.engine
        _ = try? await eventLoop.submit {
            let e = engine.value
            guard let p = e.routers[routerID]?.producers[producerID], p.paused != paused else { return }
            p.paused = paused
            if !paused {
                // Start each consumer afresh on the next keyframe.
                for c in p.consumers { c.resetLayer() }
                p.requestKeyframe(layer: p.layers.count - 1, now: .now())
            }
        }.get()
    }

    /// The size at which a subscriber shows a video (0×0: not shown).
    public func setPreferredSize(transportID: String, producerID: String, width: Int, height: Int) async {
        let engine = self.engine
        _ = try? await eventLoop.submit {
            let e = engine.value
            guard let t = e.transports[transportID] else { return }
            for c in t.consumersByMid.values where c.producer.id == producerID {
                c.preferredSize = (max(0, width), max(0, height))
            }
            t.chooseLayers(now: .now())
        }.get()
    }

    /// Asks the publisher of a producer for a keyframe.
    public func requestKeyframe(producerID: String, routerID: String) async {
        let engine = self.engine
        _ = try? await eventLoop.submit {
            guard let p = engine.value.routers[routerID]?.producers[producerID] else { return }
            for l in p.layers { p.requestKeyframe(layer: l.index, now: .now()) }
            engine.value.flush()
        }.get()
    }

    public func closeTransport(_ id: String) async {
        let engine = self.engine
        _ = try? await eventLoop.submit {
            let e = engine.value
            if let t = e.transports[id] { e.close(t, reason: "closed") }
            if let t = e.localTransports[id] { e.close(t, reason: "closed") }
        }.get()
    }

    /// Gives a transport new local ICE credentials (RFC 8445 §9). For a
    /// subscribe transport the next offer carries them; a publish transport
    /// restarts by itself when the browser's offer brings new ones.
    public func restartICE(transportID: String) async {
        let engine = self.engine
        _ = try? await eventLoop.submit { engine.value.transports[transportID]?.restartICE() }.get()
    }

    public func closeRouter(_ id: String) async {
        let engine = self.engine
        _ = try? await eventLoop.submit { engine.value.closeRouter(id) }.get()
    }

    public func statistics() async -> MediaStatistics {
        let engine = self.engine
        return (try? await eventLoop.submit { engine.value.statistics }.get()) ?? MediaStatistics()
    }

    /// Dropped packets by kind and reason, for /metrics.
    public func droppedPackets() async -> [String: Int] {
        let engine = self.engine
        return (try? await eventLoop.submit { engine.value.metrics.dropped }.get()) ?? [:]
    }
}
