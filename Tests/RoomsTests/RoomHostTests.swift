import Rooms
import Testing

/// The in-room lobby switch and handing the host role over.
@Suite struct RoomHostTests {
    @Test func aModeratorTurnsTheLobbyOnAndOff() async throws {
        let (room, media) = try await makeRoom(lobby: false)
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        await #expect(throws: RoomError.forbidden) { try await room.setLobby(by: bobID, enabled: true) }

        try await room.setLobby(by: adaID, enabled: true)
        #expect(await room.info.lobbyEnabled)
        let info = await room.info
        #expect(bob.events.last == .roomUpdated(info))

        // Newcomers now wait.
        let cy = RecordingConnection(), dee = RecordingConnection()
        let cyID = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: cy)
        let deeID = try await room.join(JoinRequest(displayName: "Dee", userId: "u4", role: .participant), connection: dee)
        #expect(cy.events == [.lobbyWaiting] && dee.events == [.lobbyWaiting])
        #expect(await room.participantCount == 2)

        // Turning it off lets everyone waiting in, and the lobby list empties.
        try await room.setLobby(by: adaID, enabled: false)
        #expect(await !room.info.lobbyEnabled)
        #expect(cy.joined != nil && dee.joined != nil)
        #expect(await room.participantCount == 4)
        #expect(ada.events.last == .lobbyUpdated([]))
        #expect(ada.events.contains { if case .participantJoined(let p) = $0 { p.id == cyID } else { false } })
        #expect(ada.events.contains { if case .participantJoined(let p) = $0 { p.id == deeID } else { false } })
    }

    @Test func theHostHandsTheRoleToSomeoneSignedIn() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection(), cy = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: "u2", role: .participant), connection: bob)
        let cyID = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: cy)

        // Only the host may, only to someone signed in who is here.
        await #expect(throws: RoomError.self) { try await room.transferHost(by: bobID, to: cyID) }
        await #expect(throws: RoomError.self) { try await room.transferHost(by: adaID, to: cyID) }
        await #expect(throws: RoomError.noSuchParticipant) { try await room.transferHost(by: adaID, to: "p-gone") }
        await #expect(throws: RoomError.noSuchParticipant) { try await room.transferHost(by: adaID, to: adaID) }

        try await room.transferHost(by: adaID, to: bobID)
        let roles = cy.events.compactMap { if case .participantUpdated(let p) = $0 { (p.id, p.role) } else { nil } }
        #expect(roles.contains { $0.0 == bobID && $0.1 == .host })
        #expect(roles.contains { $0.0 == adaID && $0.1 == .cohost })
        // Bob now has every host control; Ada, a co-host, can no longer name co-hosts.
        try await room.setCohost(by: bobID, target: cyID, cohost: true)
        await #expect(throws: RoomError.self) { try await room.setCohost(by: adaID, target: cyID, cohost: false) }
        // The former host leaves; the meeting carries on with Bob as host.
        await room.leave(adaID)
        try await room.setLocked(by: bobID, locked: true)
        #expect(await room.info.locked)
    }
}
