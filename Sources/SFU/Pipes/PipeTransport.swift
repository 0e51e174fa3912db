import NIOCore
import RTP
import SDP

/// The receiving end of a pipe, on a loop where some of a room's
/// subscribers are: it owns the copy of one producer from another loop and
/// feeds it what the pipe brings. Consumers of the copy are ordinary
/// consumers; to them it is a producer like any other.
final class PipeTransport: MediaTransport {
    let id: String
    unowned let engine: MediaEngine
    unowned let router: Router
    /// Toward the producer's origin, for keyframe requests.
    let back: any PipeLink
    private(set) var producer: Producer!
    let extensionIDs: PublishExtensionIDs
    private(set) var closed = false
    /// Since when the copy has had no consumer (nil: it has some).
    var idleSince: NIODeadline?
    /// Whether packets the link loses are asked for again: video over a
    /// link between nodes (a loop's pipe loses nothing; audio is not cached
    /// at the origin, and Opus conceals a loss better than a late repair).
    private let repairsLoss: Bool
    /// The highest extended sequence number seen on each layer.
    private var highestSequence: [Int: Int64] = [:]

    var canSendMedia: Bool { false }

    init(description: PipedProducer, engine: MediaEngine, router: Router, back: any PipeLink) {
        self.id = "pipe-" + description.id
        self.engine = engine
        self.router = router
        self.back = back
        self.extensionIDs = description.extensionIDs
        self.repairsLoss = back is NodePipeLink && description.track.kind == .video
        let copy = Producer(id: description.id, source: description.source, track: description.track,
                            router: router, transport: self)
        copy.paused = description.paused
        self.producer = copy
    }

    /// A packet from the pipe. The layer's SSRC is learnt from it: with rid
    /// simulcast the origin learnt it from the first packet too.
    func receive(layer index: Int, extendedSequence: Int64, packet: ByteBuffer, now: NIODeadline) {
        guard !closed, producer.layers.indices.contains(index) else {
            engine.metrics.droppedPackets(kind: "pipe", reason: "unknown_layer")
            return
        }
        let layer = producer.layers[index]
        packet.withUnsafeReadableBytes { bytes in
            guard let header = try? RTPHeader(parsing: bytes) else {
                engine.metrics.droppedPackets(kind: "pipe", reason: "malformed_rtp")
                return
            }
            if layer.ssrc != header.ssrc { layer.ssrc = header.ssrc }
            if repairsLoss { noteSequence(extendedSequence, layer: index) }
            engine.metrics.pipedPackets += 1
            producer.receive(packet, bytes: bytes, header: header, layer: layer, extendedSequence: extendedSequence,
                             audioLevelID: extensionIDs.audioLevel, now: now)
        }
    }

    /// Asks the origin for packets skipped on the link between nodes
    /// (RFC 4585 §6.2.1's NACK, node to node); after a gap too long to
    /// repair, for a keyframe instead.
    private func noteSequence(_ sequence: Int64, layer: Int) {
        guard let highest = highestSequence[layer] else {
            highestSequence[layer] = sequence
            return
        }
        guard sequence > highest else { return }  // a repair, or reordered
        highestSequence[layer] = sequence
        let missing = sequence - highest - 1
        guard missing > 0 else { return }
        if missing <= Int64(PipeWireWriter.maximumRequests) {
            engine.metrics.nacksSent += 1
            back.send(.retransmissionRequest(routerID: router.id, producerID: producer.id, layer: layer,
                                             extendedSequences: Array(highest + 1 ..< sequence), from: .loop(engine.load.index)))
        } else {
            back.send(.keyframeRequest(routerID: router.id, producerID: producer.id, layer: layer))
        }
    }

    func close() {
        closed = true
    }

    // MARK: - MediaTransport

    /// Nothing is sent into a pipe's receiving end: it only publishes.
    func sendRTP(copying bytes: UnsafeRawBufferPointer, payloadOffset: Int, rewrite: (UnsafeMutableRawBufferPointer) -> Void) {}
    func sendRTCP(_ compound: [UInt8]) {}

    /// A consumer of the copy wants a keyframe: ask the origin, which asks
    /// the publisher (the copy has throttled already).
    func sendPictureLossIndication(mediaSSRC: UInt32) {
        guard !closed, let layer = producer.layers.firstIndex(where: { $0.ssrc == mediaSSRC }) else { return }
        back.send(.keyframeRequest(routerID: router.id, producerID: producer.id, layer: layer))
    }

    func consumerClosed(_ consumer: Consumer) {}
}
