import Rooms
import SFU
import Testing

@Suite struct RoomTests {
    @Test func joiningShowsEveryoneAndChatReachesLateJoiners() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection(), cy = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        #expect(ada.joined?.participants.map(\.displayName) == ["Ada"])
        #expect(bob.joined?.participants.map(\.id) == [adaID, bobID])
        #expect(ada.events.contains { if case .participantJoined(let p) = $0 { p.id == bobID } else { false } })

        try await room.sendChat(bobID, text: "  hello  ")
        #expect(ada.events.contains { if case .chat(let m) = $0 { m.text == "hello" && m.displayName == "Bob" } else { false } })
        await #expect(throws: RoomError.self) { try await room.sendChat(bobID, text: "   ") }
        await #expect(throws: RoomError.self) { try await room.sendChat(bobID, text: String(repeating: "x", count: 2001)) }

        _ = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: cy)
        #expect(cy.joined?.chat.map(\.text) == ["hello"])

        await room.leave(bobID)
        #expect(ada.events.contains { if case .participantLeft(let id, "left") = $0 { id == bobID } else { false } })
        #expect(await room.participantCount == 2)
    }

    @Test func publishingOffersTheTrackToOthersAndMuteIsShown() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        let answer = try await room.publish(adaID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        #expect(answer.contains("a=recvonly") && answer.contains("a=ice-lite"))

        // Bob is offered both of Ada's tracks, labelled with whose they are.
        let offer = try #require(bob.subscribeOffers.last)
        #expect(Set(offer.tracks.map(\.source)) == ["microphone", "camera"])
        #expect(offer.tracks.allSatisfy { $0.participantId == adaID })
        // Ada is offered nothing of her own.
        #expect(ada.subscribeOffers.isEmpty)
        try await room.subscribeAnswer(bobID, sdp: chromeAnswer(to: offer.sdp))

        bob.clear()
        try await room.setMuted(adaID, source: .microphone, muted: true)
        let update = bob.events.compactMap { if case .participantUpdated(let p) = $0 { p } else { nil } }.last
        #expect(update?.audioMuted == true)
        #expect(update?.videoMuted == false)
        await #expect(throws: RoomError.self) { try await room.setMuted(bobID, source: .camera, muted: true) }

        // A wrong source for a mid is refused with a clear message, not stored.
        await #expect(throws: RoomError.self) {
            _ = try await room.publish(bobID, sdp: chromeOffer(), tracks: ["0": .camera, "1": .microphone])
        }

        // Ada leaves: Bob's next offer drops her tracks.
        bob.clear()
        await room.leave(adaID)
        let after = try #require(bob.subscribeOffers.last)
        #expect(after.tracks.isEmpty)
    }

    @Test func hostControlsNeedAModerator() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection(), cy = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: "u2", role: .participant), connection: bob)
        let cyID = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: cy)

        await #expect(throws: RoomError.forbidden) { try await room.hostRemove(by: bobID, target: cyID) }
        await #expect(throws: RoomError.forbidden) { try await room.setLocked(by: cyID, locked: true) }
        await #expect(throws: RoomError.forbidden) { try await room.end(by: cyID) }
        await #expect(throws: RoomError.self) { try await room.setCohost(by: bobID, target: cyID, cohost: true) }

        // The host names Bob co-host: he may now lock, but not remove the host.
        try await room.setCohost(by: adaID, target: bobID, cohost: true)
        try await room.setLocked(by: bobID, locked: true)
        #expect(await room.info.locked)
        await #expect(throws: RoomError.self) { try await room.hostRemove(by: bobID, target: adaID) }

        // Locked: a guest cannot come in; the host can.
        await #expect(throws: RoomError.locked) {
            _ = try await room.join(JoinRequest(displayName: "Dee", userId: nil, role: .guest), connection: RecordingConnection())
        }

        // Remove Cy: told, closed, and the others see why.
        try await room.hostRemove(by: bobID, target: cyID)
        #expect(cy.events.contains(.removed(reason: "removed")))
        #expect(cy.isClosed)
        #expect(ada.events.contains(.participantLeft(participantId: cyID, reason: "removed")))
        // And Cy cannot come back while the meeting is locked.
        await #expect(throws: RoomError.locked) {
            _ = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: RecordingConnection())
        }

        try await room.end(by: adaID)
        #expect(ada.events.last == .ended && bob.events.last == .ended)
        #expect(ada.isClosed && bob.isClosed)
        await #expect(throws: RoomError.ended) {
            _ = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: RecordingConnection())
        }
    }

    @Test func theLobbyHoldsGuestsUntilAHostDecides() async throws {
        let (room, media) = try await makeRoom(lobby: true)
        defer { Task { await media.stop() } }
        let ada = RecordingConnection(), bob = RecordingConnection(), cy = RecordingConnection()
        let adaID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: ada)
        #expect(ada.joined != nil)  // hosts never wait
        let bobID = try await room.join(JoinRequest(displayName: "Bob", userId: nil, role: .guest), connection: bob)
        let cyID = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: cy)
        #expect(bob.events == [.lobbyWaiting])
        #expect(ada.events.last == .lobbyUpdated([LobbyEntry(participantId: bobID, displayName: "Bob"),
                                                   LobbyEntry(participantId: cyID, displayName: "Cy")]))
        // Waiting people are not in the room and cannot act.
        #expect(await room.participantCount == 1)
        await #expect(throws: RoomError.self) { try await room.sendChat(bobID, text: "let me in") }

        try await room.admit(by: adaID, target: bobID, admit: true)
        #expect(bob.joined?.participants.count == 2)
        try await room.admit(by: adaID, target: cyID, admit: false)
        #expect(cy.events.last == .lobbyDenied)
        #expect(cy.isClosed)
        #expect(ada.events.last == .lobbyUpdated([]))
        await #expect(throws: RoomError.self) { try await room.admit(by: bobID, target: cyID, admit: true) }
    }

    @Test func aFullRoomRefusesMore() async throws {
        let (room, media) = try await makeRoom(capacity: 2)
        defer { Task { await media.stop() } }
        _ = try await room.join(JoinRequest(displayName: "A", userId: nil, role: .guest), connection: RecordingConnection())
        _ = try await room.join(JoinRequest(displayName: "B", userId: nil, role: .guest), connection: RecordingConnection())
        await #expect(throws: RoomError.full) {
            _ = try await room.join(JoinRequest(displayName: "C", userId: nil, role: .guest), connection: RecordingConnection())
        }
    }
}
