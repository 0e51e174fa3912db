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
        connection.receive(envelope.data, from: envelope.remoteAddress)
    }
}
