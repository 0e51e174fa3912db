import Foundation
import Testing
@testable import Audio

/// Minimum statistics on synthetic lines: steady noise, noise under bursts of
/// "speech", noise that drops or rises, digital silence; and the suppression
/// depth `VoiceCleaner.Settings` picks for a floor.
@Suite("Noise floor tracking")
struct NoiseFloorTrackerTests {
    /// 10 ms frames (80 samples at 8 kHz) of white noise at `dbfs`, the same every run.
    struct Line {
        var state: UInt32 = 7
        mutating func noiseFrame(dbfs: Double, count: Int = 80) -> Double {
            let amplitude = 32_768 * pow(10, dbfs / 20) * 3.0.squareRoot()  // uniform: rms = a/√3
            var sum = 0.0
            for _ in 0..<count {
                state = state &* 1_664_525 &+ 1_013_904_223
                let x = (Double(state) / Double(UInt32.max) * 2 - 1) * amplitude
                sum += x * x
            }
            return sum / Double(count)
        }
    }

    @Test("steady noise reads within 3 dB of its level")
    func steady() {
        var line = Line(), tracker = NoiseFloorTracker()
        for _ in 0..<100 { tracker.add(meanSquare: line.noiseFrame(dbfs: -40)) }
        #expect(tracker.floorDBFS > -43 && tracker.floorDBFS <= -39.5, "\(tracker.floorDBFS)")
    }

    @Test("speech over the noise does not lift the floor")
    func underSpeech() {
        var line = Line(), tracker = NoiseFloorTracker()
        // 300 ms of speech 30 dB over the noise, 100 ms pause, for 5 s.
        for i in 0..<500 {
            let noise = line.noiseFrame(dbfs: -55)
            tracker.add(meanSquare: i % 40 < 30 ? noise * 1_000 : noise)
        }
        #expect(tracker.floorDBFS > -58 && tracker.floorDBFS <= -54.5, "\(tracker.floorDBFS)")
    }

    @Test("a floor that drops or rises is followed within the 3 s window")
    func follows() {
        var line = Line(), tracker = NoiseFloorTracker()
        for _ in 0..<300 { tracker.add(meanSquare: line.noiseFrame(dbfs: -30)) }
        for _ in 0..<10 { tracker.add(meanSquare: line.noiseFrame(dbfs: -60)) }
        #expect(tracker.floorDBFS < -60 + 3, "a drop shows at once: \(tracker.floorDBFS)")
        for _ in 0..<300 { tracker.add(meanSquare: line.noiseFrame(dbfs: -60)) }
        for _ in 0..<100 { tracker.add(meanSquare: line.noiseFrame(dbfs: -30)) }
        #expect(tracker.floorDBFS < -57, "a rise waits out the window: \(tracker.floorDBFS)")
        for _ in 0..<260 { tracker.add(meanSquare: line.noiseFrame(dbfs: -30)) }
        #expect(tracker.floorDBFS > -33, "\(tracker.floorDBFS)")
    }

    @Test("digital silence reads -120 dBFS; nothing yet reads 0")
    func silence() {
        var tracker = NoiseFloorTracker()
        #expect(tracker.floorDBFS == 0)
        tracker.add(meanSquare: 0)
        #expect(tracker.floorDBFS == -120)
    }

    @Test("suppression deepens with the floor, between the least and the most")
    func depth() {
        let settings = VoiceCleaner.Settings()
        #expect(settings.suppression(forFloor: -120) == 10)
        #expect(settings.suppression(forFloor: -62) == 10)
        #expect(settings.suppression(forFloor: -50) == 20)
        #expect(settings.suppression(forFloor: -30) == 30)
        #expect(settings.suppression(forFloor: 0) == 30)
        let fixed = VoiceCleaner.Settings(suppressionDecibels: 15, minimumSuppressionDecibels: 15)
        #expect(fixed.suppression(forFloor: -120) == 15 && fixed.suppression(forFloor: -20) == 15)
    }
}
