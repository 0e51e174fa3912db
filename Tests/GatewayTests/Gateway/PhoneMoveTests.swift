import Foundation
import Gateway
import Rooms
import Synchronization
import Testing

/// A host moves a caller to another meeting: the call stays up, the caller
/// leaves one room and appears in the other, past its lobby.
@Suite(.serialized) struct PhoneMoveTests {
    final class Watcher: ParticipantConnection {
        let events = Mutex<[RoomEvent]>([])
        func deliver(_ event: RoomEvent) { events.withLock { $0.append(event) } }
        func close() {}
        var joined: JoinedState? {
            events.withLock { list in
                for case .joined(let s) in list { return s }
                return nil
            }
        }
    }

    static let other = DialInMeeting(meetingID: "m-other-\(UInt32.random(in: 0...UInt32.max))", code: "xyz-wxyz-xyz",
                                     dialInCode: "135790", title: "Other room", passcode: "4321", lobbyEnabled: true)

    func info(_ m: DialInMeeting) -> RoomInfo {
        RoomInfo(meetingId: m.meetingID, code: m.code, title: m.title, locked: false, lobbyEnabled: m.lobbyEnabled)
    }

    @Test func aHostMovesACallerToAnotherMeetingByItsLink() async throws {
        let directory = FixedDirectory(meetings: [GatewayFixture.meeting.dialInCode: GatewayFixture.meeting,
                                                  Self.other.dialInCode: Self.other])
        let f = try await GatewayFixture.start(directory: directory)
        defer { Task { await f.stop() } }
        let phone = try f.phone()
        #expect(try await phone.call(sdp: phone.offer())?.status == 200)
        phone.startMedia(tone: 1000)
        defer { phone.stop() }

        // The host in the first meeting finds the caller there.
        let host = Watcher()
        let (room, hostID) = try await f.rooms.join(info(GatewayFixture.meeting),
                                                    JoinRequest(displayName: "Hana", userId: "u-h", role: .host), connection: host)
        var callerID: String?
        for _ in 0..<100 {
            callerID = host.events.withLock { list in
                list.compactMap { event -> String? in
                    switch event {
                    case .joined(let s): s.participants.first { $0.role == .phone }?.id
                    case .participantJoined(let p) where p.role == .phone: p.id
                    default: nil
                    }
                }.first
            }
            if callerID != nil { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        let caller = try #require(callerID)

        // Someone waits in the other meeting (it has a lobby and a passcode: a moved caller skips both).
        let other = Watcher()
        let (otherRoom, otherID) = try await f.rooms.join(info(Self.other),
                                                          JoinRequest(displayName: "Olga", userId: "u-o", role: .host),
                                                          connection: other)
        let notices = Mutex<[String]>([])
        try await f.gateway.move(participantID: caller, in: info(GatewayFixture.meeting),
                                 toMeeting: "https://parley.example/m/\(Self.other.code)", notify: { n in notices.withLock { $0.append(n) } })
        var arrived = false
        for _ in 0..<100 {
            arrived = other.events.withLock { $0.contains { if case .participantJoined(let p) = $0 { p.role == .phone } else { false } } }
            if arrived { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(arrived, "the caller did not reach the other meeting")
        #expect(host.events.withLock { $0.contains { if case .participantLeft(let id, let reason) = $0 { id == caller && reason == "moved" } else { false } } })
        #expect(notices.withLock { $0.count == 1 && $0[0].hasSuffix(" was moved to \u{201C}Other room\u{201D}.") }, "\(notices.withLock { $0 })")
        // The call is still up: the gateway keeps sending the phone its audio.
        #expect(try await phone.packets(during: .milliseconds(400)).count > 10, "the call ended")

        // A code nobody has is told, and nothing moves.
        notices.withLock { $0.removeAll() }
        await #expect(throws: RoomError.self, "the caller is no longer in the first meeting") {
            try await f.gateway.move(participantID: caller, in: info(GatewayFixture.meeting), toMeeting: "nop-nope-nop",
                                     notify: { _ in })
        }
        // From the meeting they are in now, an unknown code is told.
        let newID = try #require(other.events.withLock { list in
            list.compactMap { if case .participantJoined(let p) = $0, p.role == .phone { p.id } else { nil } }.first
        })
        try await f.gateway.move(participantID: newID, in: info(Self.other), toMeeting: "nop-nope-nop",
                                 notify: { n in notices.withLock { $0.append(n) } })
        for _ in 0..<50 where notices.withLock({ $0.isEmpty }) { try await Task.sleep(for: .milliseconds(20)) }
        #expect(notices.withLock { $0 } == ["No meeting has the code nop-nope-nop."])
        await room.leave(hostID)
        await otherRoom.leave(otherID)
    }
}
