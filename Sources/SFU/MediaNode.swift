import Logging
import NIOCore
import NIOPosix
import SDP
import Synchronization

/// The public face of the media plane: its loops (one `MediaWorker` each,
/// with its own UDP port), the node's DTLS certificate, and async operations
/// the room layer calls. A room is placed on one loop (`MediaPlacement`) and
/// its packets stay there, unless it outgrows the loop: then it spans loops,
/// and each producer is piped once to each other loop with subscribers of
/// it (`MediaNode+Pipes.swift`).
public final class MediaNode: Sendable {
    /// What a new transport tells the browser.
    public struct TransportInfo: Sendable, Equatable, Codable {
        public var id: String

        public init(id: String) { self.id = id }
    }

    /// A producer created by a publish offer.
    public struct ProducerInfo: Sendable, Equatable, Codable {
        public var id: String
        public var mid: String
        public var source: MediaSource
        public var kind: String
        public var simulcastLayers: Int
    }

    /// The result of a publish offer.
    public struct PublishResult: Sendable, Codable {
        public var answer: String
        public var added: [ProducerInfo]
        public var removed: [String]
    }

    public let configuration: MediaConfiguration
    public let events: AsyncStream<MediaEvent>
    private let eventsContinuation: AsyncStream<MediaEvent>.Continuation
    /// One per media loop; a room's router lives on exactly one.
    let workers: [MediaWorker]
    let placement: Mutex<MediaPlacement>
    /// Producers of rooms that span nodes which other nodes own, and who
    /// fetches them (`MediaNode+RemoteProducers`).
    let remote = Mutex(RemoteProducers())
    let logger: Logger

    /// A node on one loop (tests, small deployments).
    public convenience init(configuration: MediaConfiguration, eventLoop: any EventLoop, logger: Logger) throws {
        try self.init(configuration: configuration, eventLoops: [eventLoop], logger: logger)
    }

    /// A node with one worker per loop in `eventLoops`, each with its own
    /// UDP port (configured port + index) and its own rooms. Give the media
    /// plane loops of its own, apart from those that serve HTTP and the
    /// database: a burst of API work must not delay packets (or ICE consent
    /// checks) on the media ports.
    public init(configuration: MediaConfiguration, eventLoops: [any EventLoop], logger: Logger) throws {
        precondition(!eventLoops.isEmpty, "a media node needs at least one loop")
        self.configuration = configuration
        var logger = logger
        logger[metadataKey: "component"] = "media"
        self.logger = logger
        // One certificate for the node: every loop's transports show the same fingerprint.
        let context = try DTLSContext(certificate: DTLSCertificate())
        // Unbounded: these events are few (a transport connects or closes, the
        // active speaker changes) and the room registry must see every one; a
        // dropped `transportClosed` would leave a participant in a room for good.
        let (stream, continuation) = AsyncStream<MediaEvent>.makeStream(bufferingPolicy: .unbounded)
        self.events = stream
        self.eventsContinuation = continuation
        self.workers = eventLoops.enumerated().map { index, loop in
            MediaWorker(index: index, eventLoop: loop, configuration: configuration, dtlsContext: context,
                        events: continuation, logger: logger)
        }
        var placement = MediaPlacement(loops: eventLoops.count)
        placement.capacity = configuration.loopCapacity
        self.placement = Mutex(placement)
    }

    /// Binds every loop's UDP port (and, with `configuration.tcp`, the TCP
    /// port of the same number) and starts the timers; returns the ports,
    /// loop by loop.
    @discardableResult
    public func start() async throws -> [Int] {
        var ports: [Int] = []
        for worker in workers { ports.append(try await worker.start()) }
        return ports
    }

    /// Closes every transport (sending DTLS close_notify) and the ports.
    public func stop() async {
        for worker in workers { await worker.stop() }
        eventsContinuation.finish()
    }

    /// Each loop's load, for placement.
    var loads: [MediaPlacement.LoopLoad] {
        workers.map { MediaPlacement.LoopLoad(transports: $0.load.openTransports, busy: $0.load.busyShare) }
    }

    /// Makes a new transport of a room with `make` on the loop placement
    /// picks (placing the room if it is new); `make` learns whether that loop
    /// is the room's home. The transport counts on its loop from the moment
    /// it is placed, so joins arriving together spread as if one by one.
    func onNewTransportLoop<T: Sendable>(in routerID: String,
                                         _ make: @escaping @Sendable (MediaEngine, _ isHome: Bool) throws -> T) async throws -> (value: T, worker: MediaWorker) {
        // The loads are read under the lock: a transport that opened after a
        // read outside it, and whose reservation was released before the
        // lock was taken, would be counted nowhere.
        let (index, home) = placement.withLock { ($0.reserveTransport(in: routerID, loads: loads), $0.placedLoop(of: routerID)) }
        defer { placement.withLock { $0.opened(on: index) } }
        let worker = workers[index]
        return (try await worker.run { e in try make(e, index == home) }, worker)
    }

    /// The home loop of a room already placed; nil for a room with no router.
    func homeWorker(ofRouter routerID: String) -> MediaWorker? {
        placement.withLock { $0.placedLoop(of: routerID) }.map { workers[$0] }
    }

    /// Every loop a room has a router on, its home first.
    func workers(ofRouter routerID: String) -> [MediaWorker] {
        placement.withLock { $0.loops(of: routerID) }.map { workers[$0] }
    }

    /// The loop of a transport, from its id ("<prefix><loop>-…", `MediaEngine.makeID`).
    func worker(forTransport id: String) -> MediaWorker? {
        guard let dash = id.firstIndex(of: "-") else { return nil }
        let index = Int(id[..<dash].drop { $0.isLetter }) ?? -1
        return workers.indices.contains(index) ? workers[index] : nil
    }

    /// Makes a transport (one browser peer connection) in the room's router,
    /// on the loop the room is placed on.
    public func createTransport(routerID: String, publish: Bool) async throws -> TransportInfo {
        try await onNewTransportLoop(in: routerID) { e, isHome in
            let t = try e.createTransport(routerID: routerID, role: publish ? .publish : .subscribe)
            t.router.detectsSpeaker = isHome
            return TransportInfo(id: t.id)
        }.value
    }

    /// The worker of `transportID`, or `MediaError.unknownTransport`.
    private func transportWorker(_ transportID: String) throws -> MediaWorker {
        guard let worker = worker(forTransport: transportID) else { throw MediaError.unknownTransport }
        return worker
    }

    /// Answers a browser's publish offer; `sources` maps each mid to what it carries.
    public func publish(transportID: String, offer: String, sources: [String: MediaSource]) async throws -> PublishResult {
        let worker = try transportWorker(transportID)
        let (result, routerID) = try await worker.run { e in
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            let r = try t.applyPublishOffer(offer, sources: sources, makeID: { e.makeID("pr") })
            e.flush()
            return (PublishResult(answer: r.answer, added: r.added.map {
                ProducerInfo(id: $0.id, mid: $0.mid, source: $0.source, kind: $0.kind.rawValue, simulcastLayers: $0.layers.count)
            }, removed: r.removed), t.router.id)
        }
        await pipeAudioHome(result.added, routerID: routerID, from: worker)
        return result
    }

    /// Makes the subscribe transport carry exactly these producers; returns
    /// the offer to send, or nil when nothing changed (unless `force`).
    public func subscribe(transportID: String, producerIDs: [String], force: Bool = false) async throws -> (offer: String, tracks: [SubscribedTrack])? {
        let worker = try transportWorker(transportID)
        try await pipeMissing(producerIDs, into: worker, transportID: transportID)
        return try await worker.run { e -> (offer: String, tracks: [SubscribedTrack])? in
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            let producers = producerIDs.compactMap { t.router.producers[$0] }
            return t.updateSubscriptions(to: producers, force: force, makeID: { e.makeID("c") })
        }
    }

    /// The browser's answer to the last subscribe offer.
    public func applySubscribeAnswer(transportID: String, answer: String) async throws {
        try await transportWorker(transportID).run { e in
            guard let t = e.transports[transportID] else { throw MediaError.unknownTransport }
            try t.applySubscribeAnswer(answer, now: .now())
            e.flush()
        }
    }

    /// Stops (or resumes) forwarding a producer: its owner muted it or a host did.
    public func setPaused(producerID: String, routerID: String, paused: Bool) async {
        // On every loop: the producer stops at its origin, and its copies
        // restart their consumers on a keyframe when it resumes.
        for worker in workers(ofRouter: routerID) {
            _ = try? await worker.run { e in
                guard let p = e.routers[routerID]?.producers[producerID], p.paused != paused else { return }
                p.paused = paused
                if !paused {
                    // Start each consumer afresh on the next keyframe.
                    for c in p.consumers { c.resetLayer() }
                    p.requestKeyframe(layer: p.layers.count - 1, now: .now())
                }
                e.flush()
            }
        }
    }

    /// The size at which a subscriber shows a video (0×0: not shown).
    public func setPreferredSize(transportID: String, producerID: String, width: Int, height: Int) async {
        _ = try? await worker(forTransport: transportID)?.run { e in
            guard let t = e.transports[transportID] else { return }
            for c in t.consumersByMid.values where c.producer.id == producerID {
                c.preferredSize = (max(0, width), max(0, height))
            }
            t.chooseLayers(now: .now())
        }
    }

    /// Asks the publisher of a producer for a keyframe.
    public func requestKeyframe(producerID: String, routerID: String) async {
        for worker in workers(ofRouter: routerID) {
            _ = try? await worker.run { e in
                guard let p = e.routers[routerID]?.producers[producerID], !p.isPipedCopy else { return }
                for l in p.layers { p.requestKeyframe(layer: l.index, now: .now()) }
                e.flush()
            }
        }
    }

    public func closeTransport(_ id: String) async {
        _ = try? await worker(forTransport: id)?.run { e in
            if let t = e.transports[id] { e.close(t, reason: "closed") }
            if let t = e.localTransports[id] { e.close(t, reason: "closed") }
        }
    }

    /// Gives a transport new local ICE credentials (RFC 8445 §9). For a
    /// subscribe transport the next offer carries them; a publish transport
    /// restarts by itself when the browser's offer brings new ones.
    public func restartICE(transportID: String) async {
        _ = try? await worker(forTransport: transportID)?.run { e in e.transports[transportID]?.restartICE() }
    }

    /// Closes a room's router and every transport in it; its loop may then take other rooms.
    public func closeRouter(_ id: String) async {
        for worker in workers(ofRouter: id) {
            _ = try? await worker.run { e in e.closeRouter(id) }
        }
        placement.withLock { $0.release(id) }
        remote.withLock { $0.origins[id] = nil }
    }

    /// The whole node: every loop's figures added up.
    public func statistics() async -> MediaStatistics {
        var total = MediaStatistics()
        for worker in workers {
            guard let s = try? await worker.run({ e in e.statistics }) else { continue }
            total.add(s)
        }
        return total
    }

    /// Each loop's figures, for /metrics (a loop's load and its share of the work).
    public func loopStatistics() async -> [MediaLoopStatistics] {
        var loops: [MediaLoopStatistics] = []
        for worker in workers {
            let s = (try? await worker.run({ e in e.statistics })) ?? MediaStatistics()
            loops.append(MediaLoopStatistics(index: worker.index, load: worker.load, statistics: s))
        }
        return loops
    }

    /// Dropped packets by kind and reason, for /metrics (all loops).
    public func droppedPackets() async -> [String: Int] {
        var total: [String: Int] = [:]
        for worker in workers {
            guard let dropped = try? await worker.run({ e in e.metrics.dropped }) else { continue }
            total.merge(dropped, uniquingKeysWith: +)
        }
        return total
    }
}
