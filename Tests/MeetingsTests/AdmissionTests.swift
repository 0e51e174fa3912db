import Meetings
import Rooms
import Testing

@Suite("Admission: who may enter which meeting")
struct AdmissionTests {
    static let host = "host-1"
    static func meeting(cancelled: Bool = false, signIn: Bool = false, passcode: String? = nil, lobby: Bool = false) -> AdmissionMeeting {
        AdmissionMeeting(meetingID: "m-1", hostID: host, isCancelled: cancelled, requireSignIn: signIn, passcode: passcode,
                         lobbyEnabled: lobby)
    }

    @Test("an open meeting admits the host, signed-in people, guests and callers with their roles")
    func open() {
        let m = Self.meeting()
        #expect(Admission.decide(m, entrant: .browser(userID: Self.host), passcode: nil) == .admit(role: .host, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .browser(userID: "u-2"), passcode: nil) == .admit(role: .participant, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: nil) == .admit(role: .guest, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .phone, passcode: nil) == .admit(role: .phone, lobbyApplies: false))
    }

    @Test("a cancelled meeting does not exist for anyone, its host included")
    func cancelled() {
        let m = Self.meeting(cancelled: true, passcode: "1234")
        for entrant: Entrant in [.browser(userID: Self.host), .browser(userID: "u-2"), .browser(userID: nil), .phone] {
            #expect(Admission.decide(m, entrant: entrant, passcode: "1234") == .refuse(.notFound))
        }
    }

    @Test("the lobby applies to everyone but the host")
    func lobby() {
        let m = Self.meeting(lobby: true)
        #expect(Admission.decide(m, entrant: .browser(userID: Self.host), passcode: nil) == .admit(role: .host, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: nil) == .admit(role: .guest, lobbyApplies: true))
        #expect(Admission.decide(m, entrant: .phone, passcode: nil) == .admit(role: .phone, lobbyApplies: true))
    }

    @Test("a passcode is asked of everyone but the host; a phone types letters as keypad digits")
    func passcode() {
        let m = Self.meeting(passcode: "ab12")
        #expect(Admission.decide(m, entrant: .browser(userID: Self.host), passcode: nil) == .admit(role: .host, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .browser(userID: "u-2"), passcode: nil) == .refuse(.passcodeRequired))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: "ab13") == .refuse(.wrongPasscode))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: "ab12") == .admit(role: .guest, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: "2212") == .refuse(.wrongPasscode))
        #expect(Admission.decide(m, entrant: .phone, passcode: nil) == .refuse(.passcodeRequired))
        #expect(Admission.decide(m, entrant: .phone, passcode: "2212") == .admit(role: .phone, lobbyApplies: false))
        #expect(Admission.decide(m, entrant: .phone, passcode: "2213") == .refuse(.wrongPasscode))
        #expect(Admission.decide(m, entrant: .browser(userID: nil), passcode: String(repeating: "a", count: 33)) == .refuse(.wrongPasscode))
    }

    @Test("requires sign-in: guests are refused; a caller must type the passcode, and without one is refused")
    func signIn() {
        let bare = Self.meeting(signIn: true)
        #expect(Admission.decide(bare, entrant: .browser(userID: nil), passcode: nil) == .refuse(.signInRequired))
        #expect(Admission.decide(bare, entrant: .browser(userID: "u-2"), passcode: nil) == .admit(role: .participant, lobbyApplies: false))
        #expect(Admission.decide(bare, entrant: .phone, passcode: nil) == .refuse(.signInRequired))
        #expect(Admission.decide(bare, entrant: .phone, passcode: "1234") == .refuse(.signInRequired))

        let guarded = Self.meeting(signIn: true, passcode: "1234")
        #expect(Admission.decide(guarded, entrant: .browser(userID: nil), passcode: "1234") == .refuse(.signInRequired))
        #expect(Admission.decide(guarded, entrant: .phone, passcode: nil) == .refuse(.passcodeRequired))
        #expect(Admission.decide(guarded, entrant: .phone, passcode: "1234") == .admit(role: .phone, lobbyApplies: false))
        #expect(Admission.refusalBeforePasscode(guarded, entrant: .phone) == nil)
        #expect(Admission.refusalBeforePasscode(bare, entrant: .phone) == .signInRequired)
    }

    @Test("a room's typed refusals are admission refusals; other room errors are not")
    func roomRefusals() {
        #expect(AdmissionRefusal(RoomError.full) == .full)
        #expect(AdmissionRefusal(RoomError.locked) == .locked)
        #expect(AdmissionRefusal(RoomError.ended) == .ended)
        #expect(AdmissionRefusal(RoomError.denied) == .lobbyDenied)
        #expect(AdmissionRefusal(RoomError.forbidden) == nil)
        #expect(AdmissionRefusal(RoomError("bad_request", "x")) == nil)
        // The codes the API documents stay as they were.
        #expect(AdmissionRefusal.full.code == "room_full")
        #expect(AdmissionRefusal.lobbyDenied.code == "lobby_denied")
        #expect(AdmissionRefusal.wrongPasscode.code == "wrong_passcode")
    }

    @Test("keypad passcodes: digits stay, letters become their E.161 digit, the rest is skipped")
    func keypad() {
        #expect(Passcode.keypad("Parley-42") == "727539" + "42")
        #expect(Passcode.keypad("--") == nil)
    }

    @Test("meeting access: strangers cannot see private meetings; cancelled ones are gone")
    func access() async {
        func access(host: String = "h", isPrivate: Bool, cancelled: Bool = false, user: String, invited: Bool) async -> MeetingAccess {
            await MeetingAccess.of(hostID: host, isPrivate: isPrivate, isCancelled: cancelled, userID: user) { invited }
        }
        #expect(await access(isPrivate: true, user: "h", invited: false) == .host)
        #expect(await access(isPrivate: true, user: "x", invited: false) == MeetingAccess.none)
        #expect(await access(isPrivate: true, user: "x", invited: true) == .view)
        #expect(await access(isPrivate: false, user: "x", invited: false) == .view)
        #expect(await access(isPrivate: false, cancelled: true, user: "h", invited: false) == MeetingAccess.none)
    }
}
