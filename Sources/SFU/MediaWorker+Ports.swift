import NIOCore
import NIOPosix

// A media loop's ports: the UDP socket, and the TCP side (ICE-TCP, RFC 6544):
// a listener on the same host and port, whose connections live on the loop.
extension MediaWorker {
    /// Binds UDP, then (with `configuration.tcp`) TCP on the port UDP got.
    /// With port 0 another program may hold that TCP port; then both are
    /// bound again on a fresh port, a few times. A fixed port whose TCP side
    /// is taken fails the start: the operator asked for ICE-TCP there.
    func bindPorts() async throws -> (udp: any Channel, tcp: (any Channel)?) {
        var attempt = 0
        while true {
            let udp = try await bindUDP(port: requestedPort)
            guard configuration.tcp else { return (udp, nil) }
            let port = udp.localAddress?.port ?? requestedPort
            do {
                return (udp, try await bindTCP(port: port))
            } catch {
                try? await udp.close()
                attempt += 1
                guard requestedPort == 0, attempt < 8 else { throw error }
            }
        }
    }

    /// Binds the loop's UDP socket.
    func bindUDP(port: Int) async throws -> any Channel {
        let engine = self.engine
        return try await DatagramBootstrap(group: eventLoop)
            .channelOption(.socketOption(.so_reuseaddr), value: 1)
            .channelOption(.socketOption(.so_rcvbuf), value: 4 << 20)
            .channelOption(.socketOption(.so_sndbuf), value: 4 << 20)
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaDatagramHandler(engine: engine.value))
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }

    /// Listens on TCP; every accepted connection gets a `TCPMediaHandler` on
    /// the media loop (the engine is confined to it).
    func bindTCP(port: Int) async throws -> any Channel {
        let engine = self.engine
        return try await ServerBootstrap(group: eventLoop, childGroup: eventLoop)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 128)
            // Media is paced by the sender; Nagle's delay only adds latency.
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            // A browser that stops reading makes the channel unwritable once
            // the kernel's send buffer and 64 KiB more are full; packets to it
            // are then dropped instead of queued (late media is useless).
            .childChannelOption(.writeBufferWaterMark, value: .init(low: 32 << 10, high: 64 << 10))
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TCPMediaHandler(engine: engine.value))
                }
            }
            .bind(host: configuration.host, port: port)
            .get()
    }
}
