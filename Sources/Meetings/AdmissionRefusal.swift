import Rooms

/// Why someone may not enter a meeting, the same for every front door. The
/// web app maps each case to an HTTP status once (`AdmissionRefusal+HTTP`),
/// the gateway to a SIP answer and a spoken prompt once
/// (`AdmissionRefusal+Phone`); `code` is the machine code the API documents.
public enum AdmissionRefusal: Error, Sendable, Equatable, CaseIterable {
    /// No meeting has that link or dial-in code, or it was cancelled (a
    /// cancelled meeting answers exactly like a missing one).
    case notFound
    /// The meeting requires sign-in: a browser guest must sign in; a phone
    /// caller, who cannot, is refused when the meeting has no passcode to
    /// stand in for it ("this meeting accepts only signed-in participants").
    case signInRequired
    /// The meeting has a passcode and none was given.
    case passcodeRequired
    /// The passcode given is not the meeting's.
    case wrongPasscode
    /// A host ended the meeting a moment ago; only a moderator may restart it
    /// (`RoomRegistry.endedGracePeriod`), or the meeting ended while waiting.
    case ended
    /// The host locked the meeting.
    case locked
    /// The room holds as many participants as it may (`media.roomCapacity`).
    case full
    /// The host did not let the person in from the lobby.
    case lobbyDenied

    /// The stable machine code (the API's `error.code`, the signaling
    /// `error` message's `code`, the gateway's log and metric label).
    public var code: String {
        switch self {
        case .notFound: "not_found"
        case .signInRequired: "sign_in_required"
        case .passcodeRequired, .wrongPasscode: "wrong_passcode"
        case .ended: RoomError.Reason.ended.rawValue
        case .locked: RoomError.Reason.locked.rawValue
        case .full: RoomError.Reason.full.rawValue
        case .lobbyDenied: RoomError.Reason.lobbyDenied.rawValue
        }
    }

    /// A sentence fit to show the person refused.
    public var message: String {
        switch self {
        case .notFound: "There is no meeting at this link. Check the link with whoever sent it."
        case .signInRequired: "The host asks everyone to sign in before joining this meeting."
        case .passcodeRequired: "This meeting needs a passcode."
        case .wrongPasscode: "That passcode is not right."
        case .ended: RoomError.ended.message
        case .locked: RoomError.locked.message
        case .full: RoomError.full.message
        case .lobbyDenied: RoomError.denied.message
        }
    }

    /// The refusal a live room's error stands for, if it is one: the room
    /// judges what only it knows (locked, full, ended, the lobby).
    public init?(_ error: RoomError) {
        switch error.reason {
        case .ended: self = .ended
        case .locked: self = .locked
        case .full: self = .full
        case .lobbyDenied: self = .lobbyDenied
        case .removed, .notStarting, nil: return nil
        }
    }
}
