import NIOCore
import RTP

/// The sending end of a pipe for one producer, on the producer's own loop:
/// the producer hands it every packet it forwards (all layers, unchanged),
/// as it hands packets to its consumers.
final class ProducerPipe {
    unowned let producer: Producer
    let routerID: String
    let link: any PipeLink
    /// The loop (of this node or another) on the other side.
    let destination: PipeDestination
    private(set) var packetsSent = 0
    private(set) var packetsResent = 0

    init(producer: Producer, routerID: String, link: any PipeLink, destination: PipeDestination) {
        self.producer = producer
        self.routerID = routerID
        self.link = link
        self.destination = destination
    }

    func forward(_ packet: ByteBuffer, layer: Int, extendedSequence: Int64) {
        // The buffer's storage is shared, not copied: nothing writes to a
        // received packet after the producer has it (the cache keeps it too).
        link.send(.rtp(routerID: routerID, producerID: producer.id, layer: layer,
                       extendedSequence: extendedSequence, packet: packet))
        packetsSent += 1
    }

    /// Sends again, from the producer's cache, the packets of `layer` the
    /// far side missed (video only: audio is not cached, Opus conceals).
    func resend(layer index: Int, extendedSequences: [Int64]) {
        guard producer.layers.indices.contains(index) else { return }
        let layer = producer.layers[index]
        for sequence in extendedSequences {
            guard let packet = layer.cache.packet(sequence: UInt16(truncatingIfNeeded: sequence)) else { continue }
            link.send(.rtp(routerID: routerID, producerID: producer.id, layer: index,
                           extendedSequence: sequence, packet: packet))
            packetsResent += 1
        }
    }

    func passOn(_ report: SenderReport, layer: Int) {
        link.send(.senderReport(routerID: routerID, producerID: producer.id, layer: layer, report: report))
    }

    /// The producer closed: the far side drops its copy.
    func close() {
        link.send(.producerClosed(routerID: routerID, producerID: producer.id))
    }
}
