import NIOCore

// A transport's ICE-TCP paths (RFC 6544). The browser's checks arrive on TCP
// connections to the media port like on UDP; the lite agent judges them the
// same way, with the connection's remote address as the source. A nominated
// connection becomes the selected path: every DTLS, SRTP and SRTCP packet of
// the transport then goes out on it, framed (RFC 4571 §2).
extension WebRTCTransport {
    /// A STUN message that arrived on `connection`. A valid check ties the
    /// connection to this transport (RFC 8445 §7.3: the pair is valid), and
    /// with USE-CANDIDATE makes it the selected path (RFC 8445 §7.3.1.5).
    ///
    /// A browser may check from the same address over UDP and TCP (Firefox
    /// binds its active TCP candidates to its UDP port): the agent keys the
    /// selected pair by address and protocol, so a UDP nomination after a TCP
    /// one moves the path back (before, it looked like the same pair).
    func receiveSTUN(_ bytes: UnsafeRawBufferPointer, on connection: TCPMediaConnection, now: NIODeadline) {
        let outcome = ice.handle(bytes, from: connection.source, over: .tcp, now: ContinuousClock.now)
        if let response = outcome.response {
            var buffer = engine.allocator.buffer(capacity: response.count)
            buffer.writeBytes(response)
            connection.send(buffer, allocator: engine.allocator)
        }
        // A success response without a rejection is a valid check; it may
        // carry no event (a check on a pair that is not the selected one).
        var valid = outcome.response != nil
        for event in outcome.events {
            switch event {
            case .selected:
                select(connection)
            case .consentRefreshed:
                // Unlike UDP, a merely valid TCP pair does not take the path
                // before a nomination: a browser that checks both (Firefox
                // does) starts DTLS on the UDP pair it prefers, and a TCP
                // connection holding the path would leave that DTLS with no
                // transport. TCP carries media once nominated (`.selected`).
                break
            case .rejected(let reason):
                valid = false
                engine.metrics.droppedPackets(kind: "stun", reason: reason.label)
            }
        }
        if valid && connection.transport == nil && connection.isOpen {
            connection.transport = self
        }
    }

    /// Makes `connection` the path all sends of this transport take; UDP
    /// datagrams from the previous address are no longer this transport's.
    func select(_ connection: TCPMediaConnection) {
        guard selectedConnection !== connection else { return }
        logger.debug("ICE selected TCP \(connection.remoteAddress)")
        engine.unbind(self)
        selectedConnection = connection
        remoteAddress = connection.remoteAddress
    }

    /// Sends one packet on the selected path: framed on the TCP connection
    /// ICE selected, else as a UDP datagram to `address`. A selected
    /// connection that has closed drops the packet; consent then lapses as
    /// on a silent UDP path unless the browser nominates another pair.
    @inline(__always)
    func transmit(_ packet: ByteBuffer, to address: SocketAddress) {
        if let connection = selectedConnection {
            if !connection.send(packet, allocator: engine.allocator) {
                engine.metrics.droppedPackets(kind: "tcp_out", reason: connection.isOpen ? "congested" : "closed")
            }
        } else {
            engine.send(packet, to: address)
        }
    }

    /// `transmit(_:to:)` for bytes (DTLS records).
    func transmit(_ bytes: [UInt8], to address: SocketAddress) {
        var buffer = engine.allocator.buffer(capacity: bytes.count)
        buffer.writeBytes(bytes)
        transmit(buffer, to: address)
    }
}
