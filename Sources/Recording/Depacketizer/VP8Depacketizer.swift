import RTP

/// Rebuilds a VP8 frame from the payloads of its RTP packets (RFC 7741 §4).
///
/// Each payload starts with a payload descriptor (§4.2) which is stripped; the
/// rest is the frame's bytes in order. The first packet must start partition 0
/// (S = 1, PID = 0), the mark of a frame's first packet. The frame is a
/// keyframe when the P bit of its first byte is 0 (§4.3, RFC 6386 §9.1), and a
/// keyframe's header gives the frame size.
public struct VP8Depacketizer: Sendable {
    public init() {}

    /// The frame, or an error when the payloads cannot be a whole frame.
    public func frame(from payloads: [[UInt8]]) throws(DepacketizerError) -> DepacketizedFrame {
        guard !payloads.isEmpty else { throw .empty }
        var data: [UInt8] = []
        data.reserveCapacity(payloads.reduce(0) { $0 + $1.count })
        for (index, payload) in payloads.enumerated() {
            let descriptor: VP8PayloadDescriptor
            do {
                descriptor = try payload.withUnsafeBytes { raw throws(RTPParseError) in
                    try VP8PayloadDescriptor(parsing: raw)
                }
            } catch {
                // A descriptor without data after it cannot start a frame or add to one.
                throw .malformed
            }
            let starts = descriptor.startOfPartition && descriptor.partitionID == 0
            if index == 0 {
                guard starts else { throw .missingStart }
            } else if starts {
                throw .malformed // a second frame start under the same timestamp
            }
            data.append(contentsOf: payload[descriptor.headerLength...])
        }
        return try Self.frame(data)
    }

    /// Checks the frame tag (RFC 6386 §9.1) against the bytes and reads a
    /// keyframe's size.
    static func frame(_ data: [UInt8]) throws(DepacketizerError) -> DepacketizedFrame {
        guard data.count >= 3 else { throw .incomplete }
        // Frame tag, little-endian: bit 0 P (0 = key frame), bits 1-3 version,
        // bit 4 show_frame, bits 5-23 size of the first partition.
        let tag = UInt32(data[0]) | UInt32(data[1]) << 8 | UInt32(data[2]) << 16
        let isKeyframe = tag & 0x01 == 0
        let firstPartitionSize = Int(tag >> 5)
        let headerSize = isKeyframe ? 10 : 3
        guard data.count >= headerSize, data.count - headerSize >= firstPartitionSize else { throw .incomplete }
        guard isKeyframe else { return DepacketizedFrame(data: data, isKeyframe: false) }
        // Key frame: start code 9d 01 2a, then 14-bit width and height (2 bits of scaling each).
        guard data[3] == 0x9D, data[4] == 0x01, data[5] == 0x2A else { throw .malformed }
        let width = Int(UInt16(data[6]) | UInt16(data[7]) << 8) & 0x3FFF
        let height = Int(UInt16(data[8]) | UInt16(data[9]) << 8) & 0x3FFF
        guard width > 0, height > 0 else { throw .malformed }
        return DepacketizedFrame(data: data, isKeyframe: true, width: width, height: height)
    }
}
