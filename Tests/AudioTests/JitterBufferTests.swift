import Testing
@testable import Audio

@Suite struct JitterBufferTests {
    typealias JB = JitterBuffer

    /// Inserts `seqs` at 20 ms spacing starting at `t0` ms (timestamps follow seq).
    func feed(_ jb: inout JB, _ seqs: [UInt16], base: UInt16 = 0, ssrc: UInt32 = 1, at ms: Int = 0) {
        for s in seqs {
            let ts = UInt32(truncatingIfNeeded: Int(s &- base)) &* 160 &+ 1_000
            jb.insert(sequenceNumber: s, timestamp: ts, ssrc: ssrc, payload: [UInt8(truncatingIfNeeded: s)], arrivalNanoseconds: UInt64(ms) * 1_000_000)
        }
    }

    func played(_ out: JB.Output) -> UInt16? {
        if case .frame(let p) = out { return p.sequenceNumber }
        return nil
    }

    @Test func waitsForTargetThenPlaysInOrder() {
        var jb = JB(configuration: .init(targetFrames: 3))
        #expect(jb.pull() == .silence)
        feed(&jb, [10, 12, 11, 13])
        #expect(jb.pull() == .silence)
        #expect(jb.pull() == .silence)
        #expect(jb.pull() == .silence)
        #expect((0..<4).map { _ in played(jb.pull()) } == [10, 11, 12, 13])
        #expect(jb.statistics.received == 4)
        #expect(jb.statistics.depth == 0)
    }

    @Test func dropsDuplicatesAndLate() {
        var jb = JB(configuration: .init(targetFrames: 2))
        feed(&jb, [100, 101, 101, 102])
        #expect(jb.statistics.duplicates == 1)
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 100)
        #expect(played(jb.pull()) == 101)
        feed(&jb, [100])
        #expect(jb.statistics.late == 1)
        #expect(jb.statistics.targetFrames == 3)  // grew on the late packet
        #expect(played(jb.pull()) == 102)
    }

    @Test func reportsLossWithNextPacketForFEC() {
        var jb = JB(configuration: .init(targetFrames: 2))
        feed(&jb, [1, 3, 4])
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 1)
        guard case .lost(let seq, let next) = jb.pull() else {
            Issue.record("expected a loss")
            return
        }
        #expect(seq == 2)
        #expect(next?.sequenceNumber == 3)
        #expect(played(jb.pull()) == 3)
        #expect(played(jb.pull()) == 4)
        #expect(jb.statistics.lost == 1)
    }

    @Test func sequenceWrap() {
        var jb = JB(configuration: .init(targetFrames: 2))
        let seqs: [UInt16] = [65_534, 0, 65_535, 1, 2]
        feed(&jb, seqs, base: 65_534)
        _ = jb.pull(); _ = jb.pull()
        #expect((0..<5).map { _ in played(jb.pull()) } == [65_534, 65_535, 0, 1, 2])
        #expect(jb.statistics.resyncs == 0)
        #expect(jb.statistics.late == 0)
    }

    @Test func lateButInTimeHoldsPlayoutPoint() {
        var jb = JB(configuration: .init(targetFrames: 2))
        feed(&jb, [1])
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 1)
        // 2 is late: one empty tick conceals, then 2 still plays (latency grows by a frame).
        #expect(jb.pull() == .lost(sequenceNumber: 2, next: nil))
        feed(&jb, [2, 3])
        #expect(jb.statistics.targetFrames == 3)
        #expect(played(jb.pull()) == 2)
        #expect(played(jb.pull()) == 3)
        #expect(jb.statistics.underruns == 1)
        #expect(jb.statistics.lost == 0)
    }

    @Test func talkSpurtGapRebuffers() {
        var jb = JB(configuration: .init(targetFrames: 2))
        feed(&jb, [1, 2])
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 1)
        #expect(played(jb.pull()) == 2)
        // Silence (DTX): after three empty ticks the buffer goes quiet.
        _ = jb.pull(); _ = jb.pull()
        #expect(jb.pull() == .silence)
        #expect(jb.pull() == .silence)
        // New spurt with a timestamp jump but continuous sequence numbers.
        jb.insert(sequenceNumber: 3, timestamp: 90_000, payload: [3], arrivalNanoseconds: 5_000_000_000)
        jb.insert(sequenceNumber: 4, timestamp: 90_160, payload: [4], arrivalNanoseconds: 5_020_000_000)
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 3)
        #expect(played(jb.pull()) == 4)
    }

    @Test func resyncsOnSSRCChangeAndSequenceJump() {
        var jb = JB(configuration: .init(targetFrames: 2))
        feed(&jb, [1, 2, 3])
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 1)
        // New SSRC: the old packets are gone, playout restarts at the new stream.
        feed(&jb, [40_000, 40_001], base: 40_000, ssrc: 2)
        #expect(jb.statistics.resyncs == 1)
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 40_000)
        // Same SSRC, sequence jumps far ahead: resync rather than waiting.
        feed(&jb, [9_000], base: 9_000, ssrc: 2)
        #expect(jb.statistics.resyncs == 2)
        _ = jb.pull(); _ = jb.pull()
        #expect(played(jb.pull()) == 9_000)
    }

    @Test func trimsExcessDepthSlowly() {
        var jb = JB(configuration: .init(targetFrames: 2, trimAfterPulls: 5))
        feed(&jb, Array(0..<12))
        _ = jb.pull(); _ = jb.pull()
        var playedSeqs: [UInt16] = []
        for _ in 0..<10 { if let s = played(jb.pull()) { playedSeqs.append(s) } }
        #expect(jb.statistics.discarded >= 1)
        #expect(playedSeqs.count + jb.statistics.discarded + jb.statistics.depth == 12)
    }

    @Test func neverTrapsOnRandomInput() {
        var jb = JB()
        var rng = SystemRandomNumberGenerator()
        for i in 0..<5_000 {
            jb.insert(sequenceNumber: UInt16.random(in: 0...UInt16.max, using: &rng), timestamp: UInt32.random(in: 0...UInt32.max, using: &rng),
                      ssrc: UInt32.random(in: 0...3, using: &rng), payload: [], arrivalNanoseconds: UInt64(i) * 20_000_000)
            _ = jb.pull()
        }
        #expect(jb.statistics.depth >= 0 && jb.statistics.depth <= jb.configuration.capacity)
    }
}
