import Meetings
import Rooms

/// Why a caller cannot enter (or stay in) a meeting, whichever side said
/// so: the directory (no such code), admission (`Admission`: a meeting that
/// accepts only signed-in participants, a wrong passcode) or the room
/// (locked, full, ended, the host's lobby or remove button). Each reason maps to what the caller
/// hears in `Prompt.forRefusal(_:)` (`Prompt+Refusal.swift`) and, before the call is answered, to a
/// SIP refusal in `sipRefusal`: the one place these mappings live.
enum CallRefusal: Error, Equatable, Sendable {
    /// No meeting has this dial-in code (or the directory could not say, or
    /// it was cancelled).
    case unknownMeeting
    /// The meeting requires sign-in and has no passcode to stand in for it.
    case signInRequired
    /// Three wrong passcodes.
    case wrongPasscode
    case locked
    case full
    case ended
    /// The host did not let the caller in from the lobby.
    case notAdmitted
    case removed
    /// This server starts no new meetings (cordoned or draining).
    case notStarting
    /// Any other refusal, with the room's code (logged).
    case other(String)

    /// The room's refusal, by its typed reason.
    init(_ error: RoomError) {
        self = switch error.reason {
        case .full: .full
        case .locked: .locked
        case .ended: .ended
        case .lobbyDenied: .notAdmitted
        case .removed: .removed
        case .notStarting: .notStarting
        case nil: .other(error.code)
        }
    }

    /// An admission refusal, as the gateway tells a caller.
    init(admission refusal: AdmissionRefusal) {
        self = switch refusal {
        case .notFound: .unknownMeeting
        case .signInRequired: .signInRequired
        case .passcodeRequired, .wrongPasscode: .wrongPasscode
        case .ended: .ended
        case .locked: .locked
        case .full: .full
        case .lobbyDenied: .notAdmitted
        }
    }

    /// A short reason for logs and the call's end.
    var logReason: String {
        switch self {
        case .unknownMeeting: "unknown_meeting"
        case .signInRequired: "sign_in_required"
        case .wrongPasscode: "wrong_passcode"
        case .locked: "locked"
        case .full: "room_full"
        case .ended: "ended"
        case .notAdmitted: "lobby_denied"
        case .removed: "removed"
        case .notStarting: "not_starting_meetings"
        case .other(let code): code
        }
    }

    /// The final response that refuses an INVITE not yet answered, when a
    /// response says it better than a prompt: an unknown code dialled
    /// directly is 404 (RFC 3261 §21.4.5). Nil: answer and play the prompt.
    /// (A node that starts no meetings answers 503 earlier, in
    /// `GatewayEngine.lookUpFirst`, before the meeting is looked up here.)
    var sipRefusal: (status: Int, phrase: String)? {
        switch self {
        case .unknownMeeting: (404, "No Meeting With That Code")
        default: nil
        }
    }
}
