import Testing
import Foundation
@testable import Audio

@Suite struct MixerAndLevelTests {
    @Test func mixMinusOneExcludesOwnInput() {
        let a = Signal.sine(300, rate: 48_000, count: 960, amplitude: 5_000)
        let b = Signal.sine(700, rate: 48_000, count: 960, amplitude: 5_000)
        let c = Signal.sine(1_100, rate: 48_000, count: 960, amplitude: 5_000)
        let outs = AudioMixer.mixMinusOne([a, b, c])
        for (i, f) in [300.0, 700, 1_100].enumerated() {
            #expect(Signal.power(outs[i][...], frequency: f, rate: 48_000) < 1)
            for (j, g) in [300.0, 700, 1_100].enumerated() where j != i {
                #expect(Signal.power(outs[i][...], frequency: g, rate: 48_000) > 20_000_000)
            }
        }
        // Below the knee the mix is exact.
        #expect(outs[0] == zip(b, c).map { $0 + $1 })
    }

    @Test func clippingIsSoftAndNeverWraps() {
        let loud = [Int16](repeating: 30_000, count: 960)
        let mixer = AudioMixer()
        for _ in 0..<4 { mixer.add(loud) }
        var out: [Int16] = []
        mixer.mix(excluding: nil, into: &out)
        #expect(out.allSatisfy { $0 > 30_000 && $0 <= 32_767 })
        mixer.reset()
        for _ in 0..<4 { mixer.add(loud.map { -$0 }) }
        mixer.mix(excluding: nil, into: &out)
        #expect(out.allSatisfy { $0 < -30_000 && $0 >= -32_767 })
        // Monotonic and continuous around the knee.
        var previous = AudioMixer.limit(24_000)
        for x in stride(from: Int32(24_001), through: 200_000, by: 7) {
            let y = AudioMixer.limit(x)
            #expect(y >= previous)
            #expect(Int(y) - Int(previous) <= 7)
            previous = y
        }
    }

    @Test func rfc6464Levels() {
        #expect(AudioLevel.level(of: [Int16](repeating: 0, count: 960)) == 127)
        // Full-scale square wave = 0 dBov; full-scale sine = 3.
        #expect(AudioLevel.level(of: (0..<960).map { $0 % 2 == 0 ? Int16.max : Int16.min }) == 0)
        #expect(AudioLevel.level(of: Signal.sine(1_000, rate: 48_000, count: 960, amplitude: 32_767)) == 3)
        // −20 dB of that sine reads 23.
        #expect(AudioLevel.level(of: Signal.sine(1_000, rate: 48_000, count: 960, amplitude: 3_277)) == 23)
        #expect(AudioLevel.level(of: [1, -1, 1, -1]) == 90)
        var meter = AudioLevelMeter(release: 0.5)
        let loud = Signal.sine(1_000, rate: 48_000, count: 960, amplitude: 16_000)
        #expect(loud.withUnsafeBufferPointer { meter.update($0) } == 9)
        let quiet = [Int16](repeating: 0, count: 960)
        let afterOne = quiet.withUnsafeBufferPointer { meter.update($0) }
        #expect(afterOne > 9 && afterOne < 127)
    }
}
