import Audio
import Foundation
import Gateway
import Testing

/// A desk phone in a noisy room, through the real gateway: the other caller
/// hears its noise at least 10 dB lower with voice cleaning on (the default)
/// than with it off. (That speech survives is measured on real speech in
/// `VoiceCleanerTests`, on the decoder the gateway uses.)
@Suite(.serialized) struct CallerNoiseTests {
    /// The level of what B hears of A (A sends noise of RMS 2000) over 1.5 s,
    /// past the prompts and the noise estimator's first seconds: the median
    /// of the 20 ms frames' RMS, so frames a loaded machine delivered late
    /// (concealed, quieter) do not pull the figure down.
    func heardOfNoisyCaller(cleaning: VoiceCleaner.Settings) async throws -> Double {
        let f = try await GatewayFixture.start(voiceCleaning: cleaning)
        defer { Task { await f.stop() } }
        let a = try f.phone(), b = try f.phone()
        #expect(try await a.call(sdp: a.offer())?.status == 200)
        #expect(try await b.call(sdp: b.offer())?.status == 200)
        a.startMedia(tone: nil, noise: 2_000)
        b.startMedia(tone: nil)
        defer { a.stop(); b.stop() }
        try await Task.sleep(for: .seconds(4))
        let since = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        let heard = b.heard(since: since)
        let frames = stride(from: 0, to: heard.count - 159, by: 160).map { start in
            (heard[start..<start + 160].reduce(0.0) { $0 + Double($1) * Double($1) } / 160).squareRoot()
        }.sorted()
        return frames.isEmpty ? 0 : frames[frames.count / 2]
    }

    @Test func theOtherCallerHearsTheNoise10dBLower() async throws {
        let off = try await heardOfNoisyCaller(cleaning: VoiceCleaner.Settings(noiseSuppression: false, automaticGain: false))
        let on = try await heardOfNoisyCaller(cleaning: VoiceCleaner.Settings())
        let drop = 20 * log10(off / max(on, 1))
        print("caller noise heard by the other caller: \(Int(off)) RMS without cleaning, \(Int(on)) with: \(String(format: "%.1f", drop)) dB lower")
        #expect(off > 500, "the noise did not reach the other caller at all")
        #expect(drop >= 10, "noise only \(drop) dB lower")
    }
}
