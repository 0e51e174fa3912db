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

    var canSendMedia: Bool { false }

    init(description: PipedProducer, engine: MediaEngine, router: Router, back: any PipeLink) {
        self.id = "pipe-" + description.id
        self.engine = engine
        self.router = router
        self.back = back
        self.extensionIDs = description.extensionIDs
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
            engine.metrics.pipedPackets += 1
            producer.receive(packet, bytes: bytes, header: header, layer: layer, extendedSequence: extendedSequence,
                             audioLevelID: extensionIDs.audioLevel, now: now)
        }
    }

    func close() {
        closed = true
    }

    // MARK: - MediaTransport

    /// Nothing is sent into a pipe's receiving end: it only publishes.
    func sendRTP(copying bytes: UnsafeRawBufferPointer, rewrite: (UnsafeMutableRawBufferPointer) -> Void) {}
    func sendRTCP(_ compound: [UInt8]) {}

    /// A consumer of the copy wants a keyframe: ask the origin, which asks
    /// the publisher (the copy has throttled already).
    func sendPictureLossIndication(mediaSSRC: UInt32) {
        guard !closed, let layer = producer.layers.firstIndex(where: { $0.ssrc == mediaSSRC }) else { return }
        back.send(.keyframeRequest(routerID: router.id, producerID: producer.id, layer: layer))
    }

    func consumerClosed(_ consumer: Consumer) {}
}
