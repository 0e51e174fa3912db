/// Why the gateway could not start or place a call.
public enum GatewayError: Error, Sendable, CustomStringConvertible {
    case promptMissing(path: String, reason: String)
    case noRTPPort(range: ClosedRange<Int>)
    case noTrunk
    case badTarget(String)
    case busy
    /// The participant is not a caller this gateway carries (gone, or not a phone).
    case noSuchCall
    /// A transfer of this caller is already under way.
    case transferInProgress

    public var description: String {
        switch self {
        case .promptMissing(let path, let reason):
            return "the prompt \(path) could not be read (\(reason)); run Parley from its checkout or set the prompts directory"
        case .noRTPPort(let range):
            return "no free RTP port in \(range.lowerBound)-\(range.upperBound); widen sip.rtp_ports or lower sip.max_calls"
        case .noTrunk:
            return "no SIP trunk is configured to dial this number (a [[trunk]] with a uri whose dial_out matches it)"
        case .badTarget(let target):
            return "\"\(target.prefix(60))\" is neither a SIP address (sip:user@host) nor a phone number"
        case .busy:
            return "Parley is at its limit of concurrent calls; try again in a minute"
        case .noSuchCall:
            return "that caller is no longer on the line"
        case .transferInProgress:
            return "this caller is already being transferred"
        }
    }
}
