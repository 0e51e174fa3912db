/// Why a stream of RFC 4571 frames cannot be read further. Both end the
/// connection: after a bad length field there is no way to find the next
/// frame boundary (RFC 4571 §2 has no resynchronisation marker).
public enum RFC4571FramingError: Error, Hashable, Sendable {
    /// A frame's LENGTH field is larger than the framer accepts.
    case oversized(length: Int, maximum: Int)
    /// A frame's LENGTH field is 0: no RTP, RTCP, STUN or DTLS packet is empty.
    case emptyFrame

    /// A fixed, low-cardinality name for metrics labels.
    public var label: String {
        switch self {
        case .oversized: return "oversized_frame"
        case .emptyFrame: return "empty_frame"
        }
    }
}
