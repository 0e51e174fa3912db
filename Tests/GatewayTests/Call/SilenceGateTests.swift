import Testing
@testable import Gateway

@Suite struct SilenceGateTests {
    @Test("speech is always encoded; after 1 s of quiet only a keep-alive goes out every 400 ms")
    func quietCallerCostsAKeepAliveEvery400ms() {
        var gate = SilenceGate()
        #expect((0..<50).map { _ in gate.decide(level: 30) }.allSatisfy { $0 == .encode(marker: false) })
        let quiet = (0..<135).map { _ in gate.decide(level: 90) }
        // The pause's first second: 50 frames encoded.
        #expect(quiet[0..<50].allSatisfy { $0 == .encode(marker: false) })
        // Then one keep-alive every 20 frames and nothing else.
        let rest = Array(quiet[50...])
        #expect(rest.indices.filter { rest[$0] == .keepAlive } == [0, 20, 40, 60, 80])
        #expect(rest.filter { $0 == .skip }.count == 80)
        #expect(rest.count == 85)
        // Speech again: encoded at once, its first frame marked.
        #expect(gate.decide(level: 40) == .encode(marker: true))
        #expect(gate.decide(level: 40) == .encode(marker: false))
    }

    @Test("a short pause inside the hangover is encoded throughout and carries no marker")
    func shortPauseIsEncoded() {
        var gate = SilenceGate()
        _ = gate.decide(level: 30)
        #expect((0..<45).map { _ in gate.decide(level: 100) }.allSatisfy { $0 == .encode(marker: false) })
        #expect(gate.decide(level: 30) == .encode(marker: false))
    }

    @Test("a caller who never speaks costs keep-alives only, from the 51st frame")
    func silentFromTheStart() {
        var gate = SilenceGate()
        let decisions = (0..<95).map { _ in gate.decide(level: 127) }
        #expect(decisions.filter { $0 == .keepAlive }.count == 3)
        #expect(decisions.prefix(50).allSatisfy { $0 == .encode(marker: false) })
    }
}
