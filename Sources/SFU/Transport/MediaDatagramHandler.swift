import NIOCore

/// The channel handler of the media port: hands each datagram to the engine
/// on the same event loop (no task hop per packet) and flushes what the
/// engine wrote once per read burst.
final class MediaDatagramHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let engine: MediaEngine

    init(engine: MediaEngine) { self.engine = engine }

    func channelActive(context: ChannelHandlerContext) {
        engine.channel = context.channel
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        // The batch writes to the channel's socket: never after it closed
        // (its descriptor may belong to something else by then).
        engine.datagrams = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var envelope = unwrapInboundIn(data)
        engine.receive(&envelope.data, from: envelope.remoteAddress)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        engine.flush()  // the port, and pipes to other loops: one hop per burst
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // ICMP port-unreachable and similar surface here; one peer's trouble
        // must not close the node's only port.
        engine.logger.debug("media socket error", metadata: ["error": "\(error)"])
        engine.metrics.droppedPackets(kind: "socket", reason: "error")
    }
}
