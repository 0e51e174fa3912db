import NIOCore
import SDP

/// In-process participants (the phone gateway, the recorder): a transport
/// with no ICE, DTLS or SRTP, fed and read inside the process.
extension MediaNode {
    /// Makes a local transport in a room's router; `sink` gets what its
    /// consumers send, on the media event loop.
    public func createLocalTransport(routerID: String, sink: @escaping LocalMediaSink) async throws -> LocalTransportHandle {
        let (id, worker) = try await onNewTransportLoop(in: routerID) { e, isHome in
            let t = e.createLocalTransport(routerID: routerID, sink: sink)
            t.router.detectsSpeaker = isHome
            return t.id
        }
        return LocalTransportHandle(id: id, routerID: routerID, engine: worker.engine)
    }

    /// The worker of a local transport, or `MediaError.unknownTransport`.
    private func localWorker(_ transportID: String) throws -> MediaWorker {
        guard let worker = worker(forTransport: transportID) else { throw MediaError.unknownTransport }
        return worker
    }

    /// Adds a producer to a local transport; feed it with `LocalTransportHandle.send`.
    public func produceLocal(transportID: String, source: MediaSource, codec: RTPCodecParameters) async throws -> ProducerInfo {
        let worker = try localWorker(transportID)
        let (info, routerID) = try await worker.run { e in
            guard let t = e.localTransports[transportID] else { throw MediaError.unknownTransport }
            let p = t.produce(id: e.makeID("pr"), source: source, codec: codec)
            return (ProducerInfo(id: p.id, mid: p.mid, source: source, kind: p.kind.rawValue, simulcastLayers: 1), t.router.id)
        }
        await pipeAudioHome([info], routerID: routerID, from: worker)
        return info
    }

    /// Makes a local transport consume exactly these producers (of its router).
    @discardableResult
    public func subscribeLocal(transportID: String, producerIDs: [String]) async throws -> [LocalSubscription] {
        let worker = try localWorker(transportID)
        try await pipeMissing(producerIDs, into: worker, transportID: transportID)
        return try await worker.run { e in
            guard let t = e.localTransports[transportID] else { throw MediaError.unknownTransport }
            let producers = producerIDs.compactMap { t.router.producers[$0] }
            let result = t.updateSubscriptions(to: producers, makeID: { e.makeID("c") })
            e.flush()
            return result
        }
    }
}

/// A local transport as its owner holds it: sending packets into the room
/// without waiting, from any thread.
public struct LocalTransportHandle: Sendable {
    public let id: String
    public let routerID: String
    let engine: EventLoopConfined<MediaEngine>

    /// Hands RTP packets of this transport's producers to the room, in order,
    /// with one hop onto the media loop for the whole batch.
    public func send(_ packets: [(producerID: String, packet: ByteBuffer)]) {
        guard !packets.isEmpty else { return }
        let engine = self.engine
        let id = self.id
        let deliver: @Sendable () -> Void = {
            let e = engine.value
            guard let t = e.localTransports[id] else { return }
            let now = NIODeadline.now()
            for p in packets { t.receive(producerID: p.producerID, packet: p.packet, now: now) }
            e.flush()
        }
        if engine.eventLoop.inEventLoop { deliver() } else { engine.eventLoop.execute(deliver) }
    }

    /// Hands RTP packets of several local transports' producers to their
    /// rooms, with one hop per media loop for the whole batch instead of one
    /// per transport (the gateway's 20 ms tick sends a packet for every caller
    /// at once: per caller, that was a thread wake-up on each side).
    public static func send(_ packets: [(transport: LocalTransportHandle, producerID: String, packet: ByteBuffer)]) {
        var byLoop: [ObjectIdentifier: [(transport: LocalTransportHandle, producerID: String, packet: ByteBuffer)]] = [:]
        for p in packets { byLoop[ObjectIdentifier(p.transport.engine.eventLoop), default: []].append(p) }
        for batch in byLoop.values {
            let engine = batch[0].transport.engine
            let deliver: @Sendable () -> Void = {
                let e = engine.value
                let now = NIODeadline.now()
                for p in batch { e.localTransports[p.transport.id]?.receive(producerID: p.producerID, packet: p.packet, now: now) }
                e.flush()
            }
            if engine.eventLoop.inEventLoop { deliver() } else { engine.eventLoop.execute(deliver) }
        }
    }

    /// Asks the publisher of a video track this transport consumes for a
    /// keyframe (the recorder lost a packet and cannot decode until one comes).
    /// The producer throttles requests, as it does for browsers' PLIs.
    public func requestKeyframe(producerID: String) {
        let engine = self.engine
        let id = self.id
        engine.eventLoop.execute {
            let e = engine.value
            guard let consumer = e.localTransports[id]?.consumersByProducer[producerID],
                  consumer.producer.kind == .video else { return }
            consumer.requestKeyframe(now: .now())
            e.flush()
        }
    }
}
