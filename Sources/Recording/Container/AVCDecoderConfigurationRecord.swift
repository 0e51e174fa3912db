/// The `avcC` box body (ISO/IEC 14496-15 §5.3.3.1) that a V_MPEG4/ISO/AVC track
/// carries as CodecPrivate (RFC 9559 codec mappings): profile and level from
/// the SPS, 4-byte NAL unit lengths, and the parameter sets.
public struct AVCDecoderConfigurationRecord: Sendable, Equatable {
    /// Sequence parameter sets, each a whole NAL unit (header byte first).
    public var sequenceParameterSets: [[UInt8]]
    /// Picture parameter sets, each a whole NAL unit.
    public var pictureParameterSets: [[UInt8]]

    /// Bytes of each NAL unit's length prefix in the blocks this record describes.
    public static let nalLengthSize = 4

    /// Nil unless there is at least one SPS of 4 bytes or more (header, profile,
    /// constraints, level) and one PPS; at most 31 SPS and 255 PPS, each shorter
    /// than 64 KiB, as the record's count and length fields allow.
    public init?(sequenceParameterSets: [[UInt8]], pictureParameterSets: [[UInt8]]) {
        let sps = sequenceParameterSets.filter { $0.count >= 4 && $0.count <= 0xFFFF }.prefix(31)
        let pps = pictureParameterSets.filter { !$0.isEmpty && $0.count <= 0xFFFF }.prefix(255)
        guard !sps.isEmpty, !pps.isEmpty else { return nil }
        self.sequenceParameterSets = Array(sps)
        self.pictureParameterSets = Array(pps)
    }

    /// The record's bytes.
    public var bytes: [UInt8] {
        let first = sequenceParameterSets[0]
        // configurationVersion 1, AVCProfileIndication, profile_compatibility and
        // AVCLevelIndication copied from the SPS (bytes 1...3 after the NAL header).
        var out: [UInt8] = [1, first[1], first[2], first[3]]
        out.append(0xFC | UInt8(Self.nalLengthSize - 1)) // 6 reserved bits, lengthSizeMinusOne
        out.append(0xE0 | UInt8(sequenceParameterSets.count)) // 3 reserved bits, numOfSequenceParameterSets
        for unit in sequenceParameterSets {
            out.append(UInt8(unit.count >> 8))
            out.append(UInt8(unit.count & 0xFF))
            out.append(contentsOf: unit)
        }
        out.append(UInt8(pictureParameterSets.count))
        for unit in pictureParameterSets {
            out.append(UInt8(unit.count >> 8))
            out.append(UInt8(unit.count & 0xFF))
            out.append(contentsOf: unit)
        }
        return out
    }
}
