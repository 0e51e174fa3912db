import NIOCore
import NIOEmbedded
@testable import SFU

/// One ICE-TCP connection of a fake browser to the engine: an
/// `EmbeddedChannel` running Parley's `TCPMediaHandler` (no sockets). What
/// the test sends is framed (RFC 4571); what the engine sends is unframed
/// again by a framer of the test's own.
final class TCPLink {
    let loop: EmbeddedEventLoop
    let channel: EmbeddedChannel
    let address: SocketAddress
    private var framer = RFC4571Framer(maximumFrameLength: 65535)

    /// Connects: the engine's handler sees the connection become active.
    init(engine: MediaEngine, loop: EmbeddedEventLoop, port: Int) throws {
        self.loop = loop
        address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        channel = EmbeddedChannel(handler: TCPMediaHandler(engine: engine), loop: loop)
        channel.remoteAddress = address
        _ = channel.connect(to: address)   // synchronous on an EmbeddedChannel
    }

    /// Sends one packet, framed.
    func send(_ packet: [UInt8]) throws {
        try sendRaw([UInt8(packet.count >> 8), UInt8(packet.count & 0xFF)] + packet)
    }

    /// Sends bytes as they are (for framing errors and split frames).
    func sendRaw(_ bytes: [UInt8]) throws {
        try channel.writeInbound(ByteBuffer(bytes: bytes))
    }

    /// Every packet the engine sent on this connection since the last call.
    func received() throws -> [[UInt8]] {
        loop.run()   // the connection flushes once the loop's current work is done
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) {
            framer.append(Array(buffer.readableBytesView))
        }
        var out: [[UInt8]] = []
        while let frame = try framer.nextFrame() { out.append(Array(frame)) }
        return out
    }

    /// The browser closes the connection.
    func close() {
        _ = channel.close()
    }
}

extension FakePeer {
    /// A connectivity check, with or without USE-CANDIDATE (RFC 8445 §7.1.2).
    func bindingRequest(serverUfrag: String, serverPassword: String, nominate: Bool) -> [UInt8] {
        var attributes: [STUNAttribute] = [.username("\(serverUfrag):\(ufrag)"), .priority(1_518_280_447), .iceControlling(42)]
        if nominate { attributes.append(.useCandidate) }
        return STUNMessage(method: .binding, messageClass: .request, transactionID: .random(), attributes: attributes)
            .serialized(integrityPassword: Array(serverPassword.utf8), fingerprint: true)
    }

    /// Brings ICE (a nominating check) and DTLS up over `link`.
    func connect(over link: TCPLink, serverUfrag: String, serverPassword: String, serverFingerprint: String) throws {
        _ = dtls.setRemoteFingerprint(algorithm: "sha-256", bytes: serverFingerprint.split(separator: ":").map { UInt8($0, radix: 16)! })
        try link.send(bindingRequest(serverUfrag: serverUfrag, serverPassword: serverPassword))
        let responses = try link.received()
        precondition(responses.contains { ($0.first ?? 0xFF) < 4 }, "no STUN response over TCP")
        var toServer = dtls.start().datagrams
        var keys: SRTPKeyingMaterial?
        for _ in 0..<10 where keys == nil {
            for d in toServer { try link.send(d) }
            toServer = []
            for reply in try link.received() where (20...63).contains(reply.first ?? 0) {
                let outcome = reply.withUnsafeBytes { dtls.receive($0) }
                toServer += outcome.datagrams
                if case .connected(let k)? = outcome.event { keys = k }
            }
        }
        for d in toServer { try link.send(d) }
        guard let keys else { throw DTLSError.handshakeFailed("fake peer did not connect over TCP") }
        srtpOut = try SRTPSession(profile: keys.profile, keyAndSalt: keys.localKeyAndSalt, direction: .outbound)
        srtpIn = try SRTPSession(profile: keys.profile, keyAndSalt: keys.remoteKeyAndSalt, direction: .inbound)
        _ = try link.received()
    }

    /// One RTP packet, SRTP-protected, over `link`.
    func sendRTP(_ packet: [UInt8], over link: TCPLink) throws {
        var b = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let n = try b.withUnsafeMutableBytes { try srtpOut!.protectRTP($0, length: packet.count) }
        try link.send(Array(b[0..<n]))
    }
}
