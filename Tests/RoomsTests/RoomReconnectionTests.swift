import Foundation
import Logging
import NIOPosix
import Rooms
import SFU
import Testing

/// Staying in the meeting: a dropped connection keeps its place for the
/// grace period and resumes as the same participant; media restarts without
/// a new join.
@Suite("Room reconnection")
struct RoomReconnectionTests {
    static func registry(grace: Duration = .seconds(60)) async throws -> (RoomRegistry, MediaNode) {
        var logger = Logger(label: "rooms-reconnect-test")
        logger.logLevel = .critical
        let media = try MediaNode(configuration: MediaConfiguration(host: "127.0.0.1", port: 0),
                                  eventLoop: MultiThreadedEventLoopGroup.singleton.next(), logger: logger)
        try await media.start()
        let rooms = RoomRegistry(media: media, reconnectGrace: grace, logger: logger)
        await rooms.start()
        return (rooms, media)
    }

    static func info(locked: Bool = false, lobby: Bool = false) -> RoomInfo {
        RoomInfo(meetingId: "m-rc-\(UInt32.random(in: 0...UInt32.max))", code: "abc-defg-hij", title: "Resume",
                 locked: locked, lobbyEnabled: lobby)
    }

    static func updates(of id: String, in c: RecordingConnection) -> [ParticipantSummary] {
        c.events.compactMap { if case .participantUpdated(let p) = $0, p.id == id { p } else { nil } }
    }

    static func resumed(_ c: RecordingConnection) -> (JoinedState, Bool)? {
        for case .resumed(let s, let reset) in c.events { return (s, reset) }
        return nil
    }

    static func ufrag(_ sdp: String) -> String? {
        sdp.split(separator: "\r\n").first { $0.hasPrefix("a=ice-ufrag:") }.map { String($0.dropFirst(12)) }
    }

    @Test("a dropped connection shows as reconnecting and resumes as the same participant, hand and role kept")
    func droppedConnectionResumesInPlace() async throws {
        let (rooms, media) = try await Self.registry()
        defer { Task { await media.stop() } }
        let info = Self.info()
        let host = RecordingConnection()
        let (room, hostID) = try await rooms.join(info, JoinRequest(displayName: "Host", userId: "u1", role: .host), connection: host)
        let guest = RecordingConnection()
        let (_, guestID) = try await rooms.join(info, JoinRequest(displayName: "Gia", userId: nil, role: .guest), connection: guest)
        try await room.raiseHand(hostID, raised: true)
        guest.clear()

        await room.connectionLost(hostID, epoch: 0)
        let marked = try #require(Self.updates(of: hostID, in: guest).last)
        #expect(marked.reconnecting)
        #expect(await room.participantCount == 2)

        let back = RecordingConnection()
        let (same, epoch, resumed) = try await rooms.resume(
            info, JoinRequest(displayName: "Host", userId: "u1", role: .host, participantID: hostID),
            connection: back, keepMedia: true)
        #expect(resumed)
        #expect(same === room)
        #expect(epoch == 1)
        #expect(host.isClosed, "the old connection is let go")
        let (state, reset) = try #require(Self.resumed(back))
        #expect(state.participantId == hostID)
        #expect(state.role == .host)
        #expect(state.handRaised)
        #expect(state.participants.map(\.id).contains(guestID))
        #expect(!reset, "their transports are alive and their browser keeps its peer connections")
        #expect(Self.updates(of: hostID, in: guest).last?.reconnecting == false)
        // Host rights came back with them.
        try await room.setLocked(by: hostID, locked: true)

        // The old socket ending late changes nothing; the new one's end does.
        guest.clear()
        await room.connectionLost(hostID, epoch: 0)
        #expect(Self.updates(of: hostID, in: guest).isEmpty)
        await room.connectionLost(hostID, epoch: epoch)
        #expect(Self.updates(of: hostID, in: guest).last?.reconnecting == true)
    }

    @Test("when the grace period ends, everyone is told the person left with the connection lost")
    func graceExpiryMeansConnectionLost() async throws {
        let (rooms, media) = try await Self.registry(grace: .milliseconds(200))
        defer { Task { await media.stop() } }
        let info = Self.info()
        let a = RecordingConnection()
        let (room, aID) = try await rooms.join(info, JoinRequest(displayName: "A", userId: nil, role: .guest), connection: a)
        let b = RecordingConnection()
        _ = try await rooms.join(info, JoinRequest(displayName: "B", userId: nil, role: .guest), connection: b)
        await room.connectionLost(aID, epoch: 0)
        // The grace timer and the leave run on a busy pool in a full test run:
        // wait for what B is told (it comes after the transports close), up to 20 s.
        func left() -> [(String, String)] {
            b.events.compactMap { if case .participantLeft(let id, let reason) = $0 { (id, reason) } else { nil } }
        }
        for _ in 0..<1000 where left().isEmpty { try await Task.sleep(for: .milliseconds(20)) }
        #expect(await !room.holds(aID))
        let left = left()
        #expect(left.count == 1)
        #expect(left.first?.0 == aID)
        #expect(left.first?.1 == "connection_lost")
        #expect(!b.events.contains { if case .removed = $0 { true } else { false } })
        // Everyone was told they left: their token no longer brings them back.
        await #expect(throws: RoomError.connectionLost) {
            _ = try await rooms.resume(info, JoinRequest(displayName: "A", userId: nil, role: .guest, participantID: aID),
                                       connection: RecordingConnection(), keepMedia: false)
        }
    }

    @Test("after the room forgot them (a server restart), a resume joins as the same person, past lock and lobby")
    func resumeAfterARestartRejoinsAsTheSamePerson() async throws {
        let (rooms, media) = try await Self.registry()
        defer { Task { await media.stop() } }
        let info = Self.info(locked: true, lobby: true)
        // Somebody is already back and moderating; the returning guest must not wait in the lobby.
        let host = RecordingConnection()
        let (room, _) = try await rooms.join(info, JoinRequest(displayName: "Host", userId: "u1", role: .host), connection: host)
        try await room.setLocked(by: try #require(host.joined?.participantId), locked: true)
        let back = RecordingConnection()
        let (same, _, resumed) = try await rooms.resume(
            info, JoinRequest(displayName: "Gia", userId: nil, role: .cohost, participantID: "p-gia-0001"),
            connection: back, keepMedia: true)
        #expect(!resumed)
        #expect(same === room)
        let joined = try #require(back.joined)
        #expect(joined.participantId == "p-gia-0001")
        #expect(joined.role == .cohost)
        #expect(!back.events.contains(.lobbyWaiting))
    }

    @Test("someone a host removed cannot come back with their resume token")
    func removedPeopleCannotResume() async throws {
        let (rooms, media) = try await Self.registry()
        defer { Task { await media.stop() } }
        let info = Self.info()
        let host = RecordingConnection()
        let (room, hostID) = try await rooms.join(info, JoinRequest(displayName: "Host", userId: "u1", role: .host), connection: host)
        let guest = RecordingConnection()
        let (_, guestID) = try await rooms.join(info, JoinRequest(displayName: "G", userId: nil, role: .guest), connection: guest)
        try await room.hostRemove(by: hostID, target: guestID)
        await #expect(throws: RoomError.removed) {
            _ = try await rooms.resume(info, JoinRequest(displayName: "G", userId: nil, role: .guest, participantID: guestID),
                                       connection: RecordingConnection(), keepMedia: false)
        }
    }

    /// Two guests in a fresh room, A publishing camera and microphone; B has
    /// the subscribe offer for A's tracks, unanswered.
    struct TwoGuests {
        let rooms: RoomRegistry, media: MediaNode, info: RoomInfo, room: Room
        let a: RecordingConnection, aID: String, b: RecordingConnection, bID: String
    }

    static func twoGuestsAPublishing() async throws -> TwoGuests {
        let (rooms, media) = try await registry()
        let info = Self.info()
        let a = RecordingConnection()
        let (room, aID) = try await rooms.join(info, JoinRequest(displayName: "A", userId: nil, role: .guest), connection: a)
        let b = RecordingConnection()
        let (_, bID) = try await rooms.join(info, JoinRequest(displayName: "B", userId: nil, role: .guest), connection: b)
        _ = try await room.publish(aID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        return TwoGuests(rooms: rooms, media: media, info: info, room: room, a: a, aID: aID, b: b, bID: bID)
    }

    @Test("a resume with live media keeps the transports; without, fresh ones and a new subscribe offer")
    func mediaIsKeptOrReset() async throws {
        let t = try await Self.twoGuestsAPublishing()
        let (rooms, media, info, room, aID, b, bID) = (t.rooms, t.media, t.info, t.room, t.aID, t.b, t.bID)
        defer { Task { await media.stop() } }
        let offer = try #require(b.subscribeOffers.last)
        try await room.subscribeAnswer(bID, sdp: chromeAnswer(to: offer.sdp))

        // B's socket blinks; its peer connections live: nothing is renegotiated.
        await room.connectionLost(bID, epoch: 0)
        let kept = RecordingConnection()
        _ = try await rooms.resume(info, JoinRequest(displayName: "B", userId: nil, role: .guest, participantID: bID),
                                   connection: kept, keepMedia: true)
        let (_, reset) = try #require(Self.resumed(kept))
        #expect(!reset)
        // The offer is sent again (the old socket may have lost it), same ICE credentials.
        let again = try #require(kept.subscribeOffers.last)
        #expect(Self.ufrag(again.sdp) == Self.ufrag(offer.sdp))
        #expect(again.tracks.count == 2)

        // A comes back with fresh peer connections: A's tracks leave the
        // room until A publishes again, and B (on its new connection) hears of it.
        kept.clear()
        b.clear()
        await room.connectionLost(aID, epoch: 0)
        let fresh = RecordingConnection()
        _ = try await rooms.resume(info, JoinRequest(displayName: "A", userId: nil, role: .guest, participantID: aID),
                                   connection: fresh, keepMedia: false)
        let (_, resetA) = try #require(Self.resumed(fresh))
        #expect(resetA)
        #expect(Self.updates(of: aID, in: kept).last?.producers.isEmpty == true)
        _ = try await room.publish(aID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        #expect(Self.updates(of: aID, in: kept).last?.producers.count == 2)
        #expect(b.events.isEmpty, "B's old connection hears nothing more")
    }

    @Test("an ICE restart of the subscribe side sends an offer with new credentials, after any offer in flight")
    func iceRestartOffersNewCredentials() async throws {
        let t = try await Self.twoGuestsAPublishing()
        let (media, room, b, bID) = (t.media, t.room, t.b, t.bID)
        defer { Task { await media.stop() } }
        let first = try #require(b.subscribeOffers.last)
        // Asked while the first offer is unanswered: it waits for the answer.
        try await room.restartICE(bID)
        #expect(b.subscribeOffers.count == 1)
        try await room.subscribeAnswer(bID, sdp: chromeAnswer(to: first.sdp))
        let restarted = try #require(b.subscribeOffers.last)
        #expect(b.subscribeOffers.count == 2)
        #expect(Self.ufrag(restarted.sdp) != Self.ufrag(first.sdp))
        #expect(restarted.tracks.map(\.producerId).sorted() == first.tracks.map(\.producerId).sorted())
        // The browser answers with its own new credentials: accepted.
        let answer = chromeAnswer(to: restarted.sdp).replacingOccurrences(of: "a=ice-ufrag:wxyz", with: "a=ice-ufrag:wxy2")
        try await room.subscribeAnswer(bID, sdp: answer)
        // Changed credentials without a restart are refused.
        await #expect(throws: RoomError.self) {
            try await room.subscribeAnswer(bID, sdp: chromeAnswer(to: restarted.sdp).replacingOccurrences(of: "a=ice-ufrag:wxyz", with: "a=ice-ufrag:qqq1"))
        }
    }

    @Test("a browser's publish re-offer with new ICE credentials is answered with new credentials of Parley's")
    func publishICERestart() async throws {
        let (room, media) = try await makeRoom()
        defer { Task { await media.stop() } }
        let a = RecordingConnection()
        let aID = try await room.join(JoinRequest(displayName: "A", userId: nil, role: .guest), connection: a)
        let first = try await room.publish(aID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        let same = try await room.publish(aID, sdp: chromeOffer(), tracks: ["0": .microphone, "1": .camera])
        #expect(Self.ufrag(same) == Self.ufrag(first))
        let restartOffer = chromeOffer().replacingOccurrences(of: "a=ice-ufrag:abcd", with: "a=ice-ufrag:efgh")
            .replacingOccurrences(of: "a=ice-pwd:abcdefghijklmnopqrstuvwx", with: "a=ice-pwd:zyxwvutsrqponmlkjihgfedc")
        let restarted = try await room.publish(aID, sdp: restartOffer, tracks: ["0": .microphone, "1": .camera])
        #expect(Self.ufrag(restarted) != Self.ufrag(first))
        // A new certificate is not an ICE restart: refused.
        let otherCert = chromeOffer(fingerprint: (0..<32).map { String(format: "%02X", 255 - $0) }.joined(separator: ":"))
            .replacingOccurrences(of: "a=ice-ufrag:abcd", with: "a=ice-ufrag:ijkl")
        await #expect(throws: RoomError.self) {
            _ = try await room.publish(aID, sdp: otherCert, tracks: ["0": .microphone, "1": .camera])
        }
    }
}
