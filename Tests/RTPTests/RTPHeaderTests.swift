import Testing
@testable import RTP

@Suite("RTP header (RFC 3550 §5.1)")
struct RTPHeaderTests {
    /// Opus with one-byte extensions: audio level (id 1) and transport-wide
    /// sequence number (id 3), three padding bytes inside the block.
    static let opus = hex("""
        90 6f 12 34  00 00 ab cd  11 22 33 44
        be de 00 02  10 8a 31 01  f4 00 00 00
        de ad be ef
        """)

    @Test("fixed header, extension block and payload positions")
    func fixedHeader() throws {
        let header = try parse(Self.opus, RTPHeader.init(parsing:))
        #expect(!header.marker)
        #expect(header.payloadType == 111)
        #expect(header.sequenceNumber == 0x1234)
        #expect(header.timestamp == 0xABCD)
        #expect(header.ssrc == 0x1122_3344)
        #expect(header.csrcCount == 0)
        #expect(!header.hasPadding)
        #expect(header.extensionProfile == 0xBEDE)
        #expect(header.extensionRange == 16..<24)
        #expect(header.payloadOffset == 24)
        #expect(header.paddingLength == 0)
        #expect(header.payloadRange(packetLength: Self.opus.count) == 24..<28)
        #expect(!header.hasTwoByteExtensions)
    }

    @Test("marker, CSRCs and padding")
    func csrcsAndPadding() throws {
        // V=2 P=1 CC=2, M=1 PT=96; payload 01 02 03, padding 00 00 03.
        let bytes = hex("""
            a2 e0 00 01  00 00 00 02  00 00 00 03
            00 00 00 0a  00 00 00 0b
            01 02 03 00 00 03
            """)
        let header = try parse(bytes, RTPHeader.init(parsing:))
        #expect(header.marker)
        #expect(header.payloadType == 96)
        #expect(header.csrcCount == 2)
        #expect(header.extensionProfile == nil && header.extensionRange == nil)
        #expect(header.payloadOffset == 20)
        #expect(header.hasPadding && header.paddingLength == 3)
        #expect(header.payloadRange(packetLength: bytes.count) == 20..<23)
        bytes.withUnsafeBytes { raw in
            #expect(header.csrc(at: 0, in: raw) == 10)
            #expect(header.csrc(at: 1, in: raw) == 11)
            #expect(header.csrc(at: 2, in: raw) == nil)
            #expect(header.csrc(at: -1, in: raw) == nil)
        }
    }

    @Test("a padding-only packet (bandwidth probe) has an empty payload")
    func paddingOnly() throws {
        let bytes = hex("a0 60 00 01 00 00 00 02 00 00 00 03  00 00 00 04")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        #expect(header.paddingLength == 4)
        #expect(header.payloadRange(packetLength: bytes.count).isEmpty)
        #expect(header.payloadRange(packetLength: 3) == 12..<12) // never inverted
    }

    @Test("an empty extension block is legal")
    func emptyExtension() throws {
        let header = try parse(hex("90 00 00 01 00 00 00 02 00 00 00 03 be de 00 00"), RTPHeader.init(parsing:))
        #expect(header.extensionRange == 16..<16)
        #expect(header.payloadOffset == 16)
    }

    @Test("malformed headers throw the matching error", arguments: [
        ("", RTPParseError.tooShort),
        ("80 00 00 01 00 00 00 02 00 00 00", .tooShort),
        ("40 00 00 01 00 00 00 02 00 00 00 03", .badVersion),
        ("c0 00 00 01 00 00 00 02 00 00 00 03", .badVersion),
        ("00 00 00 01 00 00 00 02 00 00 00 03", .badVersion),
        ("81 00 00 01 00 00 00 02 00 00 00 03", .badCSRCCount),
        ("8f 00 00 01 00 00 00 02 00 00 00 03 00 00 00 01", .badCSRCCount),
        ("90 00 00 01 00 00 00 02 00 00 00 03 be de 00", .badExtension),
        ("90 00 00 01 00 00 00 02 00 00 00 03 be de 00 01", .badExtension),
        ("90 00 00 01 00 00 00 02 00 00 00 03 be de ff ff 00 00 00 00", .badExtension),
        ("a0 00 00 01 00 00 00 02 00 00 00 03", .badPadding),
        ("a0 00 00 01 00 00 00 02 00 00 00 03 01 02 00", .badPadding),
        ("a0 00 00 01 00 00 00 02 00 00 00 03 01 02 04", .badPadding),
        ("b0 00 00 01 00 00 00 02 00 00 00 03 be de 00 01 10 01 00 00 02", .badPadding),
    ])
    func malformed(_ text: String, _ error: RTPParseError) {
        #expect(throws: error) { try parse(hex(text), RTPHeader.init(parsing:)) }
    }

    @Test("every truncation before the payload throws; none traps")
    func truncations() throws {
        expectEveryPrefixThrows(Self.opus, below: 24, RTPHeader.init(parsing:))
        for length in 24...Self.opus.count {
            let header = try parse(Array(Self.opus.prefix(length)), RTPHeader.init(parsing:))
            #expect(header.payloadOffset == 24)
        }
    }

    @Test("writer rewrites sequence number, timestamp, SSRC, payload type and marker in place")
    func writer() throws {
        var bytes = Self.opus
        bytes.withUnsafeMutableBytes { p in
            RTPHeaderWriter.setSequenceNumber(0xBEEF, in: p)
            RTPHeaderWriter.setTimestamp(0xDEAD_BEEF, in: p)
            RTPHeaderWriter.setSSRC(0xCAFE_F00D, in: p)
            RTPHeaderWriter.setMarker(true, in: p)
            RTPHeaderWriter.setPayloadType(100, in: p)
        }
        let header = try parse(bytes, RTPHeader.init(parsing:))
        #expect(header.sequenceNumber == 0xBEEF)
        #expect(header.timestamp == 0xDEAD_BEEF)
        #expect(header.ssrc == 0xCAFE_F00D)
        #expect(header.marker && header.payloadType == 100)
        #expect(Array(bytes[12...]) == Array(Self.opus[12...]))
        bytes.withUnsafeMutableBytes { p in
            RTPHeaderWriter.setPayloadType(0xFF, in: p) // only 7 bits are written
            RTPHeaderWriter.setMarker(false, in: p)
        }
        #expect(bytes[1] == 0x7F)
    }

    @Test("writers ignore buffers shorter than the fixed header")
    func writerShortBuffer() {
        var bytes: [UInt8] = [0x80, 0x00, 0x00]
        bytes.withUnsafeMutableBytes { p in
            RTPHeaderWriter.setSequenceNumber(1, in: p)
            RTPHeaderWriter.setTimestamp(1, in: p)
            RTPHeaderWriter.setSSRC(1, in: p)
            RTPHeaderWriter.setPayloadType(1, in: p)
            RTPHeaderWriter.setMarker(true, in: p)
            #expect(RTPHeaderWriter.writeFixedHeader(marker: true, payloadType: 0, sequenceNumber: 0,
                                                     timestamp: 0, ssrc: 0, in: p) == 0)
        }
        #expect(bytes == [0x80, 0x00, 0x00])
    }

    @Test("writeFixedHeader writes what the parser reads")
    func writeFixedHeader() throws {
        var bytes = [UInt8](repeating: 0xFF, count: 14)
        let written = bytes.withUnsafeMutableBytes {
            RTPHeaderWriter.writeFixedHeader(marker: true, payloadType: 0, sequenceNumber: 7,
                                             timestamp: 160, ssrc: 0x0102_0304, in: $0)
        }
        #expect(written == 12)
        #expect(hexString(Array(bytes.prefix(12))) == "80 80 00 07 00 00 00 a0 01 02 03 04")
        let header = try parse(bytes, RTPHeader.init(parsing:))
        #expect(header.payloadType == 0 && header.marker && header.sequenceNumber == 7)
    }
}
