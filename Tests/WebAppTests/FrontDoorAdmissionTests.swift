import Foundation
@testable import Gateway
import Meetings
import Rooms
import SFU
import Synchronization
import Testing
@testable import WebApp

/// Each admission case through both front doors, requiring the same decision
/// (admitted, waiting in the lobby, or refused with the same typed reason).
///
/// The web door is the real one: `POST /api/v1/join/{code}`, then the
/// signaling WebSocket's `join`. The phone door runs without SIP: the
/// gateway's real `StoreMeetingDirectory` over the same store, its
/// `CodePrompt` dialogue (the caller's keys, the passcode), the refusal →
/// prompt map (`AdmissionRefusal+Phone`), and the room join exactly as
/// `GatewayEngine.join` makes it (a local transport, role `.phone`, the same
/// `RoomRegistry`). A refusal is read back from the prompt the caller hears.
@Suite("Front doors agree on admission", .serialized)
struct FrontDoorAdmissionTests {
    enum Outcome: Equatable, Sendable, CustomStringConvertible {
        case admitted
        case lobby
        case refused(AdmissionRefusal)

        var description: String {
            switch self {
            case .admitted: "admitted"
            case .lobby: "waiting in the lobby"
            case .refused(let r): "refused (\(r))"
            }
        }
    }

    /// What surrounds the entrants: the meeting's settings and what the host did.
    enum Situation: Sendable { case open, cancelled, endedByHost, locked, full, lobbyWithHost }

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var situation: Situation = .open
        var passcode: String?
        var requireSignIn = false
        var lobby = false
        /// The browser: signed in (a non-host account) or a guest.
        var webSignedIn = false
        /// The passcode the browser types, and the keys the caller presses.
        var typed: String?
        var expected: Outcome
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "open meeting", expected: .admitted),
        Case(name: "cancelled", situation: .cancelled, expected: .refused(.notFound)),
        Case(name: "host ended it a moment ago", situation: .endedByHost, expected: .refused(.ended)),
        Case(name: "locked", situation: .locked, expected: .refused(.locked)),
        Case(name: "full", situation: .full, expected: .refused(.full)),
        Case(name: "passcode right", passcode: "2468", typed: "2468", expected: .admitted),
        Case(name: "passcode wrong", passcode: "2468", typed: "1357", expected: .refused(.wrongPasscode)),
        Case(name: "passcode missing", passcode: "2468", expected: .refused(.passcodeRequired)),
        Case(name: "lobby on, host present", situation: .lobbyWithHost, lobby: true, expected: .lobby),
        Case(name: "requires sign-in, no passcode", requireSignIn: true, expected: .refused(.signInRequired)),
        Case(name: "requires sign-in with passcode: signed-in browser and caller both give it", passcode: "2468",
             requireSignIn: true, webSignedIn: true, typed: "2468", expected: .admitted),
        Case(name: "requires sign-in with passcode: wrong passcode", passcode: "2468", requireSignIn: true, webSignedIn: true,
             typed: "1111", expected: .refused(.wrongPasscode)),
    ]

    @Test("both doors decide alike", arguments: cases)
    func bothDoors(_ c: Case) async throws {
        try await TestApp.run(configure: { $0.media.roomCapacity = 2 }) { h in
            let meeting = try await Self.prepare(c, h: h)
            let web = try await Self.webDoor(h, code: meeting.code, signedIn: c.webSignedIn, passcode: c.typed)
            let phone = try await Self.phoneDoor(h, dialInCode: meeting.dialInCode, keys: c.typed)
            #expect(web == c.expected, "web door: \(c.name)")
            #expect(phone == c.expected, "phone door: \(c.name)")
            for socket in meeting.sockets { await socket.close() }
        }
    }

    @Test("requires sign-in with a passcode: a guest must sign in; a caller, who cannot, gives the passcode instead")
    func signInStandsInForPasscodeOnPhones() async throws {
        try await TestApp.run { h in
            let c = Case(name: "guest", passcode: "2468", requireSignIn: true, expected: .refused(.signInRequired))
            let meeting = try await Self.prepare(c, h: h)
            #expect(try await Self.webDoor(h, code: meeting.code, signedIn: false, passcode: "2468") == .refused(.signInRequired))
            #expect(try await Self.phoneDoor(h, dialInCode: meeting.dialInCode, keys: nil) == .refused(.passcodeRequired))
            #expect(try await Self.phoneDoor(h, dialInCode: meeting.dialInCode, keys: "2468") == .admitted)
        }
    }

    @Test("a join token issued before the meeting was cancelled does not get into the room")
    func tokenOutlivesCancellation() async throws {
        try await TestApp.run { h in
            let host = try await h.signUp("host")
            let created = try await h.call(.post, "/api/v1/meetings", as: host, json: ["title": "Soon gone"])
            let id = try #require(created["id"] as? String)
            let code = try #require(created["code"] as? String)
            let token = try await h.joinToken(code: code, guest: "Gus")
            #expect(try await h.call(.delete, "/api/v1/meetings/\(id)", as: host).status == .noContent)
            let signal = try await h.openSignal()
            try await signal.sendJSON(["type": "join", "token": token])
            let refused = try await signal.next(timeout: 5) { ["joined", "error"].contains($0["type"] as? String ?? "") }
            #expect(refused["type"] as? String == "error")
            #expect(refused["code"] as? String == "not_found")
            #expect(await signal.waitClosed(timeout: 5))
        }
    }

    // MARK: - The situation

    struct Prepared {
        var code: String
        var dialInCode: String
        /// Sockets kept open for the test (the host, a filler).
        var sockets: [LiveInbox]
    }

    static func prepare(_ c: Case, h: Harness) async throws -> Prepared {
        let host = try await h.signUp("host")
        var body: [String: Any] = ["title": c.name, "requireSignIn": c.requireSignIn, "lobbyEnabled": c.lobby]
        if let passcode = c.passcode { body["passcode"] = passcode }
        let created = try await h.call(.post, "/api/v1/meetings", as: host, json: body)
        #expect(created.status == .created, "\(created.text)")
        let id = try #require(created["id"] as? String)
        let code = try #require(created["code"] as? String)
        let dialIn = try #require(try await h.store.meeting(id: id)?.dialInCode)
        var sockets: [LiveInbox] = []
        switch c.situation {
        case .open:
            break
        case .cancelled:
            #expect(try await h.call(.delete, "/api/v1/meetings/\(id)", as: host).status == .noContent)
        case .endedByHost:
            let (signal, _) = try await h.joinRoom(code: code, as: host)
            try await signal.sendJSON(["type": "host.end"])
            _ = try await signal.next(timeout: 5) { $0["type"] as? String == "room.ended" }
            // The registry notes the end once the room empties.
            for _ in 0..<250 where (await h.services.rooms.existingRoom(id)) != nil { try await Task.sleep(for: .milliseconds(20)) }
            await signal.close()
        case .locked:
            let (signal, _) = try await h.joinRoom(code: code, as: host)
            try await signal.sendJSON(["type": "host.lock", "locked": true])
            _ = try await signal.next(timeout: 5) { ($0["room"] as? [String: Any])?["locked"] as? Bool == true }
            sockets.append(signal)
        case .full:
            let (signal, _) = try await h.joinRoom(code: code, as: host)
            let filler = try await h.signUp("filler")
            let (other, _) = try await h.joinRoom(code: code, as: filler)
            sockets += [signal, other]
        case .lobbyWithHost:
            let (signal, _) = try await h.joinRoom(code: code, as: host)
            sockets.append(signal)
        }
        return Prepared(code: code, dialInCode: dialIn, sockets: sockets)
    }

    // MARK: - The web door

    static func webDoor(_ h: Harness, code: String, signedIn: Bool, passcode: String?) async throws -> Outcome {
        var body: [String: Any] = [:]
        var person: Person?
        if signedIn { person = try await h.signUp("web\(UInt16.random(in: 0...UInt16.max))") } else { body["displayName"] = "Gus" }
        if let passcode { body["passcode"] = passcode }
        let reply = try await h.call(.post, "/api/v1/join/\(code)", as: person, json: body)
        guard reply.status == .ok else { return .refused(try refusal(code: reply.errorCode, message: reply.errorMessage)) }
        let signal = try await h.openSignal()
        defer { Task { await signal.close() } }
        try await signal.sendJSON(["type": "join", "token": try #require(reply["joinToken"] as? String)])
        let first = try await signal.next(timeout: 5) { ["joined", "lobby.waiting", "error"].contains($0["type"] as? String ?? "") }
        switch first["type"] as? String {
        case "joined": return .admitted
        case "lobby.waiting": return .lobby
        default: return .refused(try refusal(code: first["code"] as? String, message: first["message"] as? String))
        }
    }

    /// The typed refusal a web answer stands for (its code and message).
    static func refusal(code: String?, message: String?) throws -> AdmissionRefusal {
        try #require(AdmissionRefusal.allCases.first { $0.code == code && $0.message == message },
                     "no admission refusal is \(code ?? "-"): \(message ?? "-")")
    }

    // MARK: - The phone door

    /// A caller who dials in, types the dial-in code, and (when asked) the
    /// passcode: up to three times, as a person retrying the same digits.
    static func phoneDoor(_ h: Harness, dialInCode: String, keys: String?) async throws -> Outcome {
        let directory = StoreMeetingDirectory(store: h.store)
        var (prompt, actions) = CodePrompt.askingForCode()
        #expect(actions == [.play(.enterMeetingCode)])
        actions = (dialInCode + "#").flatMap { prompt.pressed($0) }
        guard case .lookUp(let code) = actions.first else { Issue.record("no lookup: \(actions)"); return .refused(.notFound) }
        actions = prompt.meetingFound(try await directory.meeting(dialInCode: code))
        for _ in 0..<CodePrompt.maximumTries + 1 {
            switch actions.first {
            case .join(let meeting):
                return try await joinRoom(h, meeting)
            case .hangUp(let heard):
                return .refused(try refusal(heard: heard))
            case .play(.invalidCode):
                return .refused(.notFound)
            case .play(.enterPasscode), .play(.invalidPasscode):
                guard let keys else { return .refused(.passcodeRequired) }
                actions = (keys + "#").flatMap { prompt.pressed($0) }
            default:
                Issue.record("unexpected prompt actions \(actions)")
                return .refused(.notFound)
            }
        }
        Issue.record("the prompt never finished: \(actions)")
        return .refused(.notFound)
    }

    /// The refusal a caller's last prompt stands for (the inverse of
    /// `AdmissionRefusal.prompt`; a caller hears "wrong passcode, goodbye"
    /// only after typing wrong ones).
    static func refusal(heard: Prompt) throws -> AdmissionRefusal {
        try #require(AdmissionRefusal.allCases.first { $0.prompt == heard && $0 != .passcodeRequired }, "prompt \(heard)")
    }

    /// Into the room as `GatewayEngine.join` goes: a local transport, then
    /// `RoomRegistry.join` (the restart rule, the room) as `.phone`; a room's refusal is
    /// what the caller hears (`AdmissionRefusal(error)?.prompt`).
    static func joinRoom(_ h: Harness, _ meeting: DialInMeeting) async throws -> Outcome {
        let rooms = h.services.rooms
        let info = RoomInfo(meetingId: meeting.meetingID, code: meeting.code, title: meeting.title, locked: false,
                            lobbyEnabled: meeting.lobbyEnabled)
        let connection = CallerConnection()
        do {
            let transport = try await rooms.media.createLocalTransport(routerID: meeting.meetingID, sink: { _ in })
            let (room, id) = try await rooms.join(
                info, JoinRequest(displayName: "Caller", userId: nil, role: .phone, lobbyApplies: true, media: .local(transportID: transport.id)),
                connection: connection)
            defer { Task { await room.leave(id, reason: "hung_up") } }
            for _ in 0..<250 {
                for event in connection.events.withLock({ $0 }) {
                    if case .joined = event { return .admitted }
                    if case .lobbyWaiting = event { return .lobby }
                }
                try await Task.sleep(for: .milliseconds(20))
            }
            Issue.record("the room said nothing to the caller")
            return .refused(.notFound)
        } catch let error as RoomError {
            let heard = AdmissionRefusal(error)?.prompt ?? .meetingEnded
            return .refused(try refusal(heard: heard))
        }
    }

    /// What the room tells the caller, kept for the test.
    final class CallerConnection: ParticipantConnection {
        let events = Mutex<[RoomEvent]>([])
        func deliver(_ event: RoomEvent) { events.withLock { $0.append(event) } }
        func close() {}
    }
}
