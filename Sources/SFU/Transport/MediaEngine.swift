import Logging
import NIOCore
import SDP

/// The media plane of one node, confined to one event loop: the UDP port's
/// demultiplexer (RFC 7983), the transports, routers and timers. Public
/// callers go through `MediaNode`, which hops onto the loop.
final class MediaEngine {
    let eventLoop: any EventLoop
    var channel: (any Channel)?
    /// Forwarded RTP of the current burst, sent with one sendmmsg(2) by
    /// `flush` (nil until the port is bound, and once it closes).
    var datagrams: DatagramBatch?
    private var segmentationRefusalLogged = false
    let allocator = ByteBufferAllocator()
    let dtlsContext: DTLSContext
    let localFingerprint: Fingerprint
    var candidates: [Candidate]
    var capabilities: MediaCapabilities
    let metrics: MediaMetrics
    /// This loop's load, read by placement and /metrics.
    let load: MediaLoopLoad
    let logger: Logger
    let events: AsyncStream<MediaEvent>.Continuation

    var routers: [String: Router] = [:]
    var transports: [String: WebRTCTransport] = [:]
    var localTransports: [String: LocalTransport] = [:]
    private(set) var transportsByUfrag: [String: WebRTCTransport] = [:]
    private var transportsByAddress: [SocketAddress: WebRTCTransport] = [:]
    private var lastLayerChoice: NIODeadline = .now()
    private var lastSpeakerDetection: NIODeadline = .now()
    private var lastLossReport: NIODeadline = .now()
    private var idCounter = 0
    var lastTickTime: NIODeadline?
    /// CPU time and wall time at the start of the current busy-share window.
    var loadWindow: (start: NIODeadline, cpuMicroseconds: Int)?
    /// Links to the node's other loops, by loop index (`MediaEngine+Pipes.swift`).
    var pipeLinks: [Int: LoopPipeLink] = [:]
    /// How long a piped copy may go without a consumer before it is dropped.
    var pipeIdleTimeout: TimeAmount = .seconds(5)
    /// Links to loops of other nodes, by their endpoint, and by the SSRC
    /// their datagrams carry (`MediaEngine+NodePipes.swift`).
    var nodeLinks: [NodePipeEndpoint: NodePipeLink] = [:]
    var nodeLinksBySSRC: [UInt32: NodePipeLink] = [:]
    /// This loop as other nodes reach it (set when the port is bound).
    var pipeEndpoint: NodePipeEndpoint?
    /// The cluster's shared secret pipe keys derive from (nil: no pipes between nodes).
    var pipeSecret: [UInt8]?

    // ICE-TCP on the media port (MediaEngine+TCP.swift).
    /// The listening socket, when `MediaConfiguration.tcp` is on.
    var tcpListener: (any Channel)?
    /// Open TCP connections, by identity.
    var tcpConnections: [ObjectIdentifier: TCPMediaConnection] = [:]
    /// At most this many TCP connections at once (`MediaConfiguration.maximumTCPConnections`).
    let maximumTCPConnections: Int
    var lastTCPSweep: NIODeadline = .now()

    init(eventLoop: any EventLoop, dtlsContext: DTLSContext, configuration: MediaConfiguration,
         logger: Logger, events: AsyncStream<MediaEvent>.Continuation, load: MediaLoopLoad = MediaLoopLoad(index: 0)) {
        self.eventLoop = eventLoop
        self.load = load
        self.dtlsContext = dtlsContext
        let fp = dtlsContext.certificate.sha256Fingerprint
        self.localFingerprint = Fingerprint(algorithm: "sha-256", value: fp)!
        self.candidates = []
        var capabilities = MediaCapabilities.parley
        capabilities.preferH264 = configuration.preferH264
        self.capabilities = capabilities
        self.maximumTCPConnections = configuration.maximumTCPConnections
        self.logger = logger
        self.metrics = MediaMetrics(logger: logger)
        self.events = events
    }

    /// The priorities of the first UDP and passive TCP candidates Parley
    /// advertises, for the ICE agents' pair priorities (RFC 8445 §6.1.2.3).
    var candidatePriorities: ICELiteAgent.LocalPriorities {
        var priorities = ICELiteAgent.LocalPriorities()
        if let udp = candidates.first(where: { $0.transport == .udp }) { priorities.udp = udp.priority }
        if let tcp = candidates.first(where: { $0.transport == .tcpPassive }) { priorities.tcp = tcp.priority }
        return priorities
    }

    /// A new id, "<prefix><loop>-<unique>": the loop index lets `MediaNode`
    /// find the loop of a transport from its id alone.
    func makeID(_ prefix: String) -> String {
        idCounter += 1
        return prefix + String(load.index) + "-" + String(idCounter, radix: 36) + String(UInt32.random(in: 0...UInt32.max), radix: 36)
    }

    // MARK: - The port

    /// One datagram from the port, demultiplexed by its first bytes
    /// (`MediaPacketKind`, RFC 7983 §7). STUN goes to the transport of the
    /// source address, or to the one its username fragment names; the rest
    /// only from an address ICE tied to a transport.
    func receive(_ buffer: inout ByteBuffer, from address: SocketAddress) {
        metrics.packetsReceived += 1
        let kind = MediaPacketKind(buffer)
        let now = NIODeadline.now()
        switch kind {
        case .stun:
            receiveSTUN(buffer, owner: transportsByAddress[address]) { $0.receiveSTUN($1, from: address, now: now) }
        case .dtls, .rtp, .rtcp:
            let transport = transportsByAddress[address]
            if transport == nil, kind == .rtp, !nodeLinksBySSRC.isEmpty, let link = nodeLink(for: buffer) {
                link.receive(&buffer, now: now)
            } else {
                receive(kind, &buffer, for: transport, now: now)
            }
        case .empty:
            metrics.droppedPackets(kind: "udp", reason: "empty")
        case .unknown:
            metrics.droppedPackets(kind: "udp", reason: "unknown_protocol")
        }
    }

    func send(_ bytes: [UInt8], to address: SocketAddress) {
        var buffer = allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        send(buffer, to: address)
    }

    func send(_ buffer: ByteBuffer, to address: SocketAddress) {
        channel?.write(AddressedEnvelope(remoteAddress: address, data: buffer), promise: nil)
    }

    /// Sends what was written during this burst: datagrams on the port and
    /// messages queued for pipes to other loops.
    func flush() {
        if !pipeLinks.isEmpty || !nodeLinks.isEmpty { flushPipes() }
        if let datagrams, datagrams.count > 0 {
            noteSendFailure(datagrams.flush())
            if let refusal = datagrams.segmentationRefusal, !segmentationRefusalLogged {
                segmentationRefusalLogged = true
                logger.warning("the kernel refused segmented sends (UDP GSO); sending each packet on its own",
                               metadata: ["errno": "\(refusal)"])
            }
        }
        channel?.flush()
    }

    /// Counts and logs the datagrams a batched send could not deliver.
    func noteSendFailure(_ failure: DatagramBatch.Failure?) {
        guard let failure else { return }
        metrics.droppedPackets(kind: "udp_out", reason: failure.reason, count: failure.dropped)
    }

    // MARK: - Transports

    func router(_ routerID: String) -> Router {
        if let r = routers[routerID] { return r }
        let router = Router(id: routerID)
        routers[routerID] = router
        return router
    }

    func createTransport(routerID: String, role: WebRTCTransport.Role) throws(MediaError) -> WebRTCTransport {
        let router = router(routerID)
        let dtls: DTLSSession
        do { dtls = try DTLSSession(context: dtlsContext, role: .server) } catch { throw .negotiation("DTLS: \(error)") }
        let transport = WebRTCTransport(id: makeID("t"), role: role, engine: self, router: router, dtls: dtls, logger: logger)
        transports[transport.id] = transport
        load.transportOpened()
        transportsByUfrag[transport.ice.localUfrag] = transport
        router.transports[transport.id] = transport
        return transport
    }

    /// An ICE restart gave `transport` a new local ufrag: checks carrying it
    /// find the transport (the old one keeps working until it closes).
    func register(ufrag: String, for transport: WebRTCTransport) {
        transportsByUfrag[ufrag] = transport
    }

    /// `transport` no longer takes UDP datagrams from its address (ICE moved
    /// it to a TCP connection).
    func unbind(_ transport: WebRTCTransport) {
        if let old = transport.remoteAddress, transportsByAddress[old] === transport {
            transportsByAddress[old] = nil
        }
    }

    /// ICE chose (or moved to) `address` for `transport`.
    func bind(_ address: SocketAddress, to transport: WebRTCTransport) {
        if let old = transport.remoteAddress, transportsByAddress[old] === transport {
            transportsByAddress[old] = nil
        }
        transportsByAddress[address] = transport
    }

    func transportConnected(_ transport: WebRTCTransport) {
        events.yield(.transportConnected(routerID: transport.router.id, transportID: transport.id))
        let now = NIODeadline.now()
        for consumer in transport.consumersByMid.values where consumer.active {
            consumer.resetLayer()
            consumer.requestKeyframe(now: now, urgent: true)
        }
    }

    func close(_ transport: WebRTCTransport, reason: String) {
        guard transports.removeValue(forKey: transport.id) != nil else { return }
        load.transportClosed()
        for d in transport.close() { if let a = transport.remoteAddress { transport.transmit(d, to: a) } }
        closeTCPConnections(of: transport)
        transportsByUfrag[transport.ice.localUfrag] = nil
        for ufrag in transport.retiredUfrags where transportsByUfrag[ufrag] === transport { transportsByUfrag[ufrag] = nil }
        if let a = transport.remoteAddress, transportsByAddress[a] === transport { transportsByAddress[a] = nil }
        for producer in transport.producersByMid.values {
            transport.router.remove(producerID: producer.id)
            transport.router.speakerDetector.forget(producer.id)
        }
        transport.producersByMid.removeAll()
        transport.ssrcTable.removeAll()
        transport.stopAllConsumers()
        transport.router.transports[transport.id] = nil
        flush()
        logger.debug("transport closed", metadata: ["transport": "\(transport.id)", "reason": "\(reason)"])
        events.yield(.transportClosed(routerID: transport.router.id, transportID: transport.id, reason: reason))
    }

    func createLocalTransport(routerID: String, sink: @escaping LocalMediaSink) -> LocalTransport {
        let router = router(routerID)
        let transport = LocalTransport(id: makeID("lt"), engine: self, router: router, sink: sink)
        localTransports[transport.id] = transport
        load.transportOpened()
        router.localTransports[transport.id] = transport
        return transport
    }

    func close(_ transport: LocalTransport, reason: String) {
        guard localTransports.removeValue(forKey: transport.id) != nil else { return }
        load.transportClosed()
        transport.close()
        transport.router.localTransports[transport.id] = nil
        events.yield(.transportClosed(routerID: transport.router.id, transportID: transport.id, reason: reason))
    }

    func closeRouter(_ id: String) {
        guard let router = routers[id] else { return }
        for transport in router.transports.values { close(transport, reason: "room_closed") }
        for transport in router.localTransports.values { close(transport, reason: "room_closed") }
        routers[id] = nil
    }

    // MARK: - Timers

    /// Every 20 ms: ICE consent, DTLS retransmissions, feedback and reports,
    /// and twice a second layer choice and speaker detection.
    func tick() {
        let now = NIODeadline.now()
        recordLoad(now: now)
        for transport in Array(transports.values) { transport.tick(now: now) }
        sweepTCPConnections(now: now)
        if now - lastLayerChoice >= .milliseconds(500) {
            lastLayerChoice = now
            for transport in transports.values { transport.chooseLayers(now: now) }
            for transport in localTransports.values { transport.chooseLayers(now: now) }
            if !pipeLinks.isEmpty || !nodeLinks.isEmpty { sweepIdlePipes(now: now) }
        }
        if now - lastLossReport >= .seconds(1) {
            lastLossReport = now
            for transport in localTransports.values { transport.reportDownstreamLoss(now: now) }
        }
        if now - lastSpeakerDetection >= .milliseconds(300) {
            lastSpeakerDetection = now
            for router in routers.values {
                if let change = router.detectActiveSpeaker(now: now) {
                    events.yield(.activeSpeaker(routerID: router.id, producerID: change))
                }
            }
        }
        flush()
    }

    var statistics: MediaStatistics {
        var s = MediaStatistics()
        s.routers = routers.count
        s.transports = transports.count
        s.connectedTransports = transports.values.filter(\.canSendMedia).count
        s.producers = routers.values.reduce(0) { $0 + $1.producers.count - $1.pipesIn.count }
        s.pipedProducers = routers.values.reduce(0) { $0 + $1.pipesIn.count }
        s.consumers = transports.values.reduce(0) { $0 + $1.consumersByMid.values.filter(\.active).count }
        s.tcpConnections = tcpConnections.count
        s.packetsReceived = metrics.packetsReceived
        s.packetsForwarded = metrics.forwardedPackets
        s.packetsPiped = metrics.pipedPackets
        s.datagramsSent = datagrams?.datagramsSent ?? 0
        s.datagramMessagesSent = datagrams?.messagesSent ?? 0
        s.packetsDropped = metrics.droppedTotal
        s.keyframeRequests = metrics.keyframeRequests
        s.nacksReceived = metrics.nacksReceived
        s.nacksSent = metrics.nacksSent
        s.retransmissions = transports.values.reduce(0) { $0 + $1.consumersByMid.values.reduce(0) { $0 + $1.retransmissions } }
        return s
    }
}
