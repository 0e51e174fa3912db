import Foundation
@testable import Gateway
import Logging
import Meetings
import Rooms
import SFU
import Store
import StoreTesting
import Synchronization
import Testing

/// The phone door of the admission table through real SIP and RTP: a raw
/// phone dials a meeting's dial-in code (the default dialplan joins it
/// directly), presses its passcode as RFC 4733 events, and the gateway finds
/// the meeting through `StoreMeetingDirectory` over a real store. Expected
/// outcomes are those of the web door in `FrontDoorAdmissionTests` (which
/// also checks the typed reason of each refusal on the phone side).
@Suite("Phone door admission over SIP", .serialized)
struct PhoneAdmissionTests {
    enum Outcome: Equatable, Sendable {
        case admitted
        case lobby
        /// Answered, told why by a prompt, then hung up on (BYE).
        case refusedByPrompt
        /// Refused before an answer with this SIP status.
        case rejected(Int)
        /// Answered and asked for the passcode; nothing else happens until keys come.
        case askedForPasscode
    }

    enum Situation: Sendable { case open, cancelled, endedByHost, locked, full, lobbyWithHost }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var situation: Situation = .open
        var passcode: String?
        var requireSignIn = false
        var lobby = false
        var keys: String?
        var expected: Outcome
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "open meeting", expected: .admitted),
        Case(name: "cancelled", situation: .cancelled, expected: .rejected(404)),
        Case(name: "host ended it a moment ago", situation: .endedByHost, expected: .refusedByPrompt),
        Case(name: "locked", situation: .locked, expected: .refusedByPrompt),
        Case(name: "full", situation: .full, expected: .refusedByPrompt),
        Case(name: "passcode right", passcode: "2468", keys: "2468", expected: .admitted),
        Case(name: "passcode wrong", passcode: "2468", keys: "1357", expected: .refusedByPrompt),
        Case(name: "passcode missing", passcode: "2468", expected: .askedForPasscode),
        Case(name: "lobby on, host present", situation: .lobbyWithHost, lobby: true, expected: .lobby),
        Case(name: "requires sign-in, no passcode", requireSignIn: true, expected: .refusedByPrompt),
        Case(name: "requires sign-in with passcode", passcode: "2468", requireSignIn: true, keys: "2468", expected: .admitted),
    ]

    @Test("a raw SIP phone meets the same admission rules as a browser", arguments: cases)
    func phoneDoor(_ c: Case) async throws {
        try await TestDatabase.withStore(.sqlite) { store in
            let f = try await GatewayFixture.start(directory: StoreMeetingDirectory(store: store), roomCapacity: 2)
            defer { Task { await f.stop() } }
            let meeting = try await Self.meeting(c, store: store)
            let host = HostConnection()
            try await Self.arrange(c.situation, meeting: meeting, rooms: f.rooms, host: host)

            let phone = try f.phone(meeting.dialInCode)
            defer { phone.stop() }
            let answer = try await phone.call(sdp: phone.offer())
            let status = try #require(answer?.status)
            let outcome: Outcome
            if status != 200 {
                outcome = .rejected(status)
            } else {
                phone.startMedia(tone: nil)
                if let keys = c.keys {
                    try await Task.sleep(for: .milliseconds(300))
                    // A caller who hears "not right" tries the same digits again (three tries).
                    for _ in 0..<(c.expected == .refusedByPrompt ? CodePrompt.maximumTries : 1) {
                        try await phone.press(keys + "#")
                        try await Task.sleep(for: .milliseconds(200))
                    }
                }
                outcome = try await Self.watch(phone: phone, meetingID: meeting.id, rooms: f.rooms, host: host)
            }
            #expect(outcome == c.expected, "\(c.name)")
        }
    }

    // MARK: - Set-up

    static func meeting(_ c: Case, store: Store) async throws -> MeetingRecord {
        let user = try await store.createUser(username: "host", displayName: "Host", passwordHash: "x")
        let now = Timestamp.now
        var record = MeetingRecord(
            id: UUID().uuidString.lowercased(), code: "abc-defg-hij", dialInCode: String(Int.random(in: 1_000_000_000...9_999_999_999)),
            hostId: user.id, kind: MeetingRecord.instant, title: c.name, description: "", reminderMinutes: 0,
            createdAt: now, updatedAt: now)
        record.passcode = c.passcode
        record.requireSignIn = c.requireSignIn
        record.lobbyEnabled = c.lobby
        record = try await store.createMeeting(record, inviteeIds: [], codes: { ("abc-defg-hik", "1234512345") })
        if c.situation == .cancelled {
            record.cancelledAt = now
            _ = try await store.updateMeeting(record, inviteeIds: nil)
        }
        return record
    }

    /// What the host did before the call: joined, then ended, locked, or let a
    /// second person fill the room (capacity 2).
    static func arrange(_ situation: Situation, meeting: MeetingRecord, rooms: RoomRegistry, host: HostConnection) async throws {
        guard [.endedByHost, .locked, .full, .lobbyWithHost].contains(situation) else { return }
        let info = RoomInfo(meetingId: meeting.id, code: meeting.code, title: meeting.title, locked: false,
                            lobbyEnabled: meeting.lobbyEnabled)
        let room = try await rooms.room(for: info, joiningAs: .host)
        func enter(_ name: String, role: ParticipantRole, connection: any ParticipantConnection) async throws -> String {
            let transport = try await rooms.media.createLocalTransport(routerID: meeting.id, sink: { _ in })
            return try await room.join(JoinRequest(displayName: name, userId: nil, role: role, media: .local(transportID: transport.id)),
                                       connection: connection)
        }
        let hostID = try await enter("Host", role: .host, connection: host)
        switch situation {
        case .endedByHost:
            try await room.end(by: hostID)
            for _ in 0..<250 where (await rooms.existingRoom(meeting.id)) != nil { try await Task.sleep(for: .milliseconds(20)) }
        case .locked:
            try await room.setLocked(by: hostID, locked: true)
        case .full:
            _ = try await enter("Filler", role: .participant, connection: HostConnection())
        default:
            break
        }
    }

    // MARK: - Watching the call

    /// Waits up to 15 s for the call to settle: the caller in the room, in its
    /// lobby, or hung up on; a call that only waits for keys is asking for the passcode.
    static func watch(phone: RawPhone, meetingID: String, rooms: RoomRegistry, host: HostConnection) async throws -> Outcome {
        let deadline = ContinuousClock.now + .seconds(15)
        while ContinuousClock.now < deadline {
            if host.events.withLock({ $0.contains { if case .lobbyUpdated(let w) = $0 { !w.isEmpty } else { false } } }) {
                return .lobby
            }
            if host.events.withLock({ $0.contains { if case .participantJoined(let p) = $0 { p.role == .phone } else { false } } }) {
                return .admitted
            }
            if let room = await rooms.existingRoom(meetingID), await room.participantCount > 0, host.events.withLock({ $0.isEmpty }) {
                // No host in this room: the caller is its one visible participant.
                return .admitted
            }
            if try await phone.sip.receive(timeout: .milliseconds(200), where: { $0.method == "BYE" }) != nil {
                return .refusedByPrompt
            }
        }
        // Fifteen seconds neither in nor out: the caller is still at the passcode prompt.
        return .askedForPasscode
    }

    /// A host (or filler) in the room, keeping what the room tells them.
    final class HostConnection: ParticipantConnection {
        let events = Mutex<[RoomEvent]>([])
        func deliver(_ event: RoomEvent) { events.withLock { $0.append(event) } }
        func close() {}
    }
}

extension RawPhone {
    /// Presses keys as RFC 4733 telephone-events (payload type 101, as
    /// `offer()` declares it): per key, the end packet three times with one
    /// RTP timestamp (RFC 4733 §2.5.1.4), which the gateway counts as one press.
    func press(_ keys: String) async throws {
        for key in keys {
            let event: UInt8 = switch key {
            case "*": 10
            case "#": 11
            default: UInt8(String(key)) ?? 0
            }
            let timestamp = UInt32.random(in: 1...UInt32.max)
            let sequence = UInt16.random(in: 0...UInt16.max)
            for n in 0..<3 {
                let seq = sequence &+ UInt16(n)
                var packet: [UInt8] = [0x80, 101 | (n == 0 ? 0x80 : 0), UInt8(seq >> 8), UInt8(seq & 0xFF)]
                packet += [UInt8(timestamp >> 24), UInt8((timestamp >> 16) & 0xFF), UInt8((timestamp >> 8) & 0xFF), UInt8(timestamp & 0xFF)]
                packet += [0x12, 0x34, 0x56, 0x78]
                // event, E bit + volume 10, duration 800 (100 ms at 8 kHz)
                packet += [event, 0x80 | 10, 0x03, 0x20]
                RawPhone.send(packet, fd: rtpFD, port: gatewayRTPPort)
            }
            try await Task.sleep(for: .milliseconds(60))
        }
    }
}
