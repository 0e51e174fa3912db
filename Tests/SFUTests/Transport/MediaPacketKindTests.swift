import NIOCore
import Testing
@testable import SFU

/// RFC 7983 §7 demultiplexing by the first byte, RFC 5761 §4 RTP/RTCP by the second.
@Suite("Media packet kind")
struct MediaPacketKindTests {
    static func kind(_ bytes: [UInt8]) -> MediaPacketKind {
        MediaPacketKind(ByteBuffer(bytes: bytes))
    }

    @Test("every first byte lands in its RFC 7983 range, boundaries included")
    func firstByteRanges() {
        for b in 0...255 {
            let k = Self.kind([UInt8(b), 96])
            switch b {
            case 0...3: #expect(k == .stun, "\(b)")
            case 20...63: #expect(k == .dtls, "\(b)")
            case 128...191: #expect(k == .rtp, "\(b)")
            default: #expect(k == .unknown, "\(b)")
            }
        }
    }

    @Test("RTCP by its packet type in the second byte (192–223), RTP otherwise")
    func rtcpByPacketType() {
        #expect(Self.kind([0x80, 200]) == .rtcp)  // SR
        #expect(Self.kind([0x81, 205]) == .rtcp)  // RTPFB
        #expect(Self.kind([0x80, 192]) == .rtcp)
        #expect(Self.kind([0x80, 223]) == .rtcp)
        #expect(Self.kind([0x80, 224]) == .rtp)
        #expect(Self.kind([0x80, 111]) == .rtp)   // Opus, marker clear
        #expect(Self.kind([0x80, 0xE0]) == .rtp)  // marker set, payload type 96
        #expect(Self.kind([0x80]) == .rtp, "a lone byte is not RTCP")
        #expect(Self.kind([]) == .empty)
    }
}
