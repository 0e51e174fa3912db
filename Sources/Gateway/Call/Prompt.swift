/// The recorded prompts a caller can hear (the WAV files under
/// `Prompts/`; `scripts/make-prompts.sh` says how they were made).
public enum Prompt: String, Sendable, CaseIterable {
    case enterMeetingCode = "enter-meeting-code"
    case enterPasscode = "enter-passcode"
    case invalidCode = "invalid-code"
    case invalidPasscode = "invalid-passcode"
    case goodbye
    case wrongPasscodeGoodbye = "wrong-passcode-goodbye"
    case joining
    case recording
    case meetingEnded = "meeting-ended"
    case muted
    case unmuted
    case removed
    case meetingFull = "meeting-full"
    case waiting
    case meetingLocked = "meeting-locked"
    case notAdmitted = "not-admitted"
    /// A meeting that requires sign-in and has no passcode: callers cannot sign in.
    case signInRequired = "sign-in-required"

    /// The file name under the prompts directory.
    public var fileName: String { rawValue + ".wav" }
}
