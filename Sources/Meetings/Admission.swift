import Rooms

/// Who may enter which meeting, for every front door alike (browser link,
/// phone dial-in). Pure: it reads the meeting's stored facts and who is at
/// the door, and decides; the live room then applies what only it knows
/// (locked, full, the host ended it a moment ago, whether a moderator is
/// there to run the lobby) and refuses with a typed `RoomError.Reason` that
/// maps to the same `AdmissionRefusal`. The five-minute restart rule is
/// `RoomRegistry.mayRestart` (pure too): only the registry knows when a host
/// ended a meeting.
///
/// The checks, in order:
/// 1. A cancelled meeting does not exist for anyone (`notFound`).
/// 2. "Requires sign-in": a browser guest is refused (`signInRequired`).
///    A phone caller can never sign in, so for phones the passcode becomes
///    mandatory: with a passcode the caller must type it (even when the
///    dialplan routes the call straight to the meeting); without one, phone
///    callers are refused with the same `signInRequired` (they hear "this
///    meeting accepts only signed-in participants").
/// 3. The passcode: everyone but the host types it (`passcodeRequired`,
///    `wrongPasscode`). A phone caller types it on the keypad, so letters
///    count as their keypad digits (`Passcode.keypad`).
/// 4. The role: the host, a signed-in participant, a guest, or a phone
///    caller; everyone but the host waits in the lobby if there is one.
public enum Admission {
    /// Decides for one entrant. `passcode` is what they gave (typed in the
    /// join form, or keyed in on the phone), nil when they gave none yet.
    public static func decide(_ meeting: AdmissionMeeting, entrant: Entrant, passcode: String?) -> AdmissionDecision {
        if let refusal = refusalBeforePasscode(meeting, entrant: entrant) { return .refuse(refusal) }
        if asksPasscode(meeting, of: entrant) {
            guard let given = passcode else { return .refuse(.passcodeRequired) }
            guard Passcode.matches(given, meeting.passcode ?? "", keypad: entrant == .phone) else {
                return .refuse(.wrongPasscode)
            }
        }
        let role = role(in: meeting, of: entrant)
        return .admit(role: role, lobbyApplies: meeting.lobbyEnabled && !role.isModerator)
    }

    /// What refuses the entrant whatever passcode they type (cancelled,
    /// sign-in), checked first so a door can answer before asking for one.
    public static func refusalBeforePasscode(_ meeting: AdmissionMeeting, entrant: Entrant) -> AdmissionRefusal? {
        if meeting.isCancelled { return .notFound }
        if meeting.requireSignIn {
            switch entrant {
            case .browser(userID: nil): return .signInRequired
            case .browser: break
            case .phone: if !meeting.hasPasscode { return .signInRequired }
            }
        }
        return nil
    }

    /// Whether this entrant must give the meeting's passcode: everyone but
    /// its host, when it has one.
    public static func asksPasscode(_ meeting: AdmissionMeeting, of entrant: Entrant) -> Bool {
        guard meeting.hasPasscode else { return false }
        if case .browser(let userID?) = entrant, userID == meeting.hostID { return false }
        return true
    }

    /// The role an admitted entrant gets.
    public static func role(in meeting: AdmissionMeeting, of entrant: Entrant) -> ParticipantRole {
        switch entrant {
        case .phone: .phone
        case .browser(nil): .guest
        case .browser(let userID?): userID == meeting.hostID ? .host : .participant
        }
    }
}
