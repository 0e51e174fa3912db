/// Why bytes are not a valid RTCP packet of the expected kind.
///
/// Like `RTPParseError`, thrown (typed) instead of trapping, for any input.
public enum RTCPParseError: Error, Equatable, Sendable {
    /// Fewer bytes than a header (4), or a body shorter than the fixed part of the
    /// packet type.
    case tooShort
    /// The version field is not 2 (RFC 3550 §6.4.1).
    case badVersion
    /// The length field describes more bytes than there are (RFC 3550 §6.4.1).
    case badLength
    /// The P bit is set but the padding count is zero or larger than the body
    /// (RFC 3550 §6.4.1).
    case badPadding
    /// The packet type, the feedback message type (FMT, RFC 4585 §6.1) or REMB's
    /// "REMB" identifier is not the one the parsed type describes.
    case badPacketType
    /// The report count / source count / number of SSRCs announces more entries
    /// than the packet holds.
    case badCount
    /// An SDES item or chunk (RFC 3550 §6.5) or a BYE reason (§6.6) runs past the
    /// packet, or an SDES chunk has no terminating null octet.
    case badItem
    /// Transport-wide feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01
    /// §3.1) whose chunks or deltas are missing or use the reserved symbol, or a
    /// REMB bitrate that does not fit 64 bits.
    case badFeedback
}
