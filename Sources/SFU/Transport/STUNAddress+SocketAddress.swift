import NIOCore

extension STUNAddress {
    /// The STUN form of a NIO socket address (IPv4 or IPv6), nil for Unix sockets.
    init?(socketAddress: SocketAddress) {
        guard let ip = socketAddress.ipAddress, let port = socketAddress.port else { return nil }
        self.init(string: ip, port: UInt16(port))
    }
}

