import NIOCore
import RTP

/// The sending end of a pipe for one producer, on the producer's own loop:
/// the producer hands it every packet it forwards (all layers, unchanged),
/// as it hands packets to its consumers.
final class ProducerPipe {
    unowned let producer: Producer
    let routerID: String
    let link: any PipeLink
    /// The loop on the other side.
    let destinationLoop: Int
    private(set) var packetsSent = 0

    init(producer: Producer, routerID: String, link: any PipeLink, destinationLoop: Int) {
        self.producer = producer
        self.routerID = routerID
        self.link = link
        self.destinationLoop = destinationLoop
    }

    func forward(_ packet: ByteBuffer, layer: Int, extendedSequence: Int64) {
        // The buffer's storage is shared, not copied: nothing writes to a
        // received packet after the producer has it (the cache keeps it too).
        link.send(.rtp(routerID: routerID, producerID: producer.id, layer: layer,
                       extendedSequence: extendedSequence, packet: packet))
        packetsSent += 1
    }

    func passOn(_ report: SenderReport, layer: Int) {
        link.send(.senderReport(routerID: routerID, producerID: producer.id, layer: layer, report: report))
    }

    /// The producer closed: the far side drops its copy.
    func close() {
        link.send(.producerClosed(routerID: routerID, producerID: producer.id))
    }
}
