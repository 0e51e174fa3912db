import Testing
@testable import Audio

/// Decoders, encoders and the DTMF detector at the rate a room of phones is
/// mixed at (8 or 16 kHz), not only at 48 kHz.
@Suite struct MixRateCodecTests {
    /// `x` in 20 ms frames at `rate`.
    func frames(_ x: [Int16], rate: Int) -> [[Int16]] {
        let n = rate / 50
        return stride(from: 0, to: x.count - n + 1, by: n).map { Array(x[$0..<$0 + n]) }
    }

    @Test("at 8 kHz a G.711 frame is decoded and re-encoded with no resampler: the same bytes come back")
    func g711AtItsOwnRateIsUntouched() throws {
        let decoder = try PhoneDecoder(codec: .pcmu, outputRate: 8_000)
        let encoder = try PhoneEncoder(codec: .pcmu, inputRate: 8_000)
        let payload = (0..<160).map { UInt8(truncatingIfNeeded: $0 * 53 + 1) }.map { $0 == 0x7F ? 0xFF : $0 }
        let pcm = try decoder.decode(payload)
        #expect(pcm == G711.decode(payload, law: .ulaw))
        #expect(try encoder.encode(pcm) == payload)
        #expect(try decoder.conceal().count == 160)
    }

    @Test("a decoder moved from 48 to 16 kHz writes 320-sample frames of the same tone")
    func decoderChangesRate() throws {
        let decoder = try PhoneDecoder(codec: .pcmu)
        let encoder = try PhoneEncoder(codec: .pcmu, inputRate: 8_000)
        let tone = Signal.sine(440, rate: 8_000, count: 8_000)
        #expect(try decoder.decode(try encoder.encode(Array(tone[0..<160]))).count == 960)
        try decoder.setOutputRate(16_000)
        var out: [Int16] = []
        for frame in frames(Array(tone[160...]), rate: 8_000) { out += try decoder.decode(try encoder.encode(frame)) }
        #expect(out.count == 49 * 320)
        #expect(Signal.dominant(out[3_200...], rate: 16_000, candidates: [220, 440, 880]) == 440)
    }

    @Test("an encoder taking 16 kHz frames sends G.711 at 8 kHz, band-limited")
    func encoderDownsamples() throws {
        let encoder = try PhoneEncoder(codec: .pcmu, inputRate: 16_000)
        var heard: [Int16] = []
        // 1 kHz is kept; 5 kHz (above 8 kHz's Nyquist) is removed, not folded to 3 kHz.
        let input = zip(Signal.sine(1_000, rate: 16_000, count: 16_000), Signal.sine(5_000, rate: 16_000, count: 16_000))
            .map { Int16(Int($0) / 2 + Int($1) / 2) }
        for frame in frames(input, rate: 16_000) { heard += G711.decode(try encoder.encode(frame), law: .ulaw) }
        #expect(heard.count == 8_000)
        let kept = Signal.power(heard[1_600...], frequency: 1_000, rate: 8_000)
        let folded = Signal.power(heard[1_600...], frequency: 3_000, rate: 8_000)
        #expect(kept > 100 * folded)
    }

    @Test("Opus decodes straight to 8 kHz")
    func opusAtEightKilohertz() throws {
        let encoder = try OpusEncoder()
        let decoder = try OpusDecoder(sampleRate: 8_000)
        var packet = [UInt8](repeating: 0, count: OpusEncoder.maxPacketBytes)
        var out = [Int16](repeating: 0, count: 160)
        let tone = Signal.sine(600, rate: 48_000, count: 960 * 20)
        var decoded: [Int16] = []
        for frame in frames(tone, rate: 48_000) {
            let n = try frame.withUnsafeBufferPointer { f in try packet.withUnsafeMutableBufferPointer { try encoder.encode(f, into: $0) } }
            let m = try packet.withUnsafeBufferPointer { p in
                try out.withUnsafeMutableBufferPointer { try decoder.decode(UnsafeBufferPointer(rebasing: p[0..<n]), into: $0) }
            }
            #expect(m == 160)
            decoded += out
        }
        #expect(Signal.dominant(decoded[800...], rate: 8_000, candidates: [300, 600, 1_200]) == 600)
    }

    @Test("in-band DTMF is heard in 8 kHz frames, with no resampler in front of the detector")
    func dtmfAtEightKilohertz() throws {
        let detector = try DTMFDetector(inputRate: 8_000)
        let down = try Resampler(from: 48_000, to: 8_000)
        let tones = ToneGenerator.dtmf("*6123#") + [Int16](repeating: 0, count: 9_600)
        var narrow = [Int16](repeating: 0, count: tones.count / 6)
        let n = tones.withUnsafeBufferPointer { t in narrow.withUnsafeMutableBufferPointer { down.process(t, into: $0) } }
        var digits = ""
        for frame in frames(Array(narrow[0..<n]), rate: 8_000) { digits += frame.withUnsafeBufferPointer { detector.process($0) } }
        #expect(digits == "*6123#")
    }
}
