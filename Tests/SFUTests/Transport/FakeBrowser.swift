import NIOCore
import NIOEmbedded
import RTP
import SDP
@testable import SFU

/// A browser peer connection played by the test: its own ICE credentials,
/// a client DTLS session and SRTP, talking to a `MediaEngine` through an
/// `EmbeddedChannel` (no sockets).
final class FakePeer {
    let address: SocketAddress
    let ufrag = "peer" + String(UInt32.random(in: 1000...9999))
    let password = "peerpasswordpeerpassword1234"
    let context: DTLSContext
    let dtls: DTLSSession
    var srtpOut: SRTPSession?
    var srtpIn: SRTPSession?
    var fingerprint: String { context.certificate.sha256Fingerprint }

    init(port: Int) throws {
        address = try SocketAddress(ipAddress: "127.0.0.1", port: port)
        context = try DTLSContext(certificate: DTLSCertificate())
        dtls = try DTLSSession(context: context, role: .client)
    }

    /// A connectivity check as Chrome sends it (RFC 8445 §7.1.2), nominating.
    func bindingRequest(serverUfrag: String, serverPassword: String) -> [UInt8] {
        STUNMessage(method: .binding, messageClass: .request, transactionID: .random(), attributes: [
            .username("\(serverUfrag):\(ufrag)"), .priority(1_845_501_695), .iceControlling(42), .useCandidate,
        ]).serialized(integrityPassword: Array(serverPassword.utf8), fingerprint: true)
    }

    /// Brings ICE and DTLS up with the engine; returns the keys.
    func connect(to engine: MediaEngine, channel: EmbeddedChannel, serverUfrag: String, serverPassword: String,
                 serverFingerprint: String) throws {
        _ = dtls.setRemoteFingerprint(algorithm: "sha-256", bytes: serverFingerprint.split(separator: ":").map { UInt8($0, radix: 16)! })
        deliver(bindingRequest(serverUfrag: serverUfrag, serverPassword: serverPassword), to: engine)
        let responses = try drain(channel)
        precondition(responses.contains { $0.first.map { $0 < 4 } ?? false }, "no STUN response")
        var toServer = dtls.start().datagrams
        var keys: SRTPKeyingMaterial?
        for _ in 0..<10 where keys == nil {
            for d in toServer { deliver(d, to: engine) }
            toServer = []
            for reply in try drain(channel) where (20...63).contains(reply.first ?? 0) {
                let outcome = reply.withUnsafeBytes { dtls.receive($0) }
                toServer += outcome.datagrams
                if case .connected(let k)? = outcome.event { keys = k }
            }
        }
        for d in toServer { deliver(d, to: engine) }
        guard let keys else { throw DTLSError.handshakeFailed("fake peer did not connect") }
        srtpOut = try SRTPSession(profile: keys.profile, keyAndSalt: keys.localKeyAndSalt, direction: .outbound)
        srtpIn = try SRTPSession(profile: keys.profile, keyAndSalt: keys.remoteKeyAndSalt, direction: .inbound)
        _ = try drain(channel)
    }

    func deliver(_ bytes: [UInt8], to engine: MediaEngine) {
        var buffer = ByteBuffer(bytes: bytes)
        engine.receive(&buffer, from: address)
        engine.flush()
    }

    /// Sends one RTP packet, SRTP-protected.
    func sendRTP(_ packet: [UInt8], to engine: MediaEngine) throws {
        var b = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let n = try b.withUnsafeMutableBytes { try srtpOut!.protectRTP($0, length: packet.count) }
        deliver(Array(b[0..<n]), to: engine)
    }

    func sendRTCP(_ packet: [UInt8], to engine: MediaEngine) throws {
        var b = packet + [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        let n = try b.withUnsafeMutableBytes { try srtpOut!.protectRTCP($0, length: packet.count) }
        deliver(Array(b[0..<n]), to: engine)
    }

    /// Decrypts a datagram the engine sent us: RTP or RTCP.
    func open(_ datagram: [UInt8]) throws -> [UInt8] {
        var b = datagram
        let isRTCP = b.count > 1 && (192...223).contains(b[1])
        let n = try b.withUnsafeMutableBytes { p in
            isRTCP ? try srtpIn!.unprotectRTCP(p, length: p.count) : try srtpIn!.unprotectRTP(p, length: p.count)
        }
        return Array(b[0..<n])
    }

    /// Everything the engine sent to this peer since the last drain.
    var inbox: [[UInt8]] = []
}

/// Reads every datagram the engine wrote, routing them to peers by address.
func drain(_ channel: EmbeddedChannel, peers: [FakePeer] = []) throws -> [[UInt8]] {
    var all: [[UInt8]] = []
    while let envelope = try channel.readOutbound(as: AddressedEnvelope<ByteBuffer>.self) {
        let bytes = Array(envelope.data.readableBytesView)
        all.append(bytes)
        peers.first { $0.address == envelope.remoteAddress }?.inbox.append(bytes)
    }
    return all
}

/// RTP packet bytes: V=2, the given header fields, one-byte extensions, payload.
func rtpPacket(pt: UInt8, seq: UInt16, ts: UInt32, ssrc: UInt32, marker: Bool = false,
               extensions: [(id: UInt8, data: [UInt8])] = [], payload: [UInt8]) -> [UInt8] {
    var b: [UInt8] = [extensions.isEmpty ? 0x80 : 0x90, (marker ? 0x80 : 0) | pt,
                      UInt8(seq >> 8), UInt8(seq & 0xFF),
                      UInt8(ts >> 24), UInt8(ts >> 16 & 0xFF), UInt8(ts >> 8 & 0xFF), UInt8(ts & 0xFF),
                      UInt8(ssrc >> 24), UInt8(ssrc >> 16 & 0xFF), UInt8(ssrc >> 8 & 0xFF), UInt8(ssrc & 0xFF)]
    if !extensions.isEmpty {
        var ext: [UInt8] = []
        for e in extensions { ext.append(e.id << 4 | UInt8(e.data.count - 1)); ext += e.data }
        while ext.count % 4 != 0 { ext.append(0) }
        b += [0xBE, 0xDE, UInt8((ext.count / 4) >> 8), UInt8((ext.count / 4) & 0xFF)] + ext
    }
    return b + payload
}

/// A VP8 payload (RFC 7741): descriptor with a 15-bit picture id, then a
/// keyframe or interframe header.
func vp8Payload(pictureID: UInt16, keyframe: Bool, size: Int = 200, width: UInt16 = 640, height: UInt16 = 480) -> [UInt8] {
    var p: [UInt8] = [0x90, 0x80, 0x80 | UInt8(pictureID >> 8 & 0x7F), UInt8(pictureID & 0xFF)]
    if keyframe {
        // Frame tag (P=0), start code, width and height (little-endian, RFC 6386 §9.1).
        p += [0x50, 0x42, 0x00, 0x9D, 0x01, 0x2A, UInt8(width & 0xFF), UInt8(width >> 8), UInt8(height & 0xFF), UInt8(height >> 8)]
    } else {
        p += [0x51, 0x42, 0x00]
    }
    return p + [UInt8](repeating: 0x5A, count: size)
}

/// Chrome-like publish offer: Opus and VP8, SSRCs signalled, the extensions Parley reads.
func publishOffer(peer: FakePeer, audioSSRC: UInt32, videoSSRC: UInt32) -> String {
    let lines = [
        "v=0", "o=- 4611731400430051336 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
        "a=group:BUNDLE 0 1", "a=extmap-allow-mixed", "a=msid-semantic: WMS stream",
        "m=audio 9 UDP/TLS/RTP/SAVPF 111", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:\(peer.ufrag)", "a=ice-pwd:\(peer.password)", "a=ice-options:trickle",
        "a=fingerprint:sha-256 \(peer.fingerprint)", "a=setup:actpass", "a=mid:0",
        "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=sendonly", "a=msid:stream mic", "a=rtcp-mux", "a=rtpmap:111 opus/48000/2",
        "a=rtcp-fb:111 transport-cc", "a=fmtp:111 minptime=10;useinbandfec=1",
        "a=ssrc:\(audioSSRC) cname:fake", "a=ssrc:\(audioSSRC) msid:stream mic",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0", "a=rtcp:9 IN IP4 0.0.0.0",
        "a=ice-ufrag:\(peer.ufrag)", "a=ice-pwd:\(peer.password)", "a=ice-options:trickle",
        "a=fingerprint:sha-256 \(peer.fingerprint)", "a=setup:actpass", "a=mid:1",
        "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=sendonly", "a=msid:stream cam", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000",
        "a=rtcp-fb:96 goog-remb", "a=rtcp-fb:96 transport-cc", "a=rtcp-fb:96 ccm fir", "a=rtcp-fb:96 nack",
        "a=rtcp-fb:96 nack pli",
        "a=ssrc:\(videoSSRC) cname:fake", "a=ssrc:\(videoSSRC) msid:stream cam",
    ]
    return lines.joined(separator: "\r\n") + "\r\n"
}

/// A camera with three simulcast layers signalled by RID (RFC 8853), no SSRCs.
func simulcastOffer(peer: FakePeer) -> String {
    let lines = [
        "v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0", "a=group:BUNDLE 0",
        "m=video 9 UDP/TLS/RTP/SAVPF 96", "c=IN IP4 0.0.0.0",
        "a=ice-ufrag:\(peer.ufrag)", "a=ice-pwd:\(peer.password)",
        "a=fingerprint:sha-256 \(peer.fingerprint)", "a=setup:actpass", "a=mid:0",
        "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid",
        "a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id",
        "a=sendonly", "a=msid:stream cam", "a=rtcp-mux", "a=rtcp-rsize", "a=rtpmap:96 VP8/90000",
        "a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli",
        "a=rid:q send", "a=rid:h send", "a=rid:f send", "a=simulcast:send q;h;f",
    ]
    return lines.joined(separator: "\r\n") + "\r\n"
}

/// The browser's answer to a subscribe offer: every m-line accepted, recvonly.
func subscribeAnswer(to offer: String, peer: FakePeer) throws -> String {
    let parsed = try SessionDescription(parsing: offer)
    var lines = ["v=0", "o=- 1 2 IN IP4 127.0.0.1", "s=-", "t=0 0",
                 "a=group:BUNDLE " + parsed.media.compactMap(\.mid).joined(separator: " ")]
    for m in parsed.media {
        lines += ["m=\(m.kind) 9 UDP/TLS/RTP/SAVPF \(m.formats.joined(separator: " "))", "c=IN IP4 0.0.0.0",
                  "a=ice-ufrag:\(peer.ufrag)", "a=ice-pwd:\(peer.password)",
                  "a=fingerprint:sha-256 \(peer.fingerprint)", "a=setup:active", "a=mid:\(m.mid!)",
                  "a=recvonly", "a=rtcp-mux"]
        for c in m.codecs {
            lines.append("a=rtpmap:\(c.payloadType) \(c.name)/\(c.clockRate)" + (c.channels.map { "/\($0)" } ?? ""))
        }
    }
    return lines.joined(separator: "\r\n") + "\r\n"
}
