import Audio
import NIOCore
import Testing
@testable import Gateway

/// Join and leave chimes as a caller hears them when a crowd arrives: no
/// sockets, a manual clock, the real chime and player.
@Suite struct ChimeGateTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test func aChimePerKindPerWindow() {
        var gate = ChimeGate()
        var heard: [Bool] = []
        heard.append(gate.shouldPlay(.join, now: start, busy: false))
        heard.append(gate.shouldPlay(.join, now: start + .milliseconds(500), busy: false))
        // A departure is other news: it chimes.
        heard.append(gate.shouldPlay(.leave, now: start + .milliseconds(600), busy: false))
        heard.append(gate.shouldPlay(.join, now: start + ChimeGate.window, busy: false))
        // Never queued behind what the caller already hears.
        heard.append(gate.shouldPlay(.leave, now: start + .seconds(10), busy: true))
        #expect(heard == [true, false, true, true, false])
        #expect(gate.folded == 2)
    }

    /// Twenty people join within four seconds: the caller hears two chimes
    /// (one per 2.5 s window), and the room is ducked for two chimes' length,
    /// never for seconds on end (it used to be twenty chimes, 6.4 s).
    @Test func twentyArrivalsPlayOneChimePerWindowAndTheRoomIsBarelyDucked() {
        var gate = ChimeGate()
        var player = PromptPlayer()
        let chime = ToneGenerator.joinChime()
        var frame = [Int16](repeating: 0, count: AudioFormat.frameSamples)
        var played = 0, duckedFrames = 0, longestDuck = 0, run = 0
        // 20 ms ticks over 6 s; someone joins every 200 ms for the first 4 s.
        for tick in 0..<300 {
            let now = start + .milliseconds(Int64(tick) * 20)
            if tick % 10 == 0, tick < 200, gate.shouldPlay(.join, now: now, busy: player.isPlaying) {
                player.enqueue(chime)
                played += 1
            }
            let ducked = frame.withUnsafeMutableBufferPointer { player.nextFrame(into: $0) }
            duckedFrames += ducked ? 1 : 0
            run = ducked ? run + 1 : 0
            longestDuck = max(longestDuck, run)
        }
        #expect(played == 2)
        #expect(gate.folded == 18)
        let chimeFrames = (chime.count + AudioFormat.frameSamples - 1) / AudioFormat.frameSamples
        #expect(duckedFrames == 2 * chimeFrames)
        #expect(longestDuck * 20 <= 400, "the room was ducked for \(longestDuck * 20) ms on end")
    }
}
