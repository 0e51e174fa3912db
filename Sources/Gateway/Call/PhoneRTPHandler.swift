import NIOCore

/// The thin channel handler of one call's RTP socket: every datagram goes to
/// the call (SwiftNIO's habit: protocol logic lives outside the handler).
final class PhoneRTPHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let receive: (ByteBuffer, SocketAddress) -> Void

    init(receive: @escaping (ByteBuffer, SocketAddress) -> Void) { self.receive = receive }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        receive(envelope.data, envelope.remoteAddress)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port unreachable and the like: the call's RTP timeout decides.
    }
}
