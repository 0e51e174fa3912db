import Testing
@testable import Audio

/// How long the buffer holds frames against a 20 ms tick: a sender whose clock
/// runs against ours, and one on a jittery path, simulated without sockets.
@Suite struct JitterBufferLatencyTests {
    /// What a simulated call saw.
    struct Run {
        /// Tick time minus arrival time of every frame played, in ms.
        var delays: [Double] = []
        var statistics = JitterBuffer.Statistics()

        var median: Double { delays.sorted()[delays.count / 2] }
    }

    /// Feeds `seconds` of 20 ms packets into a buffer pulled every 20 ms.
    /// Packet `i` arrives at `offset + i × 20 × (1 + drift) + jitter(i)` ms;
    /// ticks fall on multiples of 20 ms.
    func simulate(seconds: Int, offset: Double, drift: Double = 0, jitter: (Int) -> Double = { _ in 0 },
                  configuration: JitterBuffer.Configuration = .init()) -> Run {
        var jb = JitterBuffer(configuration: configuration)
        var arrivals: [(time: Double, seq: Int)] = []
        let packets = seconds * 50
        for i in 0..<packets {
            arrivals.append((offset + Double(i) * 20 * (1 + drift) + jitter(i), i))
        }
        arrivals.sort { $0.time < $1.time }
        var arrivedAt: [Int: Double] = [:]
        var run = Run()
        var next = 0
        for tick in 1...(packets + 20) {
            let now = Double(tick) * 20
            while next < arrivals.count, arrivals[next].time < now {
                let (time, seq) = arrivals[next]
                arrivedAt[seq] = time
                jb.insert(sequenceNumber: UInt16(truncatingIfNeeded: seq), timestamp: UInt32(seq * 160), ssrc: 7,
                          payload: [0], arrivalNanoseconds: UInt64(time * 1_000_000))
                next += 1
            }
            if case .frame(let packet) = jb.pull() {
                // Sequence numbers stay under 65,536 in these runs.
                if let arrived = arrivedAt[Int(packet.sequenceNumber)] { run.delays.append(now - arrived) }
            }
        }
        run.statistics = jb.statistics
        return run
    }

    @Test("a steady sender is played at the next tick once the buffer has seen 5 s without a late packet")
    func steadySenderPlaysAtTheNextTick() {
        for offset in [0.5, 7.0, 13.0, 19.5] {
            let run = simulate(seconds: 30, offset: offset)
            #expect(run.statistics.lost == 0)
            #expect(run.statistics.late == 0)
            #expect(run.statistics.targetFrames == 0)
            // 20 - offset: the wait for the tick after the packet arrived.
            #expect(abs(run.median - (20 - offset)) < 0.01, "offset \(offset): median \(run.median) ms")
            #expect(run.delays.last! < 20)
        }
    }

    @Test("a sender whose clock runs 0.05 % fast or slow costs a frame now and then, never a growing delay")
    func driftingSenderSettles() {
        for drift in [0.0005, -0.0005] {
            // 0.05 % = 10 µs per packet: the phase crosses a tick every 40 s.
            let run = simulate(seconds: 120, offset: 10, drift: drift)
            let played = run.delays.count
            #expect(run.statistics.lost + run.statistics.discarded <= 6, "drift \(drift): \(run.statistics)")
            #expect(played >= 120 * 50 - 12)
            #expect(run.delays.max()! <= 41, "drift \(drift): max \(run.delays.max()!) ms")
            #expect(run.median < 25)
        }
    }

    @Test("a path where a packet runs 25 ms late every 3 s settles a frame later instead of concealing every few seconds")
    func recurringLatenessBacksOff() {
        // The phase leaves 10 ms of slack; every 150th packet is 25 ms late.
        let run = simulate(seconds: 180, offset: 10, jitter: { $0 % 150 == 149 ? 25 : 0 })
        // Without the back-off the target shrank back every 5 s and the next
        // spike cost a concealed frame and two 20 ms shifts, 30+ times.
        #expect(run.statistics.underruns + run.statistics.lost <= 8, "\(run.statistics)")
        #expect(run.statistics.discarded <= 8, "\(run.statistics)")
    }

    @Test("after a 200 ms stall and a burst, playout drops the backlog at once instead of running 200 ms late for seconds")
    func stallThenBurstResyncsAtOnce() {
        // Packets 100-109 are held 200 ms and arrive together with 110.
        let run = simulate(seconds: 10, offset: 10, jitter: { (100..<110).contains($0) ? Double(110 - $0) * 20 : 0 })
        #expect(run.statistics.discarded >= 8 && run.statistics.discarded <= 12, "\(run.statistics)")
        // Every frame played after the burst is back within two ticks of its arrival.
        let afterBurst = run.delays.suffix(run.delays.count - 105)
        #expect(afterBurst.allSatisfy { $0 <= 40 }, "late frames after the burst: \(afterBurst.filter { $0 > 40 }.count)")
    }

    @Test("on a path with 30 ms of jitter the playout point moves back to where packets arrive in time")
    func jitteryPathGrows() {
        // ±15 ms of jitter (deterministic pseudo-random sequence).
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var table: [Double] = []
        for _ in 0..<3_000 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            table.append(Double(state >> 33) / Double(1 << 31) * 30 - 15)
        }
        let run = simulate(seconds: 60, offset: 10, jitter: { table[$0] })
        // Every concealed frame: a packet lost, or a tick that found its slot empty.
        let concealed = Double(run.statistics.lost + run.statistics.underruns) / Double(60 * 50)
        #expect(concealed < 0.01, "concealed \(concealed), \(run.statistics)")
        #expect(run.statistics.lost == 0)
        // The playout point sits past the jitter (30 ms wide), not far past it.
        #expect(run.median > 20 && run.median < 40, "median \(run.median) ms")
    }
}
