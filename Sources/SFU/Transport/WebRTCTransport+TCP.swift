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
    /// The agent tells TCP and UDP sources apart by address only; a browser
    /// whose TCP source port equals one of its UDP ports would share consent
    /// between the two, which changes when consent lapses but not where media goes.
    func receiveSTUN(_ bytes: UnsafeRawBufferPointer, on connection: TCPMediaConnection, now: NIODeadline) {
        let outcome = ice.handle(bytes, from: connection.source, now: ContinuousClock.now)
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
                // As on UDP: the first validated path carries DTLS until one is nominated.
                if remoteAddress == nil { select(connection) }
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
