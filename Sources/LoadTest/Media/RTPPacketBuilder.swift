import SFU

/// Writes RTP packets the way a browser sends them (RFC 3550 §5.1) with
/// one-byte header extensions (RFC 8285 §4.2), into a buffer with room for
/// SRTP's tag so the packet can be protected in place.
public enum RTPPacketBuilder {
    /// One header extension element: an id 1…14 and 1…16 bytes of data.
    public struct Extension: Sendable, Equatable {
        public var id: UInt8
        public var data: [UInt8]
        public init(id: UInt8, data: [UInt8]) {
            self.id = id
            self.data = data
        }
    }

    /// The packet's bytes followed by `SRTPSession.maximumOverhead` spare
    /// bytes; the RTP length is `bytes.count - SRTPSession.maximumOverhead`.
    public static func packet(payloadType: UInt8, marker: Bool, sequenceNumber: UInt16, timestamp: UInt32,
                              ssrc: UInt32, extensions: [Extension], payload: [UInt8]) -> [UInt8] {
        var elements: [UInt8] = []
        for e in extensions where (1...14).contains(e.id) && (1...16).contains(e.data.count) {
            elements.append(e.id << 4 | UInt8(e.data.count - 1))
            elements += e.data
        }
        while elements.count % 4 != 0 { elements.append(0) }  // padding bytes, §4.1
        var out: [UInt8] = []
        out.reserveCapacity(16 + elements.count + payload.count + SRTPSession.maximumOverhead)
        out.append(elements.isEmpty ? 0x80 : 0x90)
        out.append((marker ? 0x80 : 0) | payloadType & 0x7F)
        append16(sequenceNumber, to: &out)
        append32(timestamp, to: &out)
        append32(ssrc, to: &out)
        if !elements.isEmpty {
            append16(0xBEDE, to: &out)
            append16(UInt16(elements.count / 4), to: &out)
            out += elements
        }
        out += payload
        out += [UInt8](repeating: 0, count: SRTPSession.maximumOverhead)
        return out
    }

    /// abs-send-time (webrtc.org): 24 bits, seconds in 6.18 fixed point, so
    /// it wraps every 64 s; enough for a one-way delay on one machine.
    public static func absSendTime(seconds: Double) -> [UInt8] {
        let value = UInt32(truncatingIfNeeded: Int64(seconds * 262_144)) & 0xFF_FFFF
        return [UInt8(value >> 16), UInt8(truncatingIfNeeded: value >> 8), UInt8(truncatingIfNeeded: value)]
    }

    /// The delay in seconds from an abs-send-time value to `now` (both on
    /// the same clock), modulo the 64 s wrap.
    public static func delay(fromAbsSendTime bytes: some Collection<UInt8>, now seconds: Double) -> Double? {
        guard bytes.count == 3 else { return nil }
        var sent: UInt32 = 0
        for b in bytes { sent = sent << 8 | UInt32(b) }
        let current = UInt32(truncatingIfNeeded: Int64(seconds * 262_144)) & 0xFF_FFFF
        return Double((current &- sent) & 0xFF_FFFF) / 262_144
    }

    static func append16(_ v: UInt16, to out: inout [UInt8]) {
        out.append(UInt8(v >> 8)); out.append(UInt8(truncatingIfNeeded: v))
    }

    static func append32(_ v: UInt32, to out: inout [UInt8]) {
        out.append(UInt8(v >> 24)); out.append(UInt8(truncatingIfNeeded: v >> 16))
        out.append(UInt8(truncatingIfNeeded: v >> 8)); out.append(UInt8(truncatingIfNeeded: v))
    }
}
