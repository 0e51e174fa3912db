import Rooms
import Testing

@Suite struct RoomReactionTests {
    @Test func aReactionReachesEveryoneAndOnlyAllowedEmojiPass() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        _ = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)

        try await room.react(adaID, emoji: "👏")
        #expect(ada.events.last == .reaction(participantId: adaID, emoji: "👏"))
        #expect(bob.events.last == .reaction(participantId: adaID, emoji: "👏"))

        bob.clear()
        for bad in ["", "hello", "👏👏", "<b>", "🦄"] {
            await #expect(throws: RoomError.self) { try await room.react(adaID, emoji: bad) }
        }
        #expect(bob.events.isEmpty)
        await #expect(throws: RoomError.notInRoom) { try await room.react("p-nobody", emoji: "👍") }
    }

    @Test func reactionsAreRateLimitedPerParticipant() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        let start = ContinuousClock.now
        for i in 0..<Room.reactionBurst {
            try await room.react(adaID, emoji: "🎉", now: start + .milliseconds(i * 10))
        }
        let refused = await #expect(throws: RoomError.self) {
            try await room.react(adaID, emoji: "🎉", now: start + .milliseconds(100))
        }
        #expect(refused?.code == "rate_limited")
        // Someone else is not held back by Ada's burst.
        try await room.react(bobID, emoji: "👍", now: start + .milliseconds(100))
        // Once the window has passed, Ada may react again.
        try await room.react(adaID, emoji: "🎉", now: start + Room.reactionWindow + .milliseconds(100))
        let count = bob.events.filter { if case .reaction(adaID, _) = $0 { true } else { false } }.count
        #expect(count == Room.reactionBurst + 1)
    }

    @Test func someoneInTheLobbyCannotReact() async throws {
        let (room, media) = try await makeRoom(lobby: true)
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection()
        _ = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        await #expect(throws: RoomError.notInRoom) { try await room.react(bobID, emoji: "👍") }
        #expect(!ada.events.contains { if case .reaction = $0 { true } else { false } })
    }
}
