import Foundation
import Gateway
import Rooms
import Synchronization
import Testing

/// A PBX or trunk that carries the meeting in a header of its own and
/// vouches for the caller (RFC 3325 P-Asserted-Identity): the dialplan routes
/// on the header, and the room shows the asserted caller.
@Suite(.serialized) struct HeaderRoutingTests {
    final class Watcher: ParticipantConnection {
        let joined = Mutex<JoinedState?>(nil)
        func deliver(_ event: RoomEvent) {
            if case .joined(let state) = event { joined.withLock { $0 = state } }
        }
        func close() {}
    }

    @Test func aCallRoutedByXMeetingJoinsAndShowsTheAssertedCaller() async throws {
        let plan = try Dialplan(parsing: """
            header X-Meeting ~ ([0-9]{6,12}) => join $1
            any => reject 404
            """, fileName: "headers.dialplan")
        let f = try await GatewayFixture.start(dialplan: plan, callerHeaders: ["X-Customer-ID"])
        defer { Task { await f.stop() } }

        // No header: the dialplan's last rule refuses.
        let plain = try f.phone("frontdesk")
        #expect(try await plain.call(sdp: plain.offer())?.status == 404)

        let phone = try f.phone("frontdesk")
        phone.dialog.inviteHeaders = [
            "X-Meeting: \(GatewayFixture.meeting.dialInCode)",
            "P-Asserted-Identity: \"Bob Trunk\" <sip:+15557654321@trunk.example>",
            "X-Customer-ID: C-1042",
            "X-Internal: not for hosts",
        ]
        #expect(try await phone.call(sdp: phone.offer())?.status == 200)
        phone.startMedia(tone: nil)
        defer { phone.stop() }

        let info = RoomInfo(meetingId: GatewayFixture.meeting.meetingID, code: GatewayFixture.meeting.code,
                            title: GatewayFixture.meeting.title, locked: false, lobbyEnabled: false)
        let watcher = Watcher()
        var names: [String] = []
        for _ in 0..<50 {
            let (room, id) = try await f.rooms.join(info, JoinRequest(displayName: "Wes", userId: nil, role: .guest), connection: watcher)
            names = watcher.joined.withLock { $0?.participants.map(\.displayName) ?? [] }
            await room.leave(id)
            if names.contains("Bob Trunk") { break }
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(names.contains("Bob Trunk"), "the room shows \(names), not the asserted caller")

        // A host sees the caller's number and the chosen header; a guest sees neither.
        let host = Watcher()
        let (room, hostID) = try await f.rooms.join(info, JoinRequest(displayName: "Hana", userId: "u-h", role: .host), connection: host)
        let seen = host.joined.withLock { $0?.participants.first { $0.displayName == "Bob Trunk" }?.attributes }
        await room.leave(hostID)
        #expect(seen == ["Number": "+15557654321", "X-Customer-ID": "C-1042"])
        let guest = Watcher()
        let (room2, guestID) = try await f.rooms.join(info, JoinRequest(displayName: "Gus", userId: nil, role: .guest), connection: guest)
        let unseen = guest.joined.withLock { $0?.participants.first { $0.displayName == "Bob Trunk" } }
        await room2.leave(guestID)
        #expect(unseen != nil && unseen?.attributes == nil)
    }
}
