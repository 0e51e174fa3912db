import Testing
import Foundation
@testable import Audio

@Suite struct DTMFAndToneTests {
    func detect(_ samples: [Int16]) throws -> String {
        let detector = try DTMFDetector()
        var digits = ""
        for frame in Signal.frames(samples + [Int16](repeating: 0, count: 9_600)) { digits += detector.process(frame) }
        return digits
    }

    @Test func detects123PoundAt48k() throws {
        #expect(try detect(ToneGenerator.dtmf("123#")) == "123#")
    }

    @Test func detectsStarSixAt48k() throws {
        #expect(try detect(ToneGenerator.dtmf("*6")) == "*6")
    }

    @Test func detectsThroughPCMU() throws {
        // In-band digits from a phone arrive G.711-coded at 8 kHz.
        let encoder = try PhoneEncoder(codec: .pcmu)
        let decoder = try PhoneDecoder(codec: .pcmu)
        var through: [Int16] = []
        for frame in Signal.frames(ToneGenerator.dtmf("*6123#") + [Int16](repeating: 0, count: 960)) {
            through += try decoder.decode(try encoder.encode(frame))
        }
        #expect(try detect(through) == "*6123#")
    }

    @Test func speechLikeToneIsNotADigit() throws {
        #expect(try detect(ToneGenerator.joinChime() + ToneGenerator.beep()) == "")
    }

    @Test func chimesAreShapedAndInRange() {
        let join = ToneGenerator.joinChime()
        #expect(join.count == (120 + 20 + 180) * 48)
        #expect(join.first == 0)
        #expect(abs(Int(join.last ?? 99)) < 50)
        let first = join[0..<(120 * 48)]
        let second = join[(140 * 48)...]
        #expect(Signal.dominant(first, rate: 48_000, candidates: [659.25, 880]) == 659.25)
        #expect(Signal.dominant(second, rate: 48_000, candidates: [659.25, 880]) == 880)
        let leave = ToneGenerator.leaveChime()
        #expect(Signal.dominant(leave[0..<(120 * 48)], rate: 48_000, candidates: [659.25, 880]) == 880)
        #expect(ToneGenerator.dtmfFrequencies("#")! == (941, 1_477))
        #expect(ToneGenerator.dtmfFrequencies("x") == nil)
    }
}
