import Testing
@testable import Recording

/// RFC 6184 mode 1 payloads built by hand, and SPS fixtures from libx264.
@Suite struct H264DepacketizerTests {
    static let sps = hex("6742c01ed900a02ff970110000030001000003003c0f162e48") // 640×360 constrained baseline
    static let pps: [UInt8] = [0x68, 0xCE, 0x3C, 0x80]
    static let idr: [UInt8] = [0x65, 0x88, 0x84, 0x00, 0x33, 0xFF] + [UInt8](repeating: 0xAB, count: 40)
    static let slice: [UInt8] = [0x41, 0x9A, 0x02, 0x04]

    /// Length-prefixed NAL units, the block format.
    static func lengthPrefixed(_ units: [[UInt8]]) -> [UInt8] {
        units.flatMap { [0, 0, UInt8($0.count >> 8), UInt8($0.count & 0xFF)] + $0 }
    }

    @Test func singleNALStapAAndFUAMakeOneAccessUnit() throws {
        var depacketizer = H264Depacketizer()
        let stap: [UInt8] = [0x78, 0x00, UInt8(Self.sps.count)] + Self.sps + [0x00, 0x04] + Self.pps
        let fragments: [[UInt8]] = [
            [0x7C, 0x85] + Self.idr[1..<15], // FU indicator (NRI 3, type 28), S + type 5
            [0x7C, 0x05] + Self.idr[15..<30],
            [0x7C, 0x45] + Self.idr[30...], // E
        ]
        let frame = try depacketizer.frame(from: [stap] + fragments + [[0x06, 0x05, 0x01, 0x80]])
        #expect(frame.isKeyframe && frame.width == 640 && frame.height == 360)
        #expect(frame.data == Self.lengthPrefixed([Self.sps, Self.pps, Self.idr, [0x06, 0x05, 0x01, 0x80]]))
        #expect(depacketizer.sequenceParameterSet == Self.sps && depacketizer.pictureParameterSet == Self.pps)
        let configuration = try #require(depacketizer.configuration)
        #expect(configuration.bytes.prefix(6) == [1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1])

        let inter = try depacketizer.frame(from: [Self.slice])
        #expect(!inter.isKeyframe && inter.width == nil && inter.data == Self.lengthPrefixed([Self.slice]))
        // Filler data (type 12) is left out; undefined types 0, 30, 31 are ignored.
        let filler: [UInt8] = [0x0C, 0xFF, 0xFF, 0x80]
        #expect(try depacketizer.frame(from: [filler, [0x1E, 1], Self.slice]).data == Self.lengthPrefixed([Self.slice]))
    }

    @Test func brokenPacketsAreRejected() {
        var depacketizer = H264Depacketizer()
        func frame(_ payloads: [[UInt8]]) throws(DepacketizerError) -> DepacketizedFrame {
            try depacketizer.frame(from: payloads)
        }
        #expect(throws: DepacketizerError.empty) { try frame([]) }
        #expect(throws: DepacketizerError.empty) { try frame([[0x1F, 0x00]]) }
        #expect(throws: DepacketizerError.missingStart) { try frame([[0x7C, 0x05, 1, 2], [0x7C, 0x45, 3]]) }
        #expect(throws: DepacketizerError.incomplete) { try frame([[0x7C, 0x85, 1, 2], [0x7C, 0x05, 3]]) }
        #expect(throws: DepacketizerError.incomplete, "a new NAL unit inside a fragmented one") {
            try frame([[0x7C, 0x85, 1, 2], Self.slice])
        }
        #expect(throws: DepacketizerError.malformed, "S and E together") { try frame([[0x7C, 0xC5, 1, 2]]) }
        #expect(throws: DepacketizerError.malformed, "fragments of different types") {
            try frame([[0x7C, 0x85, 1, 2], [0x7C, 0x41, 3]])
        }
        #expect(throws: DepacketizerError.malformed, "F bit") { try frame([[0xE5, 1, 2]]) }
        #expect(throws: DepacketizerError.malformed, "STAP-A size past the end") { try frame([[0x78, 0x00, 0x09, 0x67, 0x42]]) }
        #expect(throws: DepacketizerError.malformed, "STAP-A size 0") { try frame([[0x78, 0x00, 0x00, 0x00, 0x01, 0x41]]) }
        #expect(throws: DepacketizerError.malformed, "STAP-A with a stray byte") {
            try frame([[0x78, 0x00, 0x01, 0x41, 0x00]])
        }
        #expect(throws: DepacketizerError.malformed, "empty payload") { try frame([[]]) }
        #expect(throws: DepacketizerError.unsupportedPacketType(25)) { try frame([[0x79, 0, 0, 0, 1, 0x41]]) }
        #expect(throws: DepacketizerError.unsupportedPacketType(29)) { try frame([[0x7D, 0x85, 0, 0, 1]]) }
    }

    @Test func spsSizesFromLibx264() throws {
        let fixtures: [(String, Int, Int, UInt8)] = [
            ("6742c01ed900a02ff970110000030001000003003c0f162e48", 640, 360, 66), // cropped 368 → 360
            ("67640028acd940780227e5c044000003000400000300f03c60c658", 1920, 1080, 100), // High, 1088 → 1080
            ("67640028acd94078044fde0220000003002000000783e2c5b2c0", 1920, 1080, 100), // interlaced (field pairs)
            ("67f4000a919b28e4f1b1f80880000003008000001e078912cb", 100, 50, 244), // 4:4:4, crop in single pixels
            ("677a000abcd94727888bc044000003000400000300f03c489658", 98, 54, 122), // 4:2:2: crop 2 across, 1 down
        ]
        for (text, width, height, profile) in fixtures {
            let parsed = try H264SequenceParameterSet(parsing: hex(text))
            #expect(parsed.width == width && parsed.height == height && parsed.profileIDC == profile, "\(text)")
        }
    }

    @Test func spsWithScalingMatricesAndPOCType1() throws {
        var bits = BitWriter()
        bits.write(100, 8) // profile_idc High
        bits.write(0, 8) // constraints
        bits.write(31, 8) // level_idc
        bits.ue(0) // seq_parameter_set_id
        bits.ue(1) // chroma_format_idc 4:2:0
        bits.ue(0); bits.ue(0) // bit depths
        bits.write(0, 1) // qpprime
        bits.write(1, 1) // seq_scaling_matrix_present_flag
        for list in 0..<8 {
            let present = list == 0 || list == 6
            bits.write(present ? 1 : 0, 1)
            guard present else { continue }
            for index in 0..<(list < 6 ? 16 : 64) { bits.se(index == 0 ? 8 : (index % 2 == 0 ? -3 : 3)) }
        }
        bits.ue(0) // log2_max_frame_num_minus4
        bits.ue(1) // pic_order_cnt_type 1
        bits.write(0, 1); bits.se(-2); bits.se(5); bits.ue(2); bits.se(1); bits.se(-1)
        bits.ue(4) // max_num_ref_frames
        bits.write(0, 1) // gaps
        bits.ue(79) // 1280
        bits.ue(44) // 720
        bits.write(1, 1) // frame_mbs_only
        bits.write(1, 1) // direct_8x8
        bits.write(1, 1) // frame_cropping_flag
        bits.ue(2); bits.ue(0); bits.ue(0); bits.ue(4) // crop 4 px left, 8 rows bottom
        bits.write(0, 1) // vui
        bits.write(1, 1) // rbsp stop bit
        let parsed = try H264SequenceParameterSet(parsing: [0x67] + bits.bytes)
        #expect(parsed.width == 1276 && parsed.height == 712 && parsed.levelIDC == 31)

        // Every prefix of it is short, never a trap.
        let whole = [0x67] + bits.bytes
        for length in 0..<whole.count - 1 {
            #expect(throws: DepacketizerError.self) { try H264SequenceParameterSet(parsing: Array(whole.prefix(length))) }
        }
    }

    @Test func emulationPreventionBytesAreRemoved() throws {
        var reader = H264BitReader(nal: [0x67, 0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03])
        #expect(try reader.bits(24) == 0x000001)
        #expect(try reader.bits(16) == 0)
        #expect(throws: DepacketizerError.incomplete) { try reader.bit() }
    }
}
