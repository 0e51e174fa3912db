import Testing
import Foundation
@testable import Audio

@Suite struct CodecTests {
    /// Sends a 1 kHz tone at 48 kHz through encode/decode for `codec` and checks
    /// frequency and level at the far end.
    func roundTrip(_ codec: VoiceCodec, frequency: Double = 1_000) throws {
        let encoder = try PhoneEncoder(codec: codec)
        let decoder = try PhoneDecoder(codec: codec)
        let input = Signal.sine(frequency, rate: 48_000, count: 48_000 / 2)
        var output: [Int16] = []
        for frame in Signal.frames(input) {
            let payload = try encoder.encode(frame)
            if let expected = codec.bytesPerFrame { #expect(payload.count == expected) }
            let decoded = try decoder.decode(payload)
            #expect(decoded.count == AudioFormat.frameSamples)
            output += decoded
        }
        // Skip 100 ms of filter/codec start-up.
        let tail = output[4_800...]
        let fit = Signal.fit(tail, frequency: frequency, rate: 48_000)
        let candidates = stride(from: 300.0, through: 3_300, by: 100).map { $0 }
        #expect(Signal.dominant(tail, rate: 48_000, candidates: candidates) == frequency)
        // Level within 1 dB, noise (everything that is not the tone) at least 25 dB down.
        let gainDB = 20 * log10(fit.amplitude / 10_000)
        #expect(abs(gainDB) < 1, "\(codec) gain \(gainDB) dB")
        let snr = 20 * log10(fit.amplitude / 2.squareRoot() / fit.residual)
        #expect(snr > 25, "\(codec) SNR \(snr) dB")
    }

    @Test func pcmuRoundTrip() throws { try roundTrip(.pcmu) }
    @Test func pcmaRoundTrip() throws { try roundTrip(.pcma) }
    @Test func g722RoundTrip() throws { try roundTrip(.g722) }
    @Test func opusRoundTrip() throws { try roundTrip(.opus) }

    @Test func g711KnownValues() {
        // G.711 tables: µ-law 0 → 0xFF, A-law 0 → 0xD5.
        #expect(G711.encode([0], law: .ulaw) == [0xFF])
        #expect(G711.encode([0], law: .alaw) == [0xD5])
        let x: [Int16] = [-32_000, -1_000, -5, 0, 5, 1_000, 32_000]
        for law in [G711.Law.ulaw, .alaw] {
            let back = G711.decode(G711.encode(x, law: law), law: law)
            for (a, b) in zip(x, back) { #expect(abs(Int(a) - Int(b)) <= max(16, abs(Int(a)) / 16)) }
        }
    }

    @Test func codecTable() {
        #expect(VoiceCodec.pcmu.staticPayloadType == 0)
        #expect(VoiceCodec.pcma.staticPayloadType == 8)
        #expect(VoiceCodec.g722.staticPayloadType == 9)
        #expect(VoiceCodec.opus.staticPayloadType == nil)
        #expect(VoiceCodec.g722.rtpClockRate == 8_000)
        #expect(VoiceCodec.g722.sampleRate == 16_000)
        #expect(VoiceCodec.g722.rtpTimestampsPerFrame == 160)
        #expect(VoiceCodec.opus.rtpTimestampsPerFrame == 960)
        #expect(VoiceCodec.pcmu.samplesPerFrame == 160)
        #expect(VoiceCodec(encodingName: "G722") == .g722)
        #expect(VoiceCodec.opus.rtpmapParameters == "48000/2")
    }

    @Test func rejectsWrongFrameLength() throws {
        let encoder = try PhoneEncoder(codec: .pcmu)
        #expect(throws: AudioError.invalidLength(expected: 960, actual: 100)) { try encoder.encode([Int16](repeating: 0, count: 100)) }
        let decoder = try PhoneDecoder(codec: .opus)
        #expect(throws: AudioError.self) { try decoder.decode([0xFF, 0xFF, 0xFF]) }
        #expect(throws: AudioError.invalidPayload) { try decoder.decode([]) }
    }

    /// One lost packet: the concealed frame carries signal, and is not a copy of the last frame.
    @Test(arguments: [VoiceCodec.pcmu, .pcma, .g722, .opus])
    func concealment(_ codec: VoiceCodec) throws {
        let encoder = try PhoneEncoder(codec: codec)
        let decoder = try PhoneDecoder(codec: codec)
        // A steady 220 Hz tone: periodic, like voiced speech, so pitch-repeating PLC has something to copy.
        let frames = Signal.frames(Signal.sine(220, rate: 48_000, count: 48_000 / 2, amplitude: 8_000))
        var last: [Int16] = []
        for frame in frames.prefix(10) { last = try decoder.decode(try encoder.encode(frame)) }
        let concealed = try decoder.conceal()
        #expect(concealed.count == AudioFormat.frameSamples)
        #expect(Signal.meanSquare(concealed[...]) > Signal.meanSquare(last[...]) * 0.05)
        #expect(concealed != last)
        // And decoding resumes.
        _ = try encoder.encode(frames[10])
        let resumed = try decoder.decode(try encoder.encode(frames[11]))
        #expect(resumed.count == AudioFormat.frameSamples)
    }

    @Test func opusFECRecoversLostFrame() throws {
        let encoder = try OpusEncoder(bitrate: 32_000, inbandFEC: true, expectedLossPercent: 20)
        let decoder = try PhoneDecoder(codec: .opus)
        let frames = Signal.frames(Signal.sine(440, rate: 48_000, count: 48_000, amplitude: 8_000))
        let packets = try frames.map { try encoder.encode($0) }
        for p in packets.prefix(20) { _ = try decoder.decode(p) }
        // Packet 20 lost; 21 is at hand.
        let recovered = try decoder.recover(next: packets[21])
        #expect(recovered.count == 960)
        let fit = Signal.fit(recovered[480...], frequency: 440, rate: 48_000)
        #expect(fit.amplitude > 4_000)
        _ = try decoder.decode(packets[21])
    }

    @Test func opusStereoPacketsDecodeToMono() throws {
        let encoder = try OpusEncoder(channels: 2, bitrate: 64_000)
        let decoder = try OpusDecoder()
        let mono = Signal.sine(1_000, rate: 48_000, count: 960 * 10)
        var stereo = [Int16](repeating: 0, count: mono.count * 2)
        for i in mono.indices { stereo[2 * i] = mono[i]; stereo[2 * i + 1] = mono[i] }
        var out = [Int16](repeating: 0, count: OpusDecoder.maxFrameSamples)
        var total: [Int16] = []
        for f in 0..<10 {
            let packet = try encoder.encode(Array(stereo[f * 1_920..<(f + 1) * 1_920]))
            let n = try packet.withUnsafeBufferPointer { p in try out.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
            #expect(n == 960)
            total += out[0..<n]
        }
        #expect(Signal.fit(total[4_800...], frequency: 1_000, rate: 48_000).amplitude > 8_000)
    }

    @Test("an encoder at a phone codec's own rate: 160 samples of 8 kHz per 20 ms, decoded at 48 kHz as the browser does")
    func opusFromEightKilohertz() throws {
        let encoder = try OpusEncoder(sampleRate: 8_000)
        try encoder.limitBandwidth(toSourceRate: 8_000)
        #expect(encoder.sampleRate == 8_000)
        let decoder = try OpusDecoder()
        let narrow = Signal.sine(440, rate: 8_000, count: 160 * 25, amplitude: 8_000)
        var total: [Int16] = []
        var out = [Int16](repeating: 0, count: OpusDecoder.maxFrameSamples)
        for f in 0..<25 {
            let packet = try encoder.encode(Array(narrow[f * 160..<(f + 1) * 160]))
            let n = try packet.withUnsafeBufferPointer { p in try out.withUnsafeMutableBufferPointer { try decoder.decode(p, into: $0) } }
            #expect(n == 960, "20 ms at 48 kHz")
            total += out[0..<n]
        }
        #expect(Signal.fit(total[9_600...], frequency: 440, rate: 48_000).amplitude > 5_000)
        // A 48 kHz frame is not 20 ms at 8 kHz: refused, not misread.
        #expect(throws: AudioError.self) { _ = try encoder.encode([Int16](repeating: 0, count: 960)) }
        // Rates Opus does not take are refused at once.
        #expect(throws: AudioError.self) { _ = try OpusEncoder(sampleRate: 44_100) }
    }
}
