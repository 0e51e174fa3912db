/// How the gateway finds a meeting from what a caller dialled. The
/// executable wires it to the store; the gateway never imports the web app
/// (DESIGN.md "Dependencies point one way").
public protocol MeetingDirectory: Sendable {
    /// The meeting with this dial-in code, or nil.
    func meeting(dialInCode: String) async throws -> DialInMeeting?
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

    public init(meetingID: String, code: String, dialInCode: String, title: String, passcode: String?, lobbyEnabled: Bool) {
        self.meetingID = meetingID
        self.code = code
        self.dialInCode = dialInCode
        self.title = title
        self.passcode = passcode
        self.lobbyEnabled = lobbyEnabled
    }

    /// The passcode as a caller types it: digits stay, letters become their
    /// keypad digit (ITU E.161: ABC=2 … WXYZ=9), anything else is skipped.
    public var keypadPasscode: String? {
        guard let passcode, !passcode.isEmpty else { return nil }
        return String(passcode.lowercased().compactMap(DialInMeeting.keypadDigit))
    }

    static func keypadDigit(_ c: Character) -> Character? {
        if c.isASCII, c.isNumber { return c }
        let groups: [(String, Character)] = [("abc", "2"), ("def", "3"), ("ghi", "4"), ("jkl", "5"),
                                             ("mno", "6"), ("pqrs", "7"), ("tuv", "8"), ("wxyz", "9")]
        return groups.first { $0.0.contains(c) }?.1
    }
}
