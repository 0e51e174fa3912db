import NIOCore
import RTP
import SDP

/// An in-process transport: how the phone gateway and the recorder take part
/// in a room without ICE, DTLS or SRTP (DESIGN.md: "local transport").
///
/// Its producers are fed whole RTP packets by `receive`; its consumers hand
/// their rewritten packets (the consumer's SSRC, continuous sequence numbers)
/// to `sink` on the media event loop. Everything else — keyframe gating,
/// pausing, speaker detection — is the same code browsers go through.
final class LocalTransport: MediaTransport {
    let id: String
    unowned let engine: MediaEngine
    unowned let router: Router
    let sink: LocalMediaSink
    private(set) var closed = false
    var producers: [String: Producer] = [:]
    private var sequences: [String: SequenceNumberUnwrapper] = [:]
    var consumersByProducer: [String: Consumer] = [:]
    private var consumersBySSRC: [UInt32: Consumer] = [:]

    /// The RFC 6464 audio-level extension id local publishers write, so the
    /// room's active-speaker detection hears phone callers too.
    static let audioLevelID: UInt8 = 1
    let extensionIDs: PublishExtensionIDs = {
        var ids = PublishExtensionIDs()
        ids.audioLevel = LocalTransport.audioLevelID
        return ids
    }()

    var canSendMedia: Bool { !closed }

    init(id: String, engine: MediaEngine, router: Router, sink: @escaping LocalMediaSink) {
        self.id = id
        self.engine = engine
        self.router = router
        self.sink = sink
    }

    // MARK: - Publishing

    /// Adds a single-stream producer; its packets come through `receive`.
    private(set) var keyframeRequestsReceived = 0

    func produce(id: String, source: MediaSource, codec: RTPCodecParameters) -> Producer {
        let kind: MediaKind = source.isVideo ? .video : .audio
        let track = PublishedTrack(mid: id, kind: kind, codec: codec)
        let producer = Producer(id: id, source: source, track: track, router: router, transport: self)
        producers[id] = producer
        router.add(producer)
        return producer
    }

    /// One RTP packet of one of this transport's producers.
    func receive(producerID: String, packet: ByteBuffer, now: NIODeadline) {
        guard !closed, let producer = producers[producerID], let layer = producer.layers.first else {
            engine.metrics.droppedPackets(kind: "local", reason: "unknown_producer")
            return
        }
        packet.withUnsafeReadableBytes { bytes in
            let header: RTPHeader
            do { header = try RTPHeader(parsing: bytes) } catch {
                engine.metrics.droppedPackets(kind: "local", reason: "\(error)")
                return
            }
            if layer.ssrc != header.ssrc {
                // A new stream (first packet, or the caller's codec changed): a fresh sequence line.
                layer.ssrc = header.ssrc
                sequences[producerID] = SequenceNumberUnwrapper()
            }
            let extended = sequences[producerID, default: SequenceNumberUnwrapper()].unwrap(header.sequenceNumber)
            producer.receive(packet, bytes: bytes, header: header, layer: layer, extendedSequence: extended,
                             audioLevelID: Self.audioLevelID, now: now)
        }
    }

    // MARK: - Consuming

    /// Makes this transport consume exactly `wanted` (producers of the same
    /// router); returns what it consumes now.
    func updateSubscriptions(to wanted: [Producer], makeID: () -> String) -> [LocalSubscription] {
        let ids = Set(wanted.map(\.id))
        for (producerID, consumer) in consumersByProducer where !ids.contains(producerID) || router.producers[producerID] == nil {
            stop(consumer)
        }
        for producer in wanted where consumersByProducer[producer.id] == nil && producer.transport !== self {
            let ssrc = UInt32.random(in: 1...UInt32.max)
            var map = RTPExtensionIDMap()
            if producer.kind == .audio, let level = producer.transport?.extensionIDs.audioLevel {
                map[level] = Self.audioLevelID
            }
            let consumer = Consumer(id: makeID(), producer: producer, transport: self, ssrc: ssrc, mid: producer.id, extensionMap: map)
            consumer.active = true
            consumersByProducer[producer.id] = consumer
            consumersBySSRC[ssrc] = consumer
            producer.consumers.append(consumer)
            if producer.kind == .video {
                consumer.startsOnAnyKeyframe = true
                if producer.layers.count > 1, let best = producer.layers.last(where: { $0.isActive(now: .now()) }) {
                    consumer.targetLayer = best.index
                }
                consumer.requestKeyframe(now: .now(), urgent: true)
            }
        }
        return consumersByProducer.values.map {
            LocalSubscription(producerID: $0.producer.id, source: $0.producer.source, codec: $0.producer.codec, ssrc: $0.ssrc)
        }.sorted { $0.producerID < $1.producerID }
    }

    /// An in-process consumer (the recorder) has no tile and no bandwidth
    /// limit: it takes the best simulcast layer the publisher sends now. The
    /// top layer is not always sent (a browser drops layers its camera cannot
    /// fill), and waiting for its keyframe would record nothing.
    func chooseLayers(now: NIODeadline) {
        for consumer in consumersByProducer.values where consumer.producer.kind == .video && consumer.producer.layers.count > 1 {
            let best = consumer.producer.layers.last { $0.isActive(now: now) }?.index
            if let best, best != consumer.targetLayer {
                consumer.targetLayer = best
                consumer.requestKeyframe(now: now)
            }
        }
    }

    private func stop(_ consumer: Consumer) {
        consumer.active = false
        consumer.producer.consumers.removeAll { $0 === consumer }
        consumersByProducer[consumer.producer.id] = nil
        consumersBySSRC[consumer.ssrc] = nil
    }

    // MARK: - MediaTransport

    func sendRTP(copying bytes: UnsafeRawBufferPointer, payloadOffset: Int, rewrite: (UnsafeMutableRawBufferPointer) -> Void) {
        guard !closed else { return }
        var out = engine.allocator.buffer(capacity: bytes.count)
        out.writeBytes(bytes)
        out.withUnsafeMutableReadableBytes { rewrite($0) }
        guard let ssrc = out.getInteger(at: out.readerIndex + 8, as: UInt32.self),
              let consumer = consumersBySSRC[ssrc] else { return }
        sink(LocalMediaPacket(producerID: consumer.producer.id, isRTCP: false, bytes: out))
        engine.metrics.forwardedPackets += 1
    }

    /// Sender reports passed on by publishers (the recorder lines tracks up by them).
    func sendRTCP(_ compound: [UInt8]) {
        guard !closed, compound.count >= 8 else { return }
        let ssrc = UInt32(compound[4]) << 24 | UInt32(compound[5]) << 16 | UInt32(compound[6]) << 8 | UInt32(compound[7])
        guard let consumer = consumersBySSRC[ssrc] else { return }
        var out = engine.allocator.buffer(capacity: compound.count)
        out.writeBytes(compound)
        sink(LocalMediaPacket(producerID: consumer.producer.id, isRTCP: true, bytes: out))
    }

    /// Tells the owner what the room's subscribers lose of each producer:
    /// a receiver report (RFC 3550 §6.4.2) per producer with one block, the
    /// worst fraction lost any subscriber reported lately, so the owner's
    /// encoder can protect the stream as much as its worst listener needs
    /// (Opus inband FEC); 0 when nobody reported lately (the listeners
    /// left, or there are none), so protection nobody needs stops.
    func reportDownstreamLoss(now: NIODeadline) {
        guard !closed else { return }
        for producer in producers.values {
            let loss = producer.downstreamLoss(now: now) ?? 0
            let block = ReportBlock(ssrc: producer.layers.first?.ssrc ?? 0, fractionLost: loss, cumulativeLost: 0,
                                    highestSequence: 0, jitter: 0, lastSR: 0, delaySinceLastSR: 0)
            var bytes: [UInt8] = []
            ReceiverReport(ssrc: 0, reportBlocks: [block]).append(to: &bytes)
            var out = engine.allocator.buffer(capacity: bytes.count)
            out.writeBytes(bytes)
            sink(LocalMediaPacket(producerID: producer.id, isRTCP: true, bytes: out))
        }
    }

    /// Local publishers send audio only today; a keyframe request has
    /// nowhere to go but this count (tests read it).
    func sendPictureLossIndication(mediaSSRC: UInt32) { keyframeRequestsReceived += 1 }

    func consumerClosed(_ consumer: Consumer) {
        consumersByProducer[consumer.producer.id] = nil
        consumersBySSRC[consumer.ssrc] = nil
    }

    func close() {
        closed = true
        for consumer in Array(consumersByProducer.values) { stop(consumer) }
        for producer in producers.values {
            router.remove(producerID: producer.id)
            router.speakerDetector.forget(producer.id)
        }
        producers.removeAll()
    }
}

/// Receives what a local transport's consumers send, on the media event loop.
/// Keep it short: queue the packet and return.
public typealias LocalMediaSink = @Sendable (LocalMediaPacket) -> Void

/// A packet for an in-process participant: RTP rewritten for its consumer,
/// a sender report of that consumer's stream, or, for its own producers, a
/// receiver report of what the room's subscribers lose (`producerID` is
/// then the participant's own producer).
public struct LocalMediaPacket: Sendable {
    /// Whose track it is.
    public var producerID: String
    /// An RTCP sender report rather than RTP.
    public var isRTCP: Bool
    /// The packet, readable from its reader index.
    public var bytes: ByteBuffer
}

/// A producer a local transport consumes.
public struct LocalSubscription: Sendable, Equatable {
    public var producerID: String
    public var source: MediaSource
    /// The producer's codec (payload type as the publisher numbered it).
    public var codec: RTPCodecParameters
    /// The SSRC of the consumer's stream.
    public var ssrc: UInt32
}
