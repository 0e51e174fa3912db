/// A media direction attribute (RFC 8866 §6.7, RFC 3264 §5.1), from the point of
/// view of the side that wrote the description.
public enum Direction: String, Sendable, Hashable, CaseIterable {
    /// Sends and receives (the default, RFC 8866 §6.7.1).
    case sendrecv
    /// Only sends.
    case sendonly
    /// Only receives.
    case recvonly
    /// Neither sends nor receives, but keeps the m-line (and its port).
    case inactive

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
