import NIOCore
import NIOPosix

/// How a simulated participant's UDP sockets are opened.
public struct ClientSocketSettings: Sendable {
    /// The address the sockets bind to (and our ICE candidate).
    public var host: String
    /// Accept segmented datagrams whole (`UDP_GRO`, Linux 5.10+) and split
    /// them in `ClientDatagramHandler`. On loopback the receiving side's
    /// kernel work is done under the server's own send and charged to the
    /// server; without this, a segmented send (`UDP_SEGMENT`) is split back
    /// into datagrams there, work a real network leaves to the subscriber's
    /// machine. Datagrams sent one by one arrive as before, so a server that
    /// does not segment (Janus) is measured the same either way.
    public var receiveOffload: Bool

    public init(host: String = "127.0.0.1", receiveOffload: Bool = true) {
        self.host = host
        self.receiveOffload = receiveOffload
    }

    /// A bootstrap for one socket on `loop` with these settings.
    public func bootstrap(on loop: any EventLoop) -> DatagramBootstrap {
        let bootstrap = DatagramBootstrap(group: loop)
        guard receiveOffload && System.supportsUDPReceiveOffload else { return bootstrap }
        // A segmented datagram arrives whole (up to 64 KiB) with its segment size.
        return bootstrap
            .channelOption(.datagramReceiveOffload, value: true)
            .channelOption(.datagramReceiveSegmentSize, value: true)
            .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 65_536))
    }
}
