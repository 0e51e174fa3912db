/// What to do with a call.
public enum DialplanDecision: Sendable, Equatable, CustomStringConvertible {
    /// Put the caller straight into the meeting with this dial-in code.
    case join(dialInCode: String)
    /// Answer, play "enter the meeting code", read DTMF digits.
    case prompt
    /// Refuse the INVITE with this final status (400…699) and reason phrase.
    case reject(status: Int, reason: String)

    /// The decision written as a dialplan action: `join 123456`, `prompt`,
    /// `reject 403 "No anonymous calls"`.
    public var description: String {
        switch self {
        case .join(let code): "join \(code)"
        case .prompt: "prompt"
        case .reject(let status, let reason): "reject \(status) \"\(reason)\""
        }
    }
}
