/// Keyframe detection in H.264 RTP payloads (RFC 6184).
public enum H264Payload {
    /// NAL unit types (ITU-T H.264 Table 7-1, RFC 6184 §5.2 for 24...29).
    public enum NALUnitType {
        public static let idrSlice: UInt8 = 5
        public static let sequenceParameterSet: UInt8 = 7
        public static let pictureParameterSet: UInt8 = 8
        public static let stapA: UInt8 = 24
        public static let stapB: UInt8 = 25
        public static let fuA: UInt8 = 28
        public static let fuB: UInt8 = 29
    }

    /// True if the payload starts an IDR picture or carries an SPS: a single NAL
    /// unit packet (RFC 6184 §5.6) of type 5 or 7; an aggregation packet (STAP-A,
    /// STAP-B, §5.7.1) holding one; or the first fragment (S bit) of an FU-A/FU-B
    /// (§5.8) of one. Malformed aggregation packets and MTAPs give false.
    public static func isKeyframe(_ payload: UnsafeRawBufferPointer) -> Bool {
        guard let first = payload.first else { return false }
        let type = first & 0x1F
        switch type {
        case 1...23:
            return isKey(type)
        case NALUnitType.stapA, NALUnitType.stapB:
            // STAP-B carries a 16-bit decoding order number before the units.
            var offset = type == NALUnitType.stapA ? 1 : 3
            // Each unit: 16-bit size, then the NAL unit (header byte first).
            while offset + 2 < payload.count {
                let size = Int(payload.bigEndianUInt16(at: offset))
                offset += 2
                guard size > 0, offset + size <= payload.count else { return false }
                if isKey(payload[offset] & 0x1F) { return true }
                offset += size
            }
            return false
        case NALUnitType.fuA, NALUnitType.fuB:
            // FU header: S | E | R | Type.
            guard payload.count >= 2 else { return false }
            let header = payload[1]
            return header & 0x80 != 0 && isKey(header & 0x1F)
        default:
            return false
        }
    }

    @inline(__always)
    private static func isKey(_ type: UInt8) -> Bool {
        type == NALUnitType.idrSlice || type == NALUnitType.sequenceParameterSet
    }
}
