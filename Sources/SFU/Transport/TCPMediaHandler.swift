import NIOCore

/// The channel handler of one accepted TCP connection on the media port:
/// registers the connection with the engine (which may refuse it), reads
/// RFC 4571 frames and hands each to the engine on the same event loop, as
/// `MediaDatagramHandler` does with datagrams.
final class TCPMediaHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let engine: MediaEngine
    private var connection: TCPMediaConnection?

    init(engine: MediaEngine) { self.engine = engine }

    func channelActive(context: ChannelHandlerContext) {
        connection = engine.acceptTCP(context.channel)
        guard connection != nil else {
            context.close(promise: nil)
            return
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard let connection, connection.isOpen else { return }
        let buffer = unwrapInboundIn(data)
        buffer.withUnsafeReadableBytes { connection.framer.append($0) }
        engine.receiveTCP(on: connection)
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        engine.flush()
        context.fireChannelReadComplete()
    }

    func channelInactive(context: ChannelHandlerContext) {
        if let connection { engine.tcpConnectionClosed(connection, reason: "closed_by_peer") }
        connection = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // A reset or a failed write ends this browser's connection only.
        engine.logger.debug("media TCP connection error", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }
}
