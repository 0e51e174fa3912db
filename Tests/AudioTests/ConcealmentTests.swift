import Foundation
import Testing
@testable import Audio

/// Speech through the phone-to-room path (jitter buffer, PCMU decode,
/// spandsp concealment, 8 → 48 kHz) with 3% of packets lost: concealment
/// must come closer to the loss-free output than silence in the gaps would.
@Suite struct ConcealmentTests {
    func run(_ speech8: [Int16], lost: Set<Int>) throws -> (out: [Int16], kinds: [Character]) {
        let frames = speech8.count / 160
        var jitter = JitterBuffer(configuration: .init(clockRate: 8000))
        let decoder = try PhoneDecoder(codec: .pcmu)
        var out: [Int16] = []
        var kinds: [Character] = []
        for tick in 0..<(frames + 10) {
            if tick < frames, !lost.contains(tick) {
                let pcm = Array(speech8[(tick * 160)..<((tick + 1) * 160)])
                jitter.insert(sequenceNumber: UInt16(tick), timestamp: UInt32(tick * 160), ssrc: 1,
                              payload: G711.encode(pcm, law: .ulaw), arrivalNanoseconds: UInt64(tick) * 20_000_000)
            }
            var frame = [Int16](repeating: 0, count: 960)
            switch jitter.pull() {
            case .frame(let p): _ = try p.payload.withUnsafeBufferPointer { s in try frame.withUnsafeMutableBufferPointer { try decoder.decode(s, into: $0) } }; kinds.append("f")
            case .lost: _ = try frame.withUnsafeMutableBufferPointer { try decoder.conceal(into: $0) }; kinds.append("L")
            case .silence: kinds.append("s")
            }
            out += frame
        }
        return (out, kinds)
    }

    @Test func concealmentBeatsSilenceOnSpeechAt3PercentLoss() throws {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Prompts/enter-meeting-code.wav").standardized
        let speech8 = try Resampler(from: 48000, to: 8000).process(try WAVFile(contentsOf: url).samples48k())
        let frames = speech8.count / 160
        // Every 33rd packet (3%), mid-speech as well as in pauses.
        let lost = Set(stride(from: 17, to: frames, by: 33))
        let ideal = try run(speech8, lost: [])
        let lossy = try run(speech8, lost: lost)
        var zeroed = ideal.out
        for (t, k) in lossy.kinds.enumerated() where k == "L" { for j in (t * 960)..<((t + 1) * 960) { zeroed[j] = 0 } }
        func snr(_ y: [Int16]) -> Double {
            var sig = 0.0, err = 0.0
            for i in 0..<min(y.count, ideal.out.count) { let d = Double(y[i]) - Double(ideal.out[i]); sig += Double(ideal.out[i]) * Double(ideal.out[i]); err += d * d }
            return 10 * log10(sig / max(err, 1))
        }
        #expect(lossy.kinds.filter { $0 == "L" }.count >= lost.count)
        // Every other frame plays at the same tick as without loss (no slip).
        #expect(lossy.kinds.count == ideal.kinds.count)
        #expect(snr(lossy.out) > snr(zeroed), "concealed \(snr(lossy.out)) dB, silence \(snr(zeroed)) dB")
    }
}
