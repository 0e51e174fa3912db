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
        for datagram in Self.datagrams(in: envelope) { connection.receive(datagram, from: envelope.remoteAddress) }
    }

    /// The datagrams `envelope` holds: itself, or, when the kernel kept a
    /// segmented send whole (`UDP_GRO`, `ClientSocketSettings`), the
    /// datagrams it was sent as: every one its segment size but the last.
    static func datagrams(in envelope: AddressedEnvelope<ByteBuffer>) -> [ByteBuffer] {
        guard let size = envelope.metadata?.segmentSize, size > 0, envelope.data.readableBytes > size else {
            return [envelope.data]
        }
        var whole = envelope.data
        var datagrams: [ByteBuffer] = []
        datagrams.reserveCapacity((whole.readableBytes + size - 1) / size)
        while let segment = whole.readSlice(length: min(size, whole.readableBytes)), segment.readableBytes > 0 {
            datagrams.append(segment)
        }
        return datagrams
    }
}
