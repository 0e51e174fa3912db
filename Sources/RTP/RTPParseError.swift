/// Why bytes are not a valid RTP packet or payload structure.
///
/// The parsers in this module never trap on malformed input; they throw one of
/// these (typed throws) so the packet path can count and drop without allocating.
public enum RTPParseError: Error, Equatable, Sendable {
    /// Fewer bytes than the fixed part of the structure (12 for the RTP header,
    /// 4 for a telephone event, 1 for a VP8 descriptor plus one payload byte).
    case tooShort
    /// The version field is not 2 (RFC 3550 §5.1).
    case badVersion
    /// The CSRC list (4 × CC bytes) runs past the end of the packet.
    case badCSRCCount
    /// The header extension's 4-byte header or its declared data run past the
    /// end of the packet (RFC 3550 §5.3.1).
    case badExtension
    /// The P bit is set but the padding count is zero or larger than what
    /// follows the header (RFC 3550 §5.1).
    case badPadding
    /// A VP8 payload descriptor announces optional fields the payload does not
    /// contain (RFC 7741 §4.2).
    case badPayloadDescriptor
}
