import Rooms
import Testing

/// Facts about a participant that only hosts and co-hosts see (a caller's
/// number, SIP headers the trunk sent).
@Suite struct RoomAttributeTests {
    func attributes(of id: String, in events: [RoomEvent]) -> [[String: String]?] {
        events.compactMap {
            switch $0 {
            case .participantJoined(let p) where p.id == id, .participantUpdated(let p) where p.id == id: p.attributes
            default: nil
            }
        }
    }

    @Test func onlyModeratorsSeeAttributesAndANewCohostGetsThem() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let host = RecordingConnection(), guest = RecordingConnection(), caller = RecordingConnection()
        let hostID = try await room.join(JoinRequest(displayName: "Ada", userId: "u1", role: .host), connection: host)
        let guestID = try await room.join(JoinRequest(displayName: "Bob", userId: "u2", role: .participant), connection: guest)
        let facts = ["Number": "+15557654321", "X-Customer-ID": "C-1042"]
        let callerID = try await room.join(JoinRequest(displayName: "…4321", userId: nil, role: .guest, attributes: facts),
                                           connection: caller)

        // Arrival: the host is told the facts, the participant is not.
        #expect(attributes(of: callerID, in: host.events) == [facts])
        #expect(attributes(of: callerID, in: guest.events) == [nil])
        // Nor does the caller see their own.
        #expect(caller.joined?.participants.first { $0.id == callerID }?.attributes == nil)

        // Someone arriving later: a moderator sees them in `joined`, others do not.
        let late = RecordingConnection(), lateHost = RecordingConnection()
        _ = try await room.join(JoinRequest(displayName: "Cy", userId: nil, role: .guest), connection: late)
        _ = try await room.join(JoinRequest(displayName: "Di", userId: "u4", role: .host), connection: lateHost)
        #expect(late.joined?.participants.first { $0.id == callerID }?.attributes == nil)
        #expect(lateHost.joined?.participants.first { $0.id == callerID }?.attributes == facts)

        // Updates go the same way.
        host.clear(); guest.clear()
        try await room.raiseHand(callerID, raised: true)
        #expect(attributes(of: callerID, in: host.events) == [facts])
        #expect(attributes(of: callerID, in: guest.events) == [nil])

        // Made co-host, Bob now sees them.
        guest.clear()
        try await room.setCohost(by: hostID, target: guestID, cohost: true)
        #expect(attributes(of: callerID, in: guest.events).contains(facts), "the new co-host was not shown the caller's facts")
    }
}
