import NIOCore

/// What a packet on the media port is, by its first byte (RFC 7983 §7:
/// 0–3 STUN, 20–63 DTLS, 128–191 RTP or RTCP) and, for RTP/RTCP sharing one
/// port, the second (RFC 5761 §4: RTCP packet types 192–223). The same for
/// a UDP datagram and an ICE-TCP frame (RFC 6544 carries the same protocols).
enum MediaPacketKind: Equatable {
    case stun, dtls, rtp, rtcp
    /// No bytes at all.
    case empty
    /// A first byte no protocol on the port uses.
    case unknown

    init(_ buffer: ByteBuffer) {
        guard let first = buffer.getInteger(at: buffer.readerIndex, as: UInt8.self) else {
            self = .empty
            return
        }
        switch first {
        case 0...3: self = .stun
        case 20...63: self = .dtls
        case 128...191:
            let second = buffer.getInteger(at: buffer.readerIndex + 1, as: UInt8.self) ?? 0
            self = (192...223).contains(second) ? .rtcp : .rtp
        default: self = .unknown
        }
    }
}

extension MediaEngine {
    /// A STUN packet: to the transport that owns the packet's path (its
    /// address, or its TCP connection), else to the one its username
    /// fragment names (a first check, or a new path after a network change);
    /// `deliver` hands it over on the path it came by.
    func receiveSTUN(_ buffer: ByteBuffer, owner: WebRTCTransport?,
                     deliver: (WebRTCTransport, UnsafeRawBufferPointer) -> Void) {
        buffer.withUnsafeReadableBytes { bytes in
            guard STUNMessage.looksLikeSTUN(bytes) else {
                metrics.droppedPackets(kind: "stun", reason: "malformed"); return
            }
            if let owner {
                deliver(owner, bytes)
            } else if let ufrag = STUNMessage.localUsernameFragment(bytes), let transport = transportsByUfrag[ufrag] {
                deliver(transport, bytes)
            } else {
                metrics.droppedPackets(kind: "stun", reason: "unknown_peer")
            }
        }
    }

    /// DTLS, RTP or RTCP for the transport the packet's path belongs to (its
    /// address, or its TCP connection); `kind` is not STUN. Packets from a
    /// path no transport owns are dropped and counted.
    func receive(_ kind: MediaPacketKind, _ buffer: inout ByteBuffer, for transport: WebRTCTransport?, now: NIODeadline) {
        guard let transport else {
            metrics.droppedPackets(kind: kind == .dtls ? "dtls" : "rtp", reason: "unknown_peer")
            return
        }
        switch kind {
        case .dtls: buffer.withUnsafeReadableBytes { transport.receiveDTLS($0) }
        case .rtcp: transport.receiveRTCP(&buffer, now: now)
        case .rtp: transport.receiveRTP(&buffer, now: now)
        case .stun, .empty, .unknown: break
        }
    }
}
