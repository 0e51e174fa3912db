import Testing
@testable import Gateway

@Suite struct SilenceGateTests {
    @Test("speech is always encoded; after 1 s of quiet every frame is the silence packet, and speech is encoded again at once")
    func quietCallerIsNotEncoded() {
        var gate = SilenceGate()
        #expect((0..<50).map { _ in gate.decide(level: 30) }.allSatisfy { $0 == .encode })
        let quiet = (0..<135).map { _ in gate.decide(level: 90) }
        // The pause's first second: 50 frames encoded; then none.
        #expect(quiet[0..<50].allSatisfy { $0 == .encode })
        #expect(quiet[50...].allSatisfy { $0 == .silence })
        #expect(gate.decide(level: 40) == .encode)
    }

    @Test("a short pause inside the hangover is encoded throughout")
    func shortPauseIsEncoded() {
        var gate = SilenceGate()
        _ = gate.decide(level: 30)
        #expect((0..<45).map { _ in gate.decide(level: 100) }.allSatisfy { $0 == .encode })
        #expect(gate.decide(level: 30) == .encode)
    }

    @Test("after frames with nothing to send (muted), quiet is not encoded at all")
    func interruptedStaysGated() {
        var gate = SilenceGate()
        _ = gate.decide(level: 30)
        gate.interrupted()
        #expect(gate.decide(level: 127) == .silence)
        #expect(gate.decide(level: 20) == .encode)
    }
}
