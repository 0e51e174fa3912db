/// The sending side of one RTP stream, as a browser's packetizer does it:
/// RTP headers (RFC 3550 §5.1) around VP8 (RFC 7741 §4.2) or Opus
/// (RFC 7587 §4.2) payloads. The benchmark's own, so it depends on no test code.
struct RTPPacketizer {
    let payloadType: UInt8
    let ssrc: UInt32
    /// Largest payload per packet, bytes (a browser stays near 1,200).
    var mtu = 1200
    private(set) var sequence: UInt16
    private var pictureID: UInt16

    init(payloadType: UInt8, ssrc: UInt32) {
        self.payloadType = payloadType
        self.ssrc = ssrc
        // Random starts, as RFC 3550 §5.1 asks; wrap-around then happens in some runs.
        sequence = UInt16.random(in: 0...UInt16.max)
        pictureID = UInt16.random(in: 0...0x7FFF)
    }

    /// One RTP packet: fixed header, no CSRC, no extension.
    mutating func packet(timestamp: UInt32, marker: Bool, payload: ArraySlice<UInt8>, prefix: [UInt8] = []) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(12 + prefix.count + payload.count)
        out.append(0x80)
        out.append((marker ? 0x80 : 0) | payloadType)
        out.append(UInt8(sequence >> 8))
        out.append(UInt8(sequence & 0xFF))
        out.append(contentsOf: [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)])
        out.append(contentsOf: [UInt8(ssrc >> 24), UInt8((ssrc >> 16) & 0xFF), UInt8((ssrc >> 8) & 0xFF), UInt8(ssrc & 0xFF)])
        out.append(contentsOf: prefix)
        out.append(contentsOf: payload)
        sequence &+= 1
        return out
    }

    /// The packets of one VP8 frame: each payload starts with a descriptor
    /// carrying X and a 15-bit picture ID (RFC 7741 §4.2), S set on the first
    /// (partition 0 starts there); the marker on the last (§4.1).
    mutating func vp8(frame: [UInt8], timestamp: UInt32) -> [[UInt8]] {
        pictureID = (pictureID &+ 1) & 0x7FFF
        let descriptor: [UInt8] = [0x80, 0x80, 0x80 | UInt8(pictureID >> 8), UInt8(pictureID & 0xFF)]
        let room = mtu - descriptor.count
        var packets: [[UInt8]] = []
        var offset = 0
        repeat {
            let end = min(frame.count, offset + room)
            var header = descriptor
            if offset == 0 { header[0] |= 0x10 }
            packets.append(packet(timestamp: timestamp, marker: end == frame.count, payload: frame[offset..<end], prefix: header))
            offset = end
        } while offset < frame.count
        return packets
    }

    /// One Opus packet as the payload, unchanged (RFC 7587 §4.2).
    mutating func opus(_ frame: [UInt8], timestamp: UInt32) -> [UInt8] {
        packet(timestamp: timestamp, marker: false, payload: frame[...])
    }
}
