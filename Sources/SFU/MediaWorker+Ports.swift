import Glibc
import NIOCore
import NIOPosix

// A media loop's ports: the UDP socket, and the TCP side (ICE-TCP, RFC 6544):
// a listener on the same host and port, whose connections live on the loop.
extension MediaWorker {
    /// Binds UDP, then (with `configuration.tcp`) TCP on the port UDP got.
    /// With port 0 another program may hold that TCP port; then both are
    /// bound again on a fresh port, a few times. A fixed port whose TCP side
    /// is taken fails the start: the operator asked for ICE-TCP there.
    func bindPorts() async throws -> (udp: UDPPort, tcp: (any Channel)?) {
        var attempt = 0
        while true {
            let udp = try await bindUDP(port: requestedPort)
            guard configuration.tcp else { return (udp, nil) }
            let port = udp.channel.localAddress?.port ?? requestedPort
            do {
                return (udp, try await bindTCP(port: port))
            } catch {
                try? await udp.channel.close()
                attempt += 1
                guard requestedPort == 0, attempt < 8 else { throw error }
            }
        }
    }

    /// Binds the loop's UDP socket. The socket is made here, not by the
    /// bootstrap, so the engine knows its descriptor for the batched sends
    /// of forwarded RTP (`DatagramBatch`); NIO reads it and owns it.
    func bindUDP(port: Int) async throws -> UDPPort {
        let engine = self.engine
        let address = try SocketAddress.makeAddressResolvingHost(configuration.host, port: port)
        let socket = try Self.openUDPSocket(boundTo: address)
        let channel = try await DatagramBootstrap(group: eventLoop)
            .channelOption(.maxMessagesPerRead, value: 32)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 2048))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(MediaDatagramHandler(engine: engine.value))
                }
            }
            .withBoundSocket(socket)
            .get()
        return UDPPort(channel: channel, socket: socket)
    }

    /// A loop's bound UDP port: the channel that reads it, and its descriptor.
    struct UDPPort {
        var channel: any Channel
        var socket: CInt
    }

    /// A non-blocking UDP socket bound to `address`, with 4 MiB buffers
    /// (bursts of video for many subscribers).
    static func openUDPSocket(boundTo address: SocketAddress) throws -> CInt {
        let type = CInt(SOCK_DGRAM.rawValue) | CInt(SOCK_NONBLOCK.rawValue) | CInt(SOCK_CLOEXEC.rawValue)
        let socket = Glibc.socket(CInt(address.protocol.rawValue), type, 0)
        guard socket >= 0 else { throw IOError(errnoCode: errno, reason: "socket") }
        func fail(_ reason: String) -> IOError {
            let error = IOError(errnoCode: errno, reason: reason)
            close(socket)
            return error
        }
        for (option, value) in [(SO_REUSEADDR, CInt(1)), (SO_RCVBUF, CInt(4 << 20)), (SO_SNDBUF, CInt(4 << 20))] {
            var value = value
            guard setsockopt(socket, SOL_SOCKET, option, &value, socklen_t(MemoryLayout<CInt>.size)) == 0 else { throw fail("setsockopt") }
        }
        guard address.withSockAddr({ bind(socket, $0, socklen_t($1)) }) == 0 else { throw fail("bind") }
        return socket
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
