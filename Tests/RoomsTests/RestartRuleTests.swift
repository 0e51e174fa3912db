import Foundation
import Rooms
import Testing

@Suite("The five-minute restart rule")
struct RestartRuleTests {
    @Test("a meeting a host just ended reopens only for a moderator; after the grace period, for anyone")
    func restart() {
        let ended = Date(timeIntervalSince1970: 1_000_000)
        let soon = ended.addingTimeInterval(RoomRegistry.endedGracePeriod - 1)
        let later = ended.addingTimeInterval(RoomRegistry.endedGracePeriod)
        for role: ParticipantRole in [.guest, .participant, .phone] {
            #expect(!RoomRegistry.mayRestart(endedAt: ended, now: soon, role: role), "\(role)")
            #expect(RoomRegistry.mayRestart(endedAt: ended, now: later, role: role), "\(role)")
        }
        #expect(RoomRegistry.mayRestart(endedAt: ended, now: soon, role: .host))
        #expect(RoomRegistry.mayRestart(endedAt: ended, now: soon, role: .cohost))
        #expect(RoomRegistry.mayRestart(endedAt: nil, now: soon, role: .guest))
        #expect(RoomRegistry.endedGracePeriod == 300)
    }
}
