import Crypto
import Foundation

// MESSAGE-INTEGRITY and FINGERPRINT: checking them on received bytes and adding
// them when serialising (RFC 8489 §14.5, §14.7).
extension STUNMessage {
    /// RFC 8489 §14.5: verifies the HMAC-SHA1 in the first MESSAGE-INTEGRITY of
    /// `bytes`, computed over the message up to that attribute with the header's
    /// length field set as if MESSAGE-INTEGRITY were the last attribute.
    ///
    /// `password` is the short-term credential key (RFC 8489 §9.1.1). ICE
    /// passwords are ASCII ice-chars (RFC 8445 §5.3), so OpaqueString/SASLprep
    /// processing changes nothing and is skipped. Returns false for malformed
    /// bytes or a missing attribute; compares in constant time.
    public static func verifyIntegrity(_ bytes: UnsafeRawBufferPointer, password: [UInt8]) -> Bool {
        guard let (offset, length) = findAttribute(STUNAttribute.Code.messageIntegrity, in: bytes),
              length == 20 else { return false }
        let expected = integrity(of: bytes, upTo: offset, password: password)
        var difference: UInt8 = 0
        for index in 0..<20 {
            difference |= expected[index] ^ bytes[offset + 4 + index]
        }
        return difference == 0
    }

    /// RFC 8489 §14.7: verifies that `bytes` end in a FINGERPRINT attribute
    /// whose value is the CRC-32 of everything before it XOR 0x5354554e.
    /// Returns false for malformed bytes or a missing or misplaced attribute.
    public static func verifyFingerprint(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let (offset, length) = findAttribute(STUNAttribute.Code.fingerprint, in: bytes),
              length == 4, offset + 8 == bytes.count else { return false }
        let computed = STUNCRC32.fingerprint(UnsafeRawBufferPointer(rebasing: bytes[0..<offset]))
        return computed == STUNWire.uint32(bytes, offset + 4)
    }

    /// Serialises the message. `.messageIntegrity` and `.fingerprint` entries in
    /// `attributes` are skipped; instead, when `integrityPassword` is set a
    /// MESSAGE-INTEGRITY keyed with it is appended, then FINGERPRINT if
    /// `fingerprint` (RFC 8489 §14.5, §14.7: in that order, last). Attributes
    /// that would push the message past STUN's 64 KiB length are left out.
    public func serialized(integrityPassword: [UInt8]?, fingerprint: Bool) -> [UInt8] {
        serialized(integrityPassword: integrityPassword, fingerprint: fingerprint, padding: 0)
    }

    /// `serialized(integrityPassword:fingerprint:)` with a chosen padding byte.
    /// RFC 8489 §14 says to pad with zeros; RFC 5769's test vectors pad with
    /// spaces (0x20), and the tests reproduce them byte for byte.
    func serialized(integrityPassword: [UInt8]?, fingerprint: Bool, padding: UInt8) -> [UInt8] {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(128)
        STUNWire.append(Self.encodeType(method, messageClass), to: &buffer)
        STUNWire.append(UInt16(0), to: &buffer)  // length, set below
        STUNWire.append(STUNWire.magicCookie, to: &buffer)
        transactionID.append(to: &buffer)

        // Room for the largest length the header can state, less what the
        // integrity (24) and fingerprint (8) attributes need.
        let limit = 65_532 - 24 - 8
        for attribute in attributes {
            let before = buffer.count
            attribute.encode(into: &buffer, transactionID: transactionID, padding: padding)
            if buffer.count - STUNWire.headerSize > limit {
                buffer.removeSubrange(before...)
                break
            }
        }
        if let password = integrityPassword {
            let offset = buffer.count
            let mac = buffer.withUnsafeBytes { Self.integrity(of: $0, upTo: offset, password: password) }
            STUNWire.append(STUNAttribute.Code.messageIntegrity, to: &buffer)
            STUNWire.append(UInt16(20), to: &buffer)
            buffer.append(contentsOf: mac)
        }
        if fingerprint {
            // §14.7: the CRC covers the header with the length including FINGERPRINT.
            STUNWire.write(UInt16(buffer.count - STUNWire.headerSize + 8), into: &buffer, at: 2)
            let crc = buffer.withUnsafeBytes { STUNCRC32.fingerprint($0) }
            STUNWire.append(STUNAttribute.Code.fingerprint, to: &buffer)
            STUNWire.append(UInt16(4), to: &buffer)
            STUNWire.append(crc, to: &buffer)
        }
        STUNWire.write(UInt16(buffer.count - STUNWire.headerSize), into: &buffer, at: 2)
        return buffer
    }

    /// HMAC-SHA1 of `bytes[0..<offset]` (a header and the attributes before a
    /// MESSAGE-INTEGRITY at `offset`), with the length field replaced by the
    /// length up to and including that attribute (RFC 8489 §14.5).
    static func integrity(of bytes: UnsafeRawBufferPointer, upTo offset: Int, password: [UInt8]) -> [UInt8] {
        var hmac = HMAC<Insecure.SHA1>(key: SymmetricKey(data: password))
        hmac.update(data: UnsafeRawBufferPointer(rebasing: bytes[0..<2]))
        let length = UInt16(offset - STUNWire.headerSize + 24)
        withUnsafeBytes(of: length.bigEndian) { hmac.update(data: $0) }
        hmac.update(data: UnsafeRawBufferPointer(rebasing: bytes[4..<offset]))
        return Array(hmac.finalize())
    }

    /// The header offset and value length of the first attribute of type
    /// `wanted`, walking the attributes from the start; nil when the header is
    /// invalid, the framing breaks before it, it is absent, or an attribute of
    /// type `stop` comes first.
    static func findAttribute(_ wanted: UInt16, in bytes: UnsafeRawBufferPointer,
                              stoppingAt stop: UInt16? = nil) -> (offset: Int, length: Int)? {
        guard let bodyLength = try? validateHeader(bytes) else { return nil }
        let end = STUNWire.headerSize + bodyLength
        var offset = STUNWire.headerSize
        while offset + 4 <= end {
            let type = STUNWire.uint16(bytes, offset)
            let length = Int(STUNWire.uint16(bytes, offset + 2))
            guard offset + 4 + STUNWire.padded(length) <= end else { return nil }
            if type == wanted { return (offset, length) }
            if type == stop { return nil }
            offset += 4 + STUNWire.padded(length)
        }
        return nil
    }
}
