// Cheap looks at a datagram, for the shared UDP port: is it STUN, and for which
// local ICE username fragment.
extension STUNMessage {
    /// RFC 7983 §7: a first byte of 0…3 means STUN (DTLS is 20…63, RTP/RTCP
    /// 128…191); also requires the header's size and the magic cookie at offset
    /// 4 (RFC 8489 §5), which rules out RFC 3489-era and garbage packets.
    public static func looksLikeSTUN(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= STUNWire.headerSize && bytes[0] <= 3
            && STUNWire.uint32(bytes, 4) == STUNWire.magicCookie
    }

    /// For a Binding request whose USERNAME is "A:B" (RFC 8445 §7.2.2: the
    /// receiver's ufrag, a colon, the sender's ufrag), returns "A", the local
    /// username fragment, to find the transport a new remote address belongs
    /// to before a full parse. Nil for anything else, including USERNAME after
    /// MESSAGE-INTEGRITY. Verifies nothing: the transport's agent must still
    /// authenticate the request.
    ///
    /// A fragment of at most 15 UTF-8 bytes is stored inline in the `String`,
    /// so the look-up does not allocate (`ICELiteAgent.randomCredentials()`
    /// makes 12-character fragments).
    public static func localUsernameFragment(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard bytes.count >= STUNWire.headerSize,
              STUNWire.uint16(bytes, 0) == encodeType(.binding, .request),
              let (offset, length) = findAttribute(STUNAttribute.Code.username, in: bytes,
                                                   stoppingAt: STUNAttribute.Code.messageIntegrity)
        else { return nil }
        let value = UnsafeRawBufferPointer(rebasing: bytes[(offset + 4)..<(offset + 4 + length)])
        guard let colon = value.firstIndex(of: UInt8(ascii: ":")), colon > 0 else { return nil }
        return String(validating: UnsafeRawBufferPointer(rebasing: value[..<colon]), as: UTF8.self)
    }
}
