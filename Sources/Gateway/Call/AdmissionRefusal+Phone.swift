import Meetings

extension AdmissionRefusal {
    /// The one place an admission refusal becomes what a caller hears: the
    /// prompt played before Parley hangs up.
    var prompt: Prompt {
        switch self {
        case .notFound: .goodbye
        case .signInRequired: .signInRequired
        case .passcodeRequired, .wrongPasscode: .wrongPasscodeGoodbye
        case .ended: .meetingEnded
        case .locked: .meetingLocked
        case .full: .meetingFull
        case .lobbyDenied: .notAdmitted
        }
    }

    /// The final SIP answer (RFC 3261 §21) for a call refused before it is
    /// answered, e.g. when the dialplan named the meeting: 404 for a meeting
    /// that is not there, 403 when the meeting will not take this caller, 486
    /// for a full room, 480 when it ended a moment ago.
    var sipResponse: (status: Int, phrase: String) {
        switch self {
        case .notFound: (404, "No Meeting With That Code")
        case .signInRequired: (403, "Signed-In Participants Only")
        case .passcodeRequired, .wrongPasscode: (403, "Wrong Passcode")
        case .locked: (403, "Meeting Locked")
        case .lobbyDenied: (403, "Not Admitted")
        case .full: (486, "Meeting Full")
        case .ended: (480, "Meeting Ended")
        }
    }
}
