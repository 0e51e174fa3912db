import NIOCore

/// One browser's TCP connection to the media port: an ICE-TCP candidate pair
/// whose remote side is the browser's active candidate and whose local side is
/// Parley's passive one (RFC 6544 §4.5). Packets in both directions are framed
/// as RFC 4571 §2 says (`RFC4571Framer`).
///
/// Confined to the media event loop like the rest of the engine. A connection
/// belongs to no transport until a valid connectivity check arrives on it
/// (`transport`); the engine closes it if none does within
/// `MediaEngine.tcpCheckTimeout`.
final class TCPMediaConnection {
    let channel: any Channel
    /// The browser's address and port on this connection.
    let remoteAddress: SocketAddress
    /// `remoteAddress` as the ICE agent sees it: the source of the checks.
    let source: STUNAddress
    /// When the connection was accepted.
    let acceptedAt: NIODeadline
    var framer: RFC4571Framer
    /// The transport a valid check on this connection was for; nil until then.
    var transport: WebRTCTransport?
    private(set) var isOpen = true
    private var flushPending = false

    init(channel: any Channel, remoteAddress: SocketAddress, source: STUNAddress, acceptedAt: NIODeadline,
         maximumFrameLength: Int = RFC4571Framer.defaultMaximumFrameLength) {
        self.channel = channel
        self.remoteAddress = remoteAddress
        self.source = source
        self.acceptedAt = acceptedAt
        self.framer = RFC4571Framer(maximumFrameLength: maximumFrameLength)
    }

    /// Queues one packet, framed (RFC 4571 §2), and flushes once the
    /// current burst of work on the loop is done, so that a burst of packets
    /// to this browser becomes one write. Returns false when the packet was
    /// dropped: the connection is closed, the packet cannot be framed, or
    /// the browser does not read fast enough (the channel stopped being
    /// writable). Media is loss-tolerant; an unbounded queue behind a slow
    /// reader is not.
    @discardableResult
    func send(_ packet: ByteBuffer, allocator: ByteBufferAllocator) -> Bool {
        let length = packet.readableBytes
        guard isOpen, channel.isWritable, (1...Int(UInt16.max)).contains(length) else { return false }
        var framed = allocator.buffer(capacity: 2 + length)
        framed.writeInteger(UInt16(length))   // big-endian, RFC 4571 §2
        framed.writeImmutableBuffer(packet)
        channel.write(framed, promise: nil)
        if !flushPending {
            flushPending = true
            let confined = EventLoopConfined(self, eventLoop: channel.eventLoop)
            channel.eventLoop.execute { confined.value.flushQueued() }
        }
        return true
    }

    private func flushQueued() {
        flushPending = false
        if isOpen { channel.flush() }
    }

    /// Flushes what is queued and closes the socket. Idempotent.
    func close() {
        guard isOpen else { return }
        isOpen = false
        transport = nil
        channel.flush()
        channel.close(promise: nil)
    }

    /// The socket went away (the browser closed it, or an error): nothing
    /// more can be sent. The engine forgets the connection.
    func markClosed() {
        isOpen = false
        transport = nil
    }
}
