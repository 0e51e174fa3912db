import NIOCore

/// Hands each datagram of the connection's socket to it, on its loop.
final class ClientDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let connection: ClientPeerConnection

    init(connection: ClientPeerConnection) {
        self.connection = connection
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        Self.forEachDatagram(in: envelope) { connection.receive($0, from: envelope.remoteAddress) }
    }

    /// Hands `body` the datagrams `envelope` holds: itself, or, when the
    /// kernel kept a segmented send whole (`UDP_GRO`, `ClientSocketSettings`),
    /// the datagrams it was sent as: every one its segment size but the last.
    static func forEachDatagram(in envelope: AddressedEnvelope<ByteBuffer>, _ body: (ByteBuffer) -> Void) {
        guard let size = envelope.metadata?.segmentSize, size > 0, envelope.data.readableBytes > size else {
            body(envelope.data)
            return
        }
        var whole = envelope.data
        while let segment = whole.readSlice(length: min(size, whole.readableBytes)), segment.readableBytes > 0 {
            body(segment)
        }
    }
}
