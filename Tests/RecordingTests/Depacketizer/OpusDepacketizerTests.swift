import Testing
@testable import Recording

/// RFC 6716 §3.1 TOC arithmetic.
@Suite struct OpusDepacketizerTests {
    @Test func durationsFromTheTOC() throws {
        let cases: [([UInt8], Int)] = [
            ([0x08 << 3], 480), // SILK 10 ms
            ([0x0B << 3], 2880), // SILK 60 ms
            ([0x0D << 3], 960), // hybrid 20 ms
            ([0x10 << 3], 120), // CELT 2.5 ms
            ([0x1F << 3], 960), // CELT 20 ms
            ([0x1F << 3 | 1, 0xAA, 0xBB], 1920), // two equal frames
            ([0x1F << 3 | 2, 0x01, 0xAA, 0xBB], 1920), // two frames
            ([0x1F << 3 | 3, 0x03, 0xAA], 2880), // three frames
            ([0x10 << 3 | 3, 48], 5760), // 48 × 2.5 ms = 120 ms
        ]
        for (packet, samples) in cases {
            #expect(try OpusDepacketizer.sampleCount(of: packet) == samples, "\(packet)")
        }
        let frame = try OpusDepacketizer().frame(from: [[0xF8, 0x01]])
        #expect(frame.isKeyframe && frame.duration == 0.02 && frame.data == [0xF8, 0x01])
    }

    @Test func invalidPacketsAreRejected() {
        #expect(throws: DepacketizerError.empty) { try OpusDepacketizer.sampleCount(of: []) }
        #expect(throws: DepacketizerError.malformed, "code 1 with an odd length") { try OpusDepacketizer.sampleCount(of: [0xF9, 0x01]) }
        #expect(throws: DepacketizerError.malformed, "code 2 without a length") { try OpusDepacketizer.sampleCount(of: [0xFA]) }
        #expect(throws: DepacketizerError.malformed, "code 3 without a count") { try OpusDepacketizer.sampleCount(of: [0xFB]) }
        #expect(throws: DepacketizerError.malformed, "code 3 with no frames") { try OpusDepacketizer.sampleCount(of: [0xFB, 0x00]) }
        #expect(throws: DepacketizerError.malformed, "over 120 ms") { try OpusDepacketizer.sampleCount(of: [0x0B << 3 | 3, 3]) }
        #expect(throws: DepacketizerError.empty) { try OpusDepacketizer().frame(from: []) }
        #expect(throws: DepacketizerError.malformed) { try OpusDepacketizer().frame(from: [[0xF8], [0xF8]]) }
    }
}
