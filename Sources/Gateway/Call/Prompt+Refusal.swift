extension Prompt {
    /// What a caller hears when they cannot enter or must leave, before
    /// Parley hangs up.
    static func forRefusal(_ refusal: CallRefusal) -> Prompt {
        switch refusal {
        case .unknownMeeting: .goodbye
        case .signInRequired: .signInRequired
        case .wrongPasscode: .wrongPasscodeGoodbye
        case .locked: .meetingLocked
        case .full: .meetingFull
        case .ended, .other: .meetingEnded
        case .notAdmitted: .notAdmitted
        case .removed: .removed
        case .notStarting: .goodbye
        }
    }
}
