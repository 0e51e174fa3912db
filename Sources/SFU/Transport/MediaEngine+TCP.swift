import NIOCore

// ICE-TCP (RFC 6544) on the media port: browsers that cannot use UDP connect
// to Parley's passive TCP candidate on the same host and port. Each connection
// carries RFC 4571 frames, and each frame is demultiplexed like a datagram
// (RFC 7983). A connection becomes a candidate path of the transport its
// first valid connectivity check is for; the transport sends on it once the
// browser nominates it (WebRTCTransport+TCP.swift).
extension MediaEngine {
    /// How long a new connection may stay without a valid connectivity check
    /// before it is closed. A browser opens the connection to check the pair
    /// (RFC 6544: the active side connects, then sends the check on it), so
    /// the check follows within a round trip and a few seconds is generous; a
    /// port scanner or a stray client must not hold a slot.
    static let tcpCheckTimeout = TimeAmount.seconds(5)

    /// At most this many connections from one IP address may wait for their
    /// first valid check at the same time, so that one host cannot take every
    /// slot of `maximumTCPConnections` by opening connections and sending
    /// nothing. A browser opens one per peer connection and checks at once;
    /// 32 leaves room for many people joining together behind one NAT.
    static let maximumPendingTCPConnectionsPerAddress = 32

    /// A connection was accepted: registers it, or returns nil (and the
    /// caller closes it) when `maximumTCPConnections` are already open, when
    /// its address already has `maximumPendingTCPConnectionsPerAddress`
    /// connections without a valid check, or when the peer's address is not IP.
    func acceptTCP(_ channel: any Channel) -> TCPMediaConnection? {
        guard let remote = channel.remoteAddress, let source = STUNAddress(socketAddress: remote) else {
            metrics.droppedPackets(kind: "tcp", reason: "no_peer_address")
            return nil
        }
        guard tcpConnections.count < maximumTCPConnections else {
            metrics.droppedPackets(kind: "tcp", reason: "connection_limit")
            return nil
        }
        let ip = remote.ipAddress
        let pending = tcpConnections.values.lazy.filter { $0.transport == nil && $0.remoteAddress.ipAddress == ip }.count
        guard pending < Self.maximumPendingTCPConnectionsPerAddress else {
            metrics.droppedPackets(kind: "tcp", reason: "pending_limit_per_address")
            return nil
        }
        let connection = TCPMediaConnection(channel: channel, remoteAddress: remote, source: source, acceptedAt: .now())
        tcpConnections[ObjectIdentifier(connection)] = connection
        return connection
    }

    /// Takes every complete frame out of the connection's framer and handles
    /// it; a framing error (RFC 4571 cannot resynchronise) closes the connection.
    func receiveTCP(on connection: TCPMediaConnection) {
        while connection.isOpen {
            let frame: ArraySlice<UInt8>?
            do throws(RFC4571FramingError) {
                frame = try connection.framer.nextFrame()
            } catch {
                metrics.droppedPackets(kind: "tcp", reason: error.label)
                closeTCP(connection, reason: error.label)
                return
            }
            guard let frame else { return }
            var buffer = allocator.buffer(capacity: frame.count)
            buffer.writeBytes(frame)
            receive(&buffer, on: connection)
        }
    }

    /// One packet from a TCP connection, demultiplexed as a datagram is
    /// (RFC 7983 §7; ICE-TCP carries the same protocols, framed). STUN goes to
    /// the connection's transport, or before its first valid check to the
    /// transport found by the username fragment; DTLS and SRTP/SRTCP only
    /// from a connection a valid check has tied to a transport.
    func receive(_ buffer: inout ByteBuffer, on connection: TCPMediaConnection) {
        metrics.packetsReceived += 1
        let kind = MediaPacketKind(buffer)
        let now = NIODeadline.now()
        switch kind {
        case .stun:
            receiveSTUN(buffer, owner: connection.transport) { $0.receiveSTUN($1, on: connection, now: now) }
        case .dtls, .rtp, .rtcp:
            receive(kind, &buffer, for: connection.transport, now: now)
        case .empty:
            return
        case .unknown:
            metrics.droppedPackets(kind: "tcp", reason: "unknown_protocol")
        }
    }

    /// Closes a connection on Parley's side and forgets it.
    func closeTCP(_ connection: TCPMediaConnection, reason: String) {
        logger.debug("media TCP connection closed", metadata: ["peer": "\(connection.remoteAddress)", "reason": "\(reason)"])
        connection.close()
        tcpConnections[ObjectIdentifier(connection)] = nil
    }

    /// The socket closed (the browser closed it, or it failed). A transport
    /// whose selected path it was keeps it as its path, sending nothing, until
    /// the browser nominates another pair or consent lapses (RFC 7675 §5.1),
    /// exactly as when a UDP path goes quiet.
    func tcpConnectionClosed(_ connection: TCPMediaConnection, reason: String) {
        guard tcpConnections.removeValue(forKey: ObjectIdentifier(connection)) != nil else { return }
        logger.debug("media TCP connection closed", metadata: ["peer": "\(connection.remoteAddress)", "reason": "\(reason)"])
        connection.markClosed()
    }

    /// Closing a transport closes every TCP connection that carried its checks.
    func closeTCPConnections(of transport: WebRTCTransport) {
        for connection in Array(tcpConnections.values) where connection.transport === transport {
            closeTCP(connection, reason: "transport_closed")
        }
    }

    /// Closes connections that sent no valid check within `tcpCheckTimeout`.
    /// Runs from the engine's tick, at most four times a second.
    func sweepTCPConnections(now: NIODeadline) {
        guard !tcpConnections.isEmpty, now - lastTCPSweep >= .milliseconds(250) else { return }
        lastTCPSweep = now
        for connection in Array(tcpConnections.values)
        where connection.transport == nil && now - connection.acceptedAt > Self.tcpCheckTimeout {
            metrics.droppedPackets(kind: "tcp", reason: "no_valid_check")
            closeTCP(connection, reason: "no_valid_check")
        }
    }

    /// Closes the listening socket, then every connection (the node
    /// stops); the future completes when the listener is closed.
    func closeTCP() -> EventLoopFuture<Void>? {
        let closed = tcpListener?.close()
        tcpListener = nil
        for connection in Array(tcpConnections.values) { closeTCP(connection, reason: "stopping") }
        return closed
    }
}
