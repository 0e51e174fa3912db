/// In-place rewriting of an RTP packet's header, used when forwarding one
/// producer's packets to each consumer (own SSRC, continuous sequence numbers and
/// timestamps, the payload type and extension ids that consumer negotiated).
///
/// The packet is the caller's buffer and has already been parsed; writers that
/// are handed a buffer shorter than the field they write do nothing, so a bug in
/// the caller can corrupt a packet but never memory.
public enum RTPHeaderWriter {
    /// Sets the sequence number (bytes 2-3, RFC 3550 §5.1).
    public static func setSequenceNumber(_ v: UInt16, in p: UnsafeMutableRawBufferPointer) {
        guard p.count >= RTPHeader.fixedHeaderLength else { return }
        p.storeBigEndian(v, at: 2)
    }

    /// Sets the timestamp (bytes 4-7).
    public static func setTimestamp(_ v: UInt32, in p: UnsafeMutableRawBufferPointer) {
        guard p.count >= RTPHeader.fixedHeaderLength else { return }
        p.storeBigEndian(v, at: 4)
    }

    /// Sets the SSRC (bytes 8-11).
    public static func setSSRC(_ v: UInt32, in p: UnsafeMutableRawBufferPointer) {
        guard p.count >= RTPHeader.fixedHeaderLength else { return }
        p.storeBigEndian(v, at: 8)
    }

    /// Sets the 7-bit payload type, keeping the marker bit.
    public static func setPayloadType(_ v: UInt8, in p: UnsafeMutableRawBufferPointer) {
        guard p.count >= RTPHeader.fixedHeaderLength else { return }
        p[1] = p[1] & 0x80 | v & 0x7F
    }

    /// Sets or clears the marker bit, keeping the payload type.
    public static func setMarker(_ marker: Bool, in p: UnsafeMutableRawBufferPointer) {
        guard p.count >= RTPHeader.fixedHeaderLength else { return }
        p[1] = marker ? p[1] | 0x80 : p[1] & 0x7F
    }

    /// Writes a 12-byte fixed header (version 2, no padding, extension or CSRCs)
    /// at the start of `p`, for packets this server originates (the phone
    /// gateway). Returns the bytes written: 12, or 0 if `p` is shorter.
    @discardableResult
    public static func writeFixedHeader(marker: Bool, payloadType: UInt8, sequenceNumber: UInt16,
                                        timestamp: UInt32, ssrc: UInt32,
                                        in p: UnsafeMutableRawBufferPointer) -> Int {
        guard p.count >= RTPHeader.fixedHeaderLength else { return 0 }
        p[0] = 0x80
        p[1] = (marker ? 0x80 : 0) | payloadType & 0x7F
        p.storeBigEndian(sequenceNumber, at: 2)
        p.storeBigEndian(timestamp, at: 4)
        p.storeBigEndian(ssrc, at: 8)
        return RTPHeader.fixedHeaderLength
    }

    /// Rewrites every extension element id through `map` (RFC 8285 §4.2 one-byte
    /// and §4.3 two-byte forms). An element whose new id is `RTPExtensionIDMap.remove`
    /// (0), or is not valid in the packet's form (15 and above in the one-byte form),
    /// is overwritten with zero bytes, which receivers skip as padding (§4.1); the
    /// packet's length never changes. Unknown profiles are left alone.
    public static func remapExtensionIDs(in p: UnsafeMutableRawBufferPointer, header: RTPHeader,
                                         map: RTPExtensionIDMap) {
        map.withUnsafeBufferPointer { remapExtensionIDs(in: p, header: header, map: $0) }
    }

    /// `remapExtensionIDs(in:header:map:)` with the table as a buffer: entry `old` is
    /// the new id; ids at or beyond `map.count` are removed.
    public static func remapExtensionIDs(in p: UnsafeMutableRawBufferPointer, header: RTPHeader,
                                         map: UnsafeBufferPointer<UInt8>) {
        let twoByte = header.hasTwoByteExtensions
        // The walk reads each element's header before we touch it and has moved
        // past it when we write, so rewriting in place is safe.
        for element in RTPHeaderExtensionElements(header: header, bytes: UnsafeRawBufferPointer(p)) {
            let old = Int(element.id)
            let new = old < map.count ? map[old] : RTPExtensionIDMap.remove
            if twoByte, new != RTPExtensionIDMap.remove {
                p[element.headerOffset] = new
            } else if !twoByte, (1...14).contains(new) {
                p[element.headerOffset] = new << 4 | p[element.headerOffset] & 0x0F
            } else {
                for i in element.headerOffset..<element.range.upperBound { p[i] = 0 }
            }
        }
    }
}
