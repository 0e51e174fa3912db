import NIOCore
import RTP

/// A pipe to a loop of another node: both directions between this loop's
/// port and that loop's port.
///
/// Messages are written into datagrams (`PipeWireWriter`), several to a
/// datagram when they fit, each datagram an SRTP packet (RFC 3711) with
/// AEAD_AES_128_GCM (RFC 7714): a fixed 12-byte RTP header whose SSRC names
/// the link, and the messages as its encrypted payload. The keys and SSRCs
/// come from the cluster's secret and the two endpoints (`NodePipeKeys`).
/// libsrtp's replay window drops a datagram seen before.
final class NodePipeLink: PipeLink {
    /// The payload type of pipe datagrams: RTP's dynamic range, so the
    /// media port's demultiplexer (RFC 7983) sees RTP and looks the link up
    /// by SSRC.
    static let payloadType: UInt8 = 127
    /// Payload bytes one datagram carries (one larger message goes alone):
    /// with the header and tag it stays under a 1500-byte path MTU.
    static let maximumPayload = 1400

    unowned let engine: MediaEngine
    let local: NodePipeEndpoint
    let peer: NodePipeEndpoint
    let peerAddress: SocketAddress
    /// The SSRC of our datagrams, and of the peer's.
    let outboundSSRC: UInt32
    let inboundSSRC: UInt32
    private let outbound: SRTPSession
    private let inbound: SRTPSession
    /// The RTP sequence number of the last datagram sent (random at first, RFC 3550 §5.1).
    private(set) var sequence = UInt16.random(in: 0...UInt16.max)
    private var queued: [PipeMessage] = []
    private(set) var datagramsSent = 0
    private(set) var datagramsReceived = 0
    /// For tests: drops a datagram about to be sent when it returns true (a lossy network).
    var dropsOutgoing: ((_ datagram: Int) -> Bool)?

    init(engine: MediaEngine, local: NodePipeEndpoint, peer: NodePipeEndpoint, secret: [UInt8]) throws {
        self.engine = engine
        self.local = local
        self.peer = peer
        do { peerAddress = try SocketAddress(ipAddress: peer.host, port: peer.port) } catch {
            throw MediaError.negotiation("pipe peer \(peer.host) is not an IP address")
        }
        let out = NodePipeKeys(secret: secret, from: local, to: peer)
        let back = NodePipeKeys(secret: secret, from: peer, to: local)
        outboundSSRC = out.ssrc
        inboundSSRC = back.ssrc
        do {
            outbound = try SRTPSession(profile: NodePipeKeys.profile, keyAndSalt: out.keyAndSalt, direction: .outbound)
            inbound = try SRTPSession(profile: NodePipeKeys.profile, keyAndSalt: back.keyAndSalt, direction: .inbound)
        } catch {
            throw MediaError.negotiation("pipe keys: \(error)")
        }
    }

    func send(_ message: PipeMessage) { queued.append(message) }

    /// Writes what was queued into as few datagrams as fit, protects and sends them.
    func flush() {
        guard !queued.isEmpty else { return }
        var writer = PipeWireWriter()
        for message in queued {
            let size = Self.wireSize(of: message)
            if !writer.isEmpty, writer.bytes.count + size > Self.maximumPayload {
                transmit(writer.bytes)
                writer = PipeWireWriter()
            }
            Self.write(message, into: &writer)
        }
        if !writer.isEmpty { transmit(writer.bytes) }
        queued.removeAll(keepingCapacity: true)
    }

    private func transmit(_ payload: [UInt8]) {
        sequence &+= 1
        datagramsSent += 1
        if let drops = dropsOutgoing, drops(datagramsSent) { return }
        var buffer = engine.allocator.buffer(capacity: 12 + payload.count + SRTPSession.maximumOverhead)
        buffer.writeInteger(UInt8(0x80))
        buffer.writeInteger(Self.payloadType)
        buffer.writeInteger(sequence)
        buffer.writeInteger(UInt32(0))
        buffer.writeInteger(outboundSSRC)
        buffer.writeBytes(payload)
        let length = buffer.readableBytes
        buffer.writeRepeatingByte(0, count: SRTPSession.maximumOverhead)
        let protected: Int? = buffer.withUnsafeMutableReadableBytes { bytes in
            try? outbound.protectRTP(bytes, length: length)
        }
        guard let protected else {
            engine.metrics.droppedPackets(kind: "pipe", reason: "protect_failed")
            return
        }
        buffer.moveWriterIndex(to: buffer.readerIndex + protected)
        engine.send(buffer, to: peerAddress)
    }

    /// A datagram from the peer (its SSRC matched): authenticated and
    /// decrypted in place, then each message handed to the engine.
    func receive(_ buffer: inout ByteBuffer, now: NIODeadline) {
        let length = buffer.readableBytes
        let plain: Int?
        do {
            plain = try buffer.withUnsafeMutableReadableBytes { bytes throws(SRTPError) in
                try inbound.unprotectRTP(bytes, length: length)
            }
        } catch {
            engine.metrics.droppedPackets(kind: "pipe", reason: error == .replay ? "replay" : "authentication")
            return
        }
        guard let plain, plain > 12 else {
            engine.metrics.droppedPackets(kind: "pipe", reason: "empty")
            return
        }
        datagramsReceived += 1
        let base = buffer.readerIndex + 12
        let messages: [PipeWireMessage]
        do {
            messages = try buffer.withUnsafeReadableBytes { bytes throws(PipeWireError) in
                try PipeWireReader.messages(in: UnsafeRawBufferPointer(rebasing: bytes[12 ..< plain]))
            }
        } catch {
            engine.metrics.droppedPackets(kind: "pipe", reason: "malformed")
            engine.logger.debug("malformed pipe datagram", metadata: ["peer": "\(peer)", "error": "\(error)"])
            return
        }
        let from = PipeDestination.node(peer)
        for message in messages {
            switch message {
            case let .rtp(routerID, producerID, layer, sequence, range):
                guard let packet = buffer.getSlice(at: base + range.lowerBound, length: range.count) else { continue }
                engine.receive(pipe: .rtp(routerID: routerID, producerID: producerID, layer: Int(layer),
                                          extendedSequence: sequence, packet: packet), now: now)
            case let .senderReport(routerID, producerID, layer, report):
                engine.receive(pipe: .senderReport(routerID: routerID, producerID: producerID, layer: Int(layer),
                                                   report: report), now: now)
            case let .keyframeRequest(routerID, producerID, layer):
                engine.receive(pipe: .keyframeRequest(routerID: routerID, producerID: producerID, layer: Int(layer)), now: now)
            case let .retransmissionRequest(routerID, producerID, layer, sequences):
                engine.receive(pipe: .retransmissionRequest(routerID: routerID, producerID: producerID, layer: Int(layer),
                                                            extendedSequences: sequences, from: from), now: now)
            case let .producerClosed(routerID, producerID):
                engine.receive(pipe: .producerClosed(routerID: routerID, producerID: producerID), now: now)
            case let .unpipe(routerID, producerID):
                engine.receive(pipe: .unpipe(routerID: routerID, producerID: producerID, from: from), now: now)
            }
        }
    }

    // MARK: - Writing messages

    private static func wireSize(of message: PipeMessage) -> Int {
        switch message {
        case let .rtp(r, p, _, _, packet): PipeWireWriter.size(routerID: r, producerID: p, body: 11 + packet.readableBytes)
        case let .senderReport(r, p, _, report): PipeWireWriter.size(routerID: r, producerID: p, body: 31 + 24 * report.reportBlocks.count)
        case let .keyframeRequest(r, p, _): PipeWireWriter.size(routerID: r, producerID: p, body: 1)
        case let .retransmissionRequest(r, p, _, s, _): PipeWireWriter.size(routerID: r, producerID: p, body: 2 + 8 * s.count)
        case let .producerClosed(r, p), let .unpipe(r, p, _): PipeWireWriter.size(routerID: r, producerID: p, body: 0)
        }
    }

    private static func write(_ message: PipeMessage, into writer: inout PipeWireWriter) {
        switch message {
        case let .rtp(r, p, layer, sequence, packet):
            packet.withUnsafeReadableBytes {
                writer.appendRTP(routerID: r, producerID: p, layer: UInt8(layer), extendedSequence: sequence, packet: $0)
            }
        case let .senderReport(r, p, layer, report):
            writer.appendSenderReport(routerID: r, producerID: p, layer: UInt8(layer), report: report)
        case let .keyframeRequest(r, p, layer):
            writer.appendKeyframeRequest(routerID: r, producerID: p, layer: UInt8(layer))
        case let .retransmissionRequest(r, p, layer, sequences, _):
            writer.appendRetransmissionRequest(routerID: r, producerID: p, layer: UInt8(layer), extendedSequences: sequences)
        case let .producerClosed(r, p):
            writer.appendProducerClosed(routerID: r, producerID: p)
        case let .unpipe(r, p, _):
            writer.appendUnpipe(routerID: r, producerID: p)
        }
    }
}
