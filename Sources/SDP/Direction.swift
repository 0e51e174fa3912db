/// A media direction attribute (RFC 8866 §6.7, RFC 3264 §5.1), from the point of
/// view of the side that wrote the description.
public enum Direction: String, Sendable, Hashable, CaseIterable {
    case sendrecv, sendonly, recvonly, inactive

    /// The direction an answer takes for an offered direction when the answerer
    /// wants to do what it is asked (RFC 3264 §6.1): send-only becomes
    /// receive-only and vice versa.
    public var reversed: Direction {
        switch self {
        case .sendrecv: .sendrecv
        case .sendonly: .recvonly
        case .recvonly: .sendonly
        case .inactive: .inactive
        }
    }

    /// Whether the writer sends media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the writer receives media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }
}
