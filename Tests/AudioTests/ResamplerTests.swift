import Testing
import Foundation
@testable import Audio

@Suite struct ResamplerTests {
    @Test func sineSurvives8kTo48kAndBack() throws {
        let up = try Resampler(from: 8_000, to: 48_000)
        let down = try Resampler(from: 48_000, to: 8_000)
        let input = Signal.sine(1_000, rate: 8_000, count: 8_000, amplitude: 12_000)
        var wide: [Int16] = [], back: [Int16] = []
        // Frame by frame, to prove state carries across frame edges.
        for start in stride(from: 0, to: input.count, by: 160) {
            let w = up.process(Array(input[start..<start + 160]))
            #expect(w.count == 960)
            wide += w
            let n = down.process(w)
            #expect(n.count == 160)
            back += n
        }
        let fitWide = Signal.fit(wide[4_800...], frequency: 1_000, rate: 48_000)
        #expect(abs(fitWide.amplitude - 12_000) < 120)
        #expect(fitWide.residual < 12_000 * 0.005)
        let fit = Signal.fit(back[800...], frequency: 1_000, rate: 8_000)
        #expect(abs(fit.amplitude - 12_000) < 120)
        // Residual (noise + distortion) below −45 dB of the tone; clicks at frame edges would show here.
        #expect(fit.residual < 12_000 * 0.0056)
        #expect(Signal.dominant(back[800...], rate: 8_000, candidates: [500, 900, 1_000, 1_100, 2_000]) == 1_000)
    }

    @Test func sixKilohertzIsRemovedGoingTo8k() throws {
        let down = try Resampler(from: 48_000, to: 8_000)
        let out = down.process(Signal.sine(6_000, rate: 48_000, count: 48_000, amplitude: 16_000))
        // 6 kHz would alias to 2 kHz at 8 kHz; it must be at least 60 dB down.
        let rms = Signal.meanSquare(out[400...]).squareRoot()
        #expect(rms < 16_000 / 2.squareRoot() * 0.001)
    }

    @Test func passbandAndStopbandAt16k() throws {
        let down = try Resampler(from: 48_000, to: 16_000)
        let pass = down.process(Signal.sine(6_000, rate: 48_000, count: 24_000))
        #expect(abs(Signal.fit(pass[800...], frequency: 6_000, rate: 16_000).amplitude - 10_000) < 150)
        let down2 = try Resampler(from: 48_000, to: 16_000)
        let stop = down2.process(Signal.sine(12_000, rate: 48_000, count: 24_000))
        #expect(Signal.meanSquare(stop[800...]).squareRoot() < 10)
    }

    @Test func rationalRates() throws {
        let r = try Resampler(from: 22_050, to: 48_000)
        var total = 0
        for _ in 0..<10 { total += r.process([Int16](repeating: 1_000, count: 2_205)).count }
        #expect(total == 48_000)  // 10 × 2 205 samples = 1 s
        #expect(throws: AudioError.self) { try Resampler(from: 0, to: 8_000) }
    }
}
