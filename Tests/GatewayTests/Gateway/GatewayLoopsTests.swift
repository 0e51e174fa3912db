import Foundation
import Gateway
import Testing

/// The gateway on two loops: a meeting's callers are put together on the
/// loop that mixes it; a caller who reached the meeting through the prompt
/// on the other loop stays there and still hears, and is heard by, the
/// others (through the room, as browsers are).
@Suite(.serialized) struct GatewayLoopsTests {
    @Test func aMeetingsCallersLandTogetherAndACallerOnTheOtherLoopHearsThemBothWays() async throws {
        let f = try await GatewayFixture.start(loops: 2)
        defer { Task { await f.stop() } }
        let a = try f.phone()
        #expect(try await a.call(sdp: a.offer())?.status == 200)
        a.startMedia(tone: 1000)
        defer { a.stop() }
        // Once A is in and mixed, a second direct caller joins A's loop.
        try await Task.sleep(for: .seconds(1.5))
        let b = try f.phone()
        #expect(try await b.call(sdp: b.offer())?.status == 200)
        b.startMedia(tone: nil)
        defer { b.stop() }
        try await Task.sleep(for: .milliseconds(500))
        let together = await f.gateway.statistics().loops.map(\.calls).sorted()
        #expect(together == [0, 2], "the meeting's callers were split over the loops: \(together)")

        // A caller through the prompt goes to the idle loop and types the code.
        // The welcome plays as early media (183); a key answers the call (200).
        let p = try f.phone("parley")
        p.dialog.sendInvite(sdp: p.offer())
        let early = try #require(try await p.sip.receive(timeout: .seconds(5), where: { $0.status == 183 }))
        p.learnPort(from: early.body)
        p.startMedia(tone: nil)
        defer { p.stop() }
        #expect(await f.gateway.statistics().loops.map(\.calls).sorted() == [1, 2])
        try await p.press(GatewayFixture.meeting.dialInCode + "#")
        let answered = try #require(try await p.sip.receive(timeout: .seconds(5), where: { $0.status == 200 && $0.cseqMethod == "INVITE" }))
        p.dialog.toTag = answered.toTag
        p.dialog.sendAck(sdp: nil)
        // Past the prompts and chimes, P plays 440 Hz.
        try await Task.sleep(for: .seconds(4))
        p.setTone(440)
        try await Task.sleep(for: .seconds(1.5))
        let since = ContinuousClock.now
        try await Task.sleep(for: .seconds(1.5))
        let heardByP = p.heard(since: since), heardByA = a.heard(since: since)
        #expect(toneShare(heardByP, frequency: 1000) > 0.1, "the caller on the other loop does not hear A")
        #expect(toneShare(heardByA, frequency: 440) > 0.1, "A does not hear the caller on the other loop")
        #expect(toneShare(heardByP, frequency: 440) < 0.02, "P hears itself")
        #expect(await f.gateway.statistics().activeCalls == 3)
    }

    @Test("callers who dial a meeting at the same moment land on one loop, though their INVITEs reach different ones")
    func callersDiallingAtOnceLandTogether() async throws {
        let f = try await GatewayFixture.start(loops: 2)
        defer { Task { await f.stop() } }
        let phones = try (0..<4).map { _ in try f.phone() }
        defer { for p in phones { p.stop() } }
        // The INVITEs go out 5 ms apart: each is on a loop (the least busy
        // one then: they alternate) before the next, and all before the first
        // caller is in the room.
        let answers = try await withThrowingTaskGroup(of: Int?.self) { group in
            for (i, p) in phones.enumerated() {
                group.addTask {
                    try await Task.sleep(for: .milliseconds(5 * i))
                    return try await p.call(sdp: p.offer())?.status
                }
            }
            return try await group.reduce(into: [Int?]()) { $0.append($1) }
        }
        #expect(answers.allSatisfy { $0 == 200 }, "\(answers)")
        let loops = await f.gateway.statistics().loops.map(\.calls).sorted()
        #expect(loops == [0, 4], "the meeting's callers were split over the loops: \(loops)")
    }
}
