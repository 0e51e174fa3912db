import Testing
@testable import Recording

/// Byte fixtures for RFC 8794 encodings.
@Suite struct EBMLWriterTests {
    func bytes(_ build: (inout EBMLWriter) -> Void) -> [UInt8] {
        var writer = EBMLWriter()
        build(&writer)
        return writer.bytes
    }

    @Test func sizesTakeTheShortestVINTThatIsNotAllOnes() {
        #expect(bytes { $0.appendSize(0) } == [0x80])
        #expect(bytes { $0.appendSize(126) } == [0xFE])
        #expect(bytes { $0.appendSize(127) } == [0x40, 0x7F], "0xFF would mean unknown")
        #expect(bytes { $0.appendSize(16382) } == [0x7F, 0xFE])
        #expect(bytes { $0.appendSize(16383) } == [0x20, 0x3F, 0xFF])
        #expect(bytes { $0.appendSize(1 << 28) } == [0x08, 0x10, 0x00, 0x00, 0x00])
        #expect(bytes { $0.appendSize(UInt64.max) } == [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE], "clamped, never unknown")
        #expect(bytes { $0.appendUnknownSize() } == [0x01, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF])
    }

    @Test func idsKeepTheirMarkerBits() {
        #expect(bytes { $0.appendID(0xA3) } == [0xA3])
        #expect(bytes { $0.appendID(0x4286) } == [0x42, 0x86])
        #expect(bytes { $0.appendID(0x2AD7B1) } == [0x2A, 0xD7, 0xB1])
        #expect(bytes { $0.appendID(0x1A45DFA3) } == [0x1A, 0x45, 0xDF, 0xA3])
    }

    @Test func typedElements() {
        #expect(bytes { $0.appendUInt(0xD7, 0) } == [0xD7, 0x81, 0x00])
        #expect(bytes { $0.appendUInt(0xD7, 1) } == [0xD7, 0x81, 0x01])
        #expect(bytes { $0.appendUInt(0x2AD7B1, 1_000_000) } == [0x2A, 0xD7, 0xB1, 0x83, 0x0F, 0x42, 0x40])
        #expect(bytes { $0.appendUInt(0xE7, UInt64.max) } == [0xE7, 0x88] + [UInt8](repeating: 0xFF, count: 8))
        #expect(bytes { $0.appendFloat(0xB5, 48000) } == [0xB5, 0x88, 0x40, 0xE7, 0x70, 0, 0, 0, 0, 0])
        #expect(bytes { $0.appendString(0x86, "V_VP8") } == [0x86, 0x85] + Array("V_VP8".utf8))
        #expect(bytes { $0.appendBinary(0x63A2, []) } == [0x63, 0xA2, 0x80])
        #expect(bytes { $0.appendMaster(0xE0) { $0.appendUInt(0xB0, 640) } } == [0xE0, 0x84, 0xB0, 0x82, 0x02, 0x80])
    }

    @Test func readerReadsWhatTheWriterWrites() throws {
        for size in [0, 1, 126, 127, 128, 16382, 16383, 16384, 1 << 21, 1 << 35, (1 << 56) - 2] as [UInt64] {
            let encoded = bytes { $0.appendSize(size) }
            let (value, length) = try encoded.withUnsafeBytes { try EBMLReader.vint(in: $0, at: 0) }
            #expect(value == size && length == encoded.count)
        }
        let unknown = try EBMLWriter.unknownSize.withUnsafeBytes { try EBMLReader.vint(in: $0, at: 0) }
        #expect(unknown.0 == nil && unknown.1 == 8)
        let oneByteUnknown: [UInt8] = [0xFF]
        #expect(try oneByteUnknown.withUnsafeBytes { try EBMLReader.vint(in: $0, at: 0) }.0 == nil)
    }

    @Test func opusHeadAndAVCConfiguration() throws {
        let head = OpusHead()
        #expect(head.bytes == Array("OpusHead".utf8) + [1, 2, 0x38, 0x01, 0x80, 0xBB, 0, 0, 0, 0, 0])
        #expect(head.codecDelayNanoseconds == 6_500_000)

        let sps: [UInt8] = [0x67, 0x42, 0xC0, 0x1E, 0xDA]
        let pps: [UInt8] = [0x68, 0xCE, 0x3C, 0x80]
        let record = try #require(AVCDecoderConfigurationRecord(sequenceParameterSets: [sps], pictureParameterSets: [pps]))
        #expect(record.bytes == [1, 0x42, 0xC0, 0x1E, 0xFF, 0xE1, 0, 5] + sps + [1, 0, 4] + pps)
        #expect(AVCDecoderConfigurationRecord(sequenceParameterSets: [[0x67, 0x42]], pictureParameterSets: [pps]) == nil)
        #expect(AVCDecoderConfigurationRecord(sequenceParameterSets: [sps], pictureParameterSets: []) == nil)
    }
}
