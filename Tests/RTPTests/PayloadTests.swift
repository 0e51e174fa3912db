import Testing
@testable import RTP

@Suite("VP8 payload descriptor (RFC 7741 §4.2)")
struct VP8PayloadDescriptorTests {
    /// Key frame, 640×480: X S PID=0 | I L T | M + 15-bit picture id 0x1234 |
    /// TL0PICIDX 5 | TID 2 Y | frame tag (P=0) | start code | sizes.
    static let keyframe = hex("90 e0 92 34 05 a0  50 42 00 9d 01 2a 80 02 e0 01")

    @Test("key frame with every optional field and its frame size")
    func keyframe() throws {
        let d = try parse(Self.keyframe, VP8PayloadDescriptor.init(parsing:))
        #expect(d.startOfPartition && d.partitionID == 0 && !d.nonReference)
        #expect(d.pictureID == 0x1234 && d.pictureIDIs15Bit)
        #expect(d.tl0PicIdx == 5)
        #expect(d.temporalLayer == 2 && d.layerSync)
        #expect(d.keyIndex == nil)
        #expect(d.headerLength == 6)
        #expect(d.isKeyframe)
        #expect(d.width == 640 && d.height == 480)
    }

    @Test("delta frame: P bit set")
    func deltaFrame() throws {
        let d = try parse(hex("90 e0 92 35 05 60 51 42 00"), VP8PayloadDescriptor.init(parsing:))
        #expect(!d.isKeyframe && d.width == nil)
        #expect(d.temporalLayer == 1 && d.layerSync)
    }

    @Test("continuation packet of a key frame is not a key frame start")
    func continuation() throws {
        let d = try parse(hex("80 80 12 50 42"), VP8PayloadDescriptor.init(parsing:))
        #expect(!d.startOfPartition && !d.isKeyframe)
        #expect(d.pictureID == 0x12 && !d.pictureIDIs15Bit && d.headerLength == 3)
        // Second partition (PID 1) starting is not a key frame start either.
        #expect(try !parse(hex("11 50"), VP8PayloadDescriptor.init(parsing:)).isKeyframe)
    }

    @Test("minimal descriptor, KEYIDX only, non-reference")
    func minimal() throws {
        let d = try parse(hex("10 00"), VP8PayloadDescriptor.init(parsing:))
        #expect(d.isKeyframe && d.headerLength == 1 && d.width == nil && d.pictureID == nil)
        let k = try parse(hex("a0 10 1f 01"), VP8PayloadDescriptor.init(parsing:))
        #expect(k.nonReference && k.keyIndex == 31 && k.temporalLayer == nil && !k.layerSync && k.headerLength == 3)
    }

    @Test("truncated descriptors throw", arguments: [
        ("", RTPParseError.tooShort),
        ("80", .badPayloadDescriptor),
        ("80 80", .badPayloadDescriptor),
        ("80 80 80", .badPayloadDescriptor),
        ("80 40", .badPayloadDescriptor),
        ("80 20", .badPayloadDescriptor),
        ("80 10", .badPayloadDescriptor),
        ("80 c0 12", .badPayloadDescriptor),
        ("10", .tooShort),
        ("90 e0 92 34 05 a0", .tooShort),
    ])
    func truncated(_ text: String, _ error: RTPParseError) {
        #expect(throws: error) { try parse(hex(text), VP8PayloadDescriptor.init(parsing:)) }
    }

    @Test("every prefix of a full descriptor either throws or parses")
    func prefixes() throws {
        expectEveryPrefixThrows(Self.keyframe, below: 7, VP8PayloadDescriptor.init(parsing:))
        for length in 7..<Self.keyframe.count {
            let d = try parse(Array(Self.keyframe.prefix(length)), VP8PayloadDescriptor.init(parsing:))
            #expect(d.isKeyframe && d.width == nil)
        }
    }

    @Test("rewrite keeps the descriptor's size: 15-bit and 7-bit picture ids, TL0PICIDX")
    func rewrite() throws {
        var bytes = Self.keyframe
        let d = try parse(bytes, VP8PayloadDescriptor.init(parsing:))
        bytes.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 0x0102, tl0PicIdx: 9, in: $0, descriptor: d) }
        #expect(hexString(Array(bytes.prefix(6))) == "90 e0 81 02 09 a0")
        bytes.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 0xFFFF, tl0PicIdx: nil, in: $0, descriptor: d) }
        let again = try parse(bytes, VP8PayloadDescriptor.init(parsing:))
        #expect(again.pictureID == 0x7FFF && again.tl0PicIdx == 9 && again.isKeyframe)

        var short = hex("80 c0 12 07 51")
        let s = try parse(short, VP8PayloadDescriptor.init(parsing:))
        short.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 0x1FF, tl0PicIdx: 200, in: $0, descriptor: s) }
        #expect(hexString(short) == "80 c0 7f c8 51")

        // Fields the descriptor lacks are not invented.
        var bare = hex("10 00")
        let b = try parse(bare, VP8PayloadDescriptor.init(parsing:))
        bare.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 1, tl0PicIdx: 1, in: $0, descriptor: b) }
        #expect(bare == hex("10 00"))
        var tl0Only = hex("80 40 03 00")
        let t = try parse(tl0Only, VP8PayloadDescriptor.init(parsing:))
        tl0Only.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 1, tl0PicIdx: 4, in: $0, descriptor: t) }
        #expect(tl0Only == hex("80 40 04 00"))

        // A descriptor that does not match the buffer never writes past it.
        var tiny = hex("90 e0 92")
        tiny.withUnsafeMutableBytes { VP8PayloadDescriptor.rewrite(pictureID: 1, tl0PicIdx: 1, in: $0, descriptor: d) }
        #expect(tiny == hex("90 e0 92"))
    }
}

@Suite("H.264 key frames (RFC 6184)")
struct H264PayloadTests {
    @Test("key frame detection", arguments: [
        ("65 88 84 00", true),          // single NAL: IDR slice
        ("67 42 c0 1f", true),          // single NAL: SPS
        ("68 ce 3c 80", false),         // PPS alone
        ("41 9a 02", false),            // non-IDR slice
        ("78 00 04 67 42 c0 1f 00 02 68 ce", true), // STAP-A SPS + PPS
        ("78 00 02 68 ce 00 02 65 88", true),        // STAP-A PPS + IDR
        ("78 00 02 68 ce", false),      // STAP-A PPS only
        ("78 00 09 67", false),         // STAP-A size past the end
        ("78 00 00 67", false),         // STAP-A zero size
        ("78 00", false),
        ("79 00 01 00 02 65 88", true), // STAP-B (DON first)
        ("7c 85 88", true),             // FU-A start of IDR
        ("7c 05 88", false),            // FU-A middle
        ("7c 45 88", false),            // FU-A end
        ("7c 81 88", false),            // FU-A start of a non-IDR slice
        ("7c", false),
        ("7d 87 00 01", true),          // FU-B start of SPS
        ("5a 00", false),               // MTAP16 not inspected
        ("", false),
    ])
    func keyframes(_ text: String, _ expected: Bool) {
        #expect(hex(text).withUnsafeBytes { H264Payload.isKeyframe($0) } == expected)
    }
}

@Suite("Telephone events (RFC 4733 §2.3)")
struct TelephoneEventTests {
    @Test("parse and write")
    func roundTrip() throws {
        let bytes = hex("05 8a 03 20")
        let event = try parse(bytes, TelephoneEvent.init(parsing:))
        #expect(event == TelephoneEvent(event: 5, end: true, volume: 10, duration: 800))
        #expect(event.dtmfKey == "5")
        #expect(serialized(event.append) == bytes)
        // The R bit is ignored; the volume is 6 bits.
        #expect(try parse(hex("0b 7f 00 a0"), TelephoneEvent.init(parsing:))
                == TelephoneEvent(event: 11, end: false, volume: 63, duration: 160))
        #expect(TelephoneEvent(event: 0, end: false, volume: 99, duration: 0).volume == 63)
    }

    @Test("short payloads throw")
    func short() {
        expectEveryPrefixThrows(hex("05 8a 03 20"), TelephoneEvent.init(parsing:))
    }

    @Test("DTMF keys")
    func keys() {
        #expect(TelephoneEvent.event(forDTMFKey: "#") == 11)
        #expect(TelephoneEvent.event(forDTMFKey: "*") == 10)
        #expect(TelephoneEvent.event(forDTMFKey: "d") == 15)
        #expect(TelephoneEvent.event(forDTMFKey: "x") == nil)
        #expect(TelephoneEvent(event: 12, end: false, volume: 0, duration: 0).dtmfKey == "A")
        #expect(TelephoneEvent(event: 16, end: false, volume: 0, duration: 0).dtmfKey == nil)
    }
}
