/// Why bytes are not a well-formed STUN message (RFC 8489 §5, §14).
public enum STUNParseError: Error, Hashable, Sendable {
    /// Fewer than the 20 bytes of the fixed header.
    case tooShort(count: Int)
    /// The two most significant bits of the first byte are not zero (RFC 8489 §5).
    case notSTUN
    /// The magic cookie at offset 4 is not 0x2112A442 (RFC 8489 §5).
    case badMagicCookie(UInt32)
    /// The header's message length is not a multiple of four (RFC 8489 §5).
    case lengthNotMultipleOfFour(Int)
    /// The header's message length disagrees with the bytes after the header.
    case lengthMismatch(declared: Int, actual: Int)
    /// An attribute header or value (with its padding) runs past the end of the message.
    case truncatedAttribute(type: UInt16)
    /// A known attribute's value has the wrong size or content: a bad address
    /// family, invalid UTF-8, an error code out of range (RFC 8489 §14).
    case malformedAttribute(type: UInt16)
}
