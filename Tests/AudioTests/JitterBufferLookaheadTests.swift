import Testing
@testable import Audio

/// After a loss the buffer holds one frame back for a while, so the next
/// packet is in hand when a lost one is due (concealment from both sides,
/// Opus FEC); a clean line goes back to the shortest delay.
@Suite struct JitterBufferLookaheadTests {
    /// What each tick played, for a steady sender whose packets arrive 3 ms
    /// before the tick, with the packets in `lost` never arriving.
    func play(ticks: Int, lost: Set<Int>, lookahead: Int = 500) -> (outputs: [JitterBuffer.Output], statistics: JitterBuffer.Statistics) {
        var jb = JitterBuffer(configuration: .init(clockRate: 8_000, lookaheadAfterLossPulls: lookahead))
        var outputs: [JitterBuffer.Output] = []
        for tick in 0..<ticks {
            if !lost.contains(tick) {
                jb.insert(sequenceNumber: UInt16(tick), timestamp: UInt32(tick * 160), ssrc: 1, payload: [UInt8(tick % 256)],
                          arrivalNanoseconds: UInt64(tick * 20 + 17) * 1_000_000)
            }
            outputs.append(jb.pull())
        }
        return (outputs, jb.statistics)
    }

    /// The sequence numbers played as lost, with whether the next packet came with them.
    func losses(_ outputs: [JitterBuffer.Output]) -> [(UInt16, Bool)] {
        outputs.compactMap { if case .lost(let s, let next) = $0 { (s, next != nil) } else { nil } }
    }

    @Test("on a clean line the first loss costs one extra frame, and later losses come with the next packet in hand")
    func lossesAfterTheFirstHaveTheNextPacket() {
        // By tick 400 the target has shrunk to 0: nothing held back.
        let (outputs, statistics) = play(ticks: 1_000, lost: [400, 600, 601, 800])
        let seen = losses(outputs)
        // 400: first a tick with nothing (forward concealment, the extra
        // frame), then 400 again with 401 in hand.
        #expect(seen.filter { $0.0 == 400 }.map(\.1) == [false, true])
        #expect(seen.filter { $0.0 == 800 }.map(\.1) == [true])
        // A burst: its last packet comes with the one after it.
        #expect(seen.filter { $0.0 == 600 || $0.0 == 601 }.map(\.1) == [false, true])
        #expect(statistics.lost == 4)
        #expect(statistics.targetFrames >= 1)
        // Played once each, in order; the one frame dropped is the start's
        // (the first target shrinking at 5 s), none after the first loss.
        let frames = outputs.compactMap { if case .frame(let p) = $0 { Int(p.sequenceNumber) } else { nil } }
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $1 > $0 })
        #expect(statistics.discarded == 1)
        #expect(frames.filter { $0 > 300 }.count == 998 - 300 - 4)
    }

    @Test("ten seconds without a loss give the held-back frame up again")
    func aCleanLineReturnsToTheShortestDelay() {
        let (outputs, statistics) = play(ticks: 1_500, lost: [300])
        #expect(losses(outputs).map(\.1) == [false, true])
        #expect(statistics.targetFrames == 0)
        // One at the start (the first shrink), one 10 s after the loss.
        #expect(statistics.discarded == 2)
    }

    @Test("with lookahead off a loss costs one frame and the next packet is never waited for")
    func off() {
        let (outputs, statistics) = play(ticks: 1_000, lost: [400, 800], lookahead: 0)
        #expect(losses(outputs).map(\.1) == [false, false])
        #expect(statistics.targetFrames == 0)
    }
}
