import Store

/// What admission needs to know of a meeting: the stored facts every front
/// door reads the same way (the live room's state, locked and full, is the
/// room's to judge; see `AdmissionRefusal.init?(_:)`).
public struct AdmissionMeeting: Sendable, Equatable {
    /// The meeting's id (its room's id too).
    public var meetingID: String
    /// The user who owns it: they enter as host, past passcode and lobby.
    public var hostID: String
    /// The host (or a series edit) cancelled it: it answers as if it did not exist.
    public var isCancelled: Bool
    /// Only signed-in people may enter. A phone caller cannot sign in, so for
    /// phones the passcode stands in for it (see `Admission`).
    public var requireSignIn: Bool
    /// The passcode, if the meeting has one.
    public var passcode: String?
    /// Whether people wait in a lobby until a host lets them in.
    public var lobbyEnabled: Bool

    /// The facts as given (tests, and front doors without a stored meeting).
    public init(meetingID: String, hostID: String, isCancelled: Bool = false, requireSignIn: Bool = false,
                passcode: String? = nil, lobbyEnabled: Bool = false) {
        self.meetingID = meetingID
        self.hostID = hostID
        self.isCancelled = isCancelled
        self.requireSignIn = requireSignIn
        self.passcode = passcode
        self.lobbyEnabled = lobbyEnabled
    }

    /// The facts of a stored meeting.
    public init(_ meeting: MeetingRecord) {
        self.init(meetingID: meeting.id, hostID: meeting.hostId, isCancelled: meeting.cancelledAt != nil,
                  requireSignIn: meeting.requireSignIn, passcode: meeting.passcode, lobbyEnabled: meeting.lobbyEnabled)
    }

    /// Whether the meeting has a passcode worth asking for (an empty one is none).
    public var hasPasscode: Bool { !(passcode ?? "").isEmpty }
}
