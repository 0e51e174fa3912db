import Meetings

/// The "enter the meeting code" dialogue with a caller, as a state machine
/// without I/O: digits in, actions out. The call plays prompts, looks codes
/// up and joins as the actions say; tests drive it directly.
///
/// A code ends with `#`; `*` starts the entry over. A caller has three
/// tries at the code and three at the passcode, then hears goodbye.
struct CodePrompt {
    enum Stage: Equatable {
        case code
        case lookingUp
        case passcode(DialInMeeting)
        case finished
    }

    enum Action: Equatable {
        case play(Prompt)
        /// Look the code up and call `meetingFound`.
        case lookUp(code: String)
        case join(DialInMeeting)
        /// Play the prompt, then hang up.
        case hangUp(after: Prompt)
    }

    static let maximumTries = 3
    /// Longest code or passcode a caller may type (more is surely a mistake).
    static let maximumDigits = 20

    private(set) var stage: Stage = .code
    private(set) var digits = ""
    private(set) var codeTries = 0
    private(set) var passcodeTries = 0

    /// Starts by asking for the code.
    static func askingForCode() -> (CodePrompt, [Action]) {
        (CodePrompt(), [.play(.enterMeetingCode)])
    }

    /// Starts with a meeting already chosen (the dialplan named it, or the
    /// caller's code found it) and asks `Admission`: asks for its passcode if
    /// the caller must type one, refuses with the refusal's prompt (a meeting
    /// that accepts only signed-in participants), else joins at once.
    static func joining(_ meeting: DialInMeeting) -> (CodePrompt, [Action]) {
        var prompt = CodePrompt()
        switch Admission.decide(meeting.admission, entrant: .phone, passcode: nil) {
        case .admit:
            prompt.stage = .finished
            return (prompt, [.join(meeting)])
        case .refuse(.passcodeRequired):
            prompt.stage = .passcode(meeting)
            return (prompt, [.play(.enterPasscode)])
        case .refuse(let refusal):
            prompt.stage = .finished
            return (prompt, [.hangUp(after: refusal.prompt)])
        }
    }

    /// A digit the caller pressed (RFC 4733 event or in-band tone).
    mutating func pressed(_ key: Character) -> [Action] {
        switch stage {
        case .lookingUp, .finished: return []
        case .code, .passcode: break
        }
        switch key {
        case "*":
            digits = ""
            return []
        case "#":
            let entered = digits
            digits = ""
            return submit(entered)
        default:
            guard key.isASCII, key.isNumber || "ABCD".contains(key) else { return [] }
            if digits.count < Self.maximumDigits { digits.append(key) }
            return []
        }
    }

    /// The caller stopped typing for a while: a code typed without `#` counts.
    mutating func typingPaused() -> [Action] {
        guard !digits.isEmpty else { return [] }
        let entered = digits
        digits = ""
        return submit(entered)
    }

    /// The answer to `lookUp`.
    mutating func meetingFound(_ meeting: DialInMeeting?) -> [Action] {
        guard stage == .lookingUp else { return [] }
        guard let meeting else { return failedCode() }
        let (next, actions) = CodePrompt.joining(meeting)
        stage = next.stage
        return actions
    }

    private mutating func submit(_ entered: String) -> [Action] {
        switch stage {
        case .code:
            guard !entered.isEmpty else { return [.play(.enterMeetingCode)] }
            stage = .lookingUp
            return [.lookUp(code: entered)]
        case .passcode(let meeting):
            switch Admission.decide(meeting.admission, entrant: .phone, passcode: entered) {
            case .admit:
                stage = .finished
                return [.join(meeting)]
            case .refuse(.wrongPasscode), .refuse(.passcodeRequired):
                break
            case .refuse(let refusal):
                stage = .finished
                return [.hangUp(after: refusal.prompt)]
            }
            passcodeTries += 1
            guard passcodeTries < Self.maximumTries else {
                stage = .finished
                return [.hangUp(after: .wrongPasscodeGoodbye)]
            }
            return [.play(.invalidPasscode)]
        case .lookingUp, .finished:
            return []
        }
    }

    private mutating func failedCode() -> [Action] {
        codeTries += 1
        guard codeTries < Self.maximumTries else {
            stage = .finished
            return [.hangUp(after: .goodbye)]
        }
        stage = .code
        return [.play(.invalidCode)]
    }
}
