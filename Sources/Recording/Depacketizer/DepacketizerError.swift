/// Why a frame's payloads do not make a usable frame. The frame is dropped;
/// for video the track then needs a keyframe.
public enum DepacketizerError: Error, Equatable, Sendable {
    /// No payload bytes at all.
    case empty
    /// The first packet does not start a frame (VP8: S = 1 and PID = 0, RFC 7741
    /// §4.2; H.264: a fragment without its start, RFC 6184 §5.8), so the
    /// frame's beginning was lost.
    case missingStart
    /// The frame ends inside a fragmented NAL unit (RFC 6184 §5.8) or before the
    /// size its header announces.
    case incomplete
    /// Bytes that break the payload format's rules.
    case malformed
    /// An H.264 packet type that packetization-mode 1 does not allow (STAP-B,
    /// MTAP16/24, FU-B: RFC 6184 §6.3).
    case unsupportedPacketType(UInt8)
}
