/// Opus over RTP carries exactly one Opus packet per RTP payload (RFC 7587 §4.2),
/// so a frame is the payload itself; this checks it is a well-formed packet
/// and works out its duration from the TOC (RFC 6716 §3.1).
public struct OpusDepacketizer: Sendable {
    public init() {}

    /// The longest packet Opus allows: 120 ms at 48 kHz (RFC 6716 §3.2.5).
    public static let maximumSamples = 5760

    /// The frame for one payload (a frame assembled from one packet).
    public func frame(from payloads: [[UInt8]]) throws(DepacketizerError) -> DepacketizedFrame {
        guard payloads.count == 1, let payload = payloads.first else {
            throw payloads.isEmpty ? .empty : .malformed
        }
        let samples = try Self.sampleCount(of: payload)
        return DepacketizedFrame(data: payload, isKeyframe: true, duration: Double(samples) / 48000)
    }

    /// Samples at 48 kHz in an Opus packet, from its TOC byte (RFC 6716 §3.1)
    /// and, for code 3, the frame count byte (§3.2.5). Throws `empty` for a
    /// zero-length packet (not a valid Opus packet, §3.1) and `malformed` when
    /// the framing code's requirements (R2, R5, R6 of §3.4) are not met.
    public static func sampleCount(of packet: [UInt8]) throws(DepacketizerError) -> Int {
        guard let toc = packet.first else { throw .empty }
        let config = Int(toc >> 3)
        let frameSamples: Int
        switch config {
        case 0...11: frameSamples = [480, 960, 1920, 2880][config % 4] // SILK 10/20/40/60 ms
        case 12...15: frameSamples = [480, 960][config % 2] // hybrid 10/20 ms
        default: frameSamples = [120, 240, 480, 960][config % 4] // CELT 2.5/5/10/20 ms
        }
        let frames: Int
        switch toc & 0x03 {
        case 0:
            frames = 1
        case 1:
            // Two frames of equal size: an odd number of bytes after the TOC is invalid (R3).
            guard (packet.count - 1) % 2 == 0 else { throw .malformed }
            frames = 2
        case 2:
            guard packet.count >= 2 else { throw .malformed } // R4: the first frame's length is required
            frames = 2
        default:
            guard packet.count >= 2 else { throw .malformed } // R6: the frame count byte
            frames = Int(packet[1] & 0x3F)
            guard frames >= 1 else { throw .malformed } // R5
        }
        let samples = frames * frameSamples
        guard samples <= maximumSamples else { throw .malformed } // R5
        return samples
    }
}
