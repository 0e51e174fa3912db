/// What the recorder needs from an H.264 sequence parameter set (ITU-T H.264
/// §7.3.2.1.1): profile, level, and the cropped frame size (§7.4.2.1.1).
public struct H264SequenceParameterSet: Sendable, Equatable {
    public var profileIDC: UInt8
    public var levelIDC: UInt8
    public var width: Int
    public var height: Int

    /// Profiles whose SPS carries chroma format, bit depths and scaling matrices.
    private static let highProfiles: Set<UInt8> = [100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]

    /// Parses a whole SPS NAL unit (header byte first, type 7).
    public init(parsing nal: [UInt8]) throws(DepacketizerError) {
        guard nal.count >= 4, nal[0] & 0x1F == 7 else { throw .malformed }
        profileIDC = nal[1]
        levelIDC = nal[3]
        var reader = H264BitReader(nal: nal)
        _ = try reader.bits(24) // profile_idc, constraint flags, level_idc
        _ = try reader.unsignedExpGolomb() // seq_parameter_set_id
        var chromaFormat: UInt32 = 1
        var separateColourPlanes = false
        if Self.highProfiles.contains(profileIDC) {
            chromaFormat = try reader.unsignedExpGolomb()
            guard chromaFormat <= 3 else { throw .malformed }
            if chromaFormat == 3 { separateColourPlanes = try reader.flag() }
            _ = try reader.unsignedExpGolomb() // bit_depth_luma_minus8
            _ = try reader.unsignedExpGolomb() // bit_depth_chroma_minus8
            _ = try reader.flag() // qpprime_y_zero_transform_bypass_flag
            if try reader.flag() { // seq_scaling_matrix_present_flag
                for list in 0..<(chromaFormat == 3 ? 12 : 8) where try reader.flag() {
                    try Self.skipScalingList(size: list < 6 ? 16 : 64, reader: &reader)
                }
            }
        }
        _ = try reader.unsignedExpGolomb() // log2_max_frame_num_minus4
        switch try reader.unsignedExpGolomb() { // pic_order_cnt_type
        case 0:
            _ = try reader.unsignedExpGolomb() // log2_max_pic_order_cnt_lsb_minus4
        case 1:
            _ = try reader.flag() // delta_pic_order_always_zero_flag
            _ = try reader.signedExpGolomb() // offset_for_non_ref_pic
            _ = try reader.signedExpGolomb() // offset_for_top_to_bottom_field
            let cycle = try reader.unsignedExpGolomb()
            guard cycle <= 255 else { throw .malformed }
            for _ in 0..<cycle { _ = try reader.signedExpGolomb() }
        case 2:
            break
        default:
            throw .malformed
        }
        _ = try reader.unsignedExpGolomb() // max_num_ref_frames
        _ = try reader.flag() // gaps_in_frame_num_value_allowed_flag
        let widthInMacroblocks = Int(try reader.unsignedExpGolomb()) + 1
        let heightInMapUnits = Int(try reader.unsignedExpGolomb()) + 1
        let frameMacroblocksOnly = try reader.flag()
        if !frameMacroblocksOnly { _ = try reader.flag() } // mb_adaptive_frame_field_flag
        _ = try reader.flag() // direct_8x8_inference_flag
        var crop = (left: 0, right: 0, top: 0, bottom: 0)
        if try reader.flag() { // frame_cropping_flag
            crop = (Int(try reader.unsignedExpGolomb()), Int(try reader.unsignedExpGolomb()),
                    Int(try reader.unsignedExpGolomb()), Int(try reader.unsignedExpGolomb()))
        }
        // §7.4.2.1.1: crop units follow the chroma subsampling (SubWidthC,
        // SubHeightC of Table 6-1) and, for field coding, two rows.
        let chroma = separateColourPlanes ? 0 : chromaFormat
        let cropUnitX = chroma == 1 || chroma == 2 ? 2 : 1
        let fieldFactor = frameMacroblocksOnly ? 1 : 2
        let cropUnitY = (chroma == 1 ? 2 : 1) * fieldFactor
        guard widthInMacroblocks <= 1024, heightInMapUnits <= 1024 else { throw .malformed }
        width = widthInMacroblocks * 16 - cropUnitX * (crop.left + crop.right)
        height = fieldFactor * heightInMapUnits * 16 - cropUnitY * (crop.top + crop.bottom)
        guard width > 0, height > 0 else { throw .malformed }
    }

    /// scaling_list() (§7.3.2.1.1.1): read only to get past it.
    private static func skipScalingList(size: Int, reader: inout H264BitReader) throws(DepacketizerError) {
        var last: Int32 = 8
        var next: Int32 = 8
        for _ in 0..<size {
            if next != 0 {
                let delta = try reader.signedExpGolomb()
                next = (last &+ delta &+ 256) % 256
            }
            last = next == 0 ? last : next
        }
    }
}
