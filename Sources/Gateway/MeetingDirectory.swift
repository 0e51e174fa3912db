import Meetings

/// How the gateway finds a meeting from what a caller dialled. The
/// executable wires it to the store; the gateway never imports the web app
/// (DESIGN.md "Dependencies point one way").
public protocol MeetingDirectory: Sendable {
    /// The meeting with this dial-in code, or nil.
    func meeting(dialInCode: String) async throws -> DialInMeeting?
    /// The meeting whose link has this code (`abc-defg-hij`), or nil: where
    /// a host moves a caller to.
    func meeting(code: String) async throws -> DialInMeeting?
}

/// What the gateway needs to know of a meeting to let a caller in.
public struct DialInMeeting: Sendable, Equatable {
    public var meetingID: String
    /// The meeting code of its link (`abc-defg-hij`).
    public var code: String
    public var dialInCode: String
    public var title: String
    /// The passcode, if the meeting has one (letters are typed on the keypad).
    public var passcode: String?
    public var lobbyEnabled: Bool
    /// Only signed-in people may enter: for a caller, who cannot sign in, the
    /// passcode becomes mandatory, and without one callers are refused
    /// (`Admission`, README "Dial-in").
    public var requireSignIn: Bool

    public init(meetingID: String, code: String, dialInCode: String, title: String, passcode: String?, lobbyEnabled: Bool,
                requireSignIn: Bool = false) {
        self.meetingID = meetingID
        self.code = code
        self.dialInCode = dialInCode
        self.title = title
        self.passcode = passcode
        self.lobbyEnabled = lobbyEnabled
        self.requireSignIn = requireSignIn
    }

    /// The facts `Admission` decides a caller's entry on. A directory never
    /// answers with a cancelled meeting (it is not found, as on the web).
    public var admission: AdmissionMeeting {
        AdmissionMeeting(meetingID: meetingID, hostID: "", isCancelled: false, requireSignIn: requireSignIn,
                         passcode: passcode, lobbyEnabled: lobbyEnabled)
    }

    /// The passcode as a caller types it (`Passcode.keypad`: ITU E.161 digits).
    public var keypadPasscode: String? { passcode.flatMap(Passcode.keypad) }
}
