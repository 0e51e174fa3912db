/// What a rule does when it matches.
public enum DialplanAction: Sendable, Equatable {
    /// Join the meeting whose dial-in code is the template with `$1…$9`
    /// replaced by the pattern's capture groups.
    case join(template: String)
    /// Ask the caller for the meeting code.
    case prompt
    /// Refuse the call.
    case reject(status: Int, reason: String)

    /// The usual reason phrase of a status (RFC 3261 §21), for `reject` lines
    /// that give none.
    static func defaultReason(for status: Int) -> String {
        switch status {
        case 400: "Bad Request"
        case 401: "Unauthorized"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 410: "Gone"
        case 433: "Anonymity Disallowed"
        case 480: "Temporarily Unavailable"
        case 484: "Address Incomplete"
        case 486: "Busy Here"
        case 488: "Not Acceptable Here"
        case 500: "Server Internal Error"
        case 503: "Service Unavailable"
        case 600: "Busy Everywhere"
        case 603: "Decline"
        case 604: "Does Not Exist Anywhere"
        default: "Rejected"
        }
    }
}
