/// One attribute of a STUN message (RFC 8489 §14, RFC 8445 §16.1), decoded.
///
/// `.messageIntegrity` and `.fingerprint` only record that the attribute was
/// present: verify them on the message bytes with
/// `STUNMessage.verifyIntegrity(_:password:)` and
/// `STUNMessage.verifyFingerprint(_:)`. When serialising, the serializer computes
/// them from its arguments and skips these two cases in `attributes`.
public enum STUNAttribute: Hashable, Sendable {
    /// MAPPED-ADDRESS (RFC 8489 §14.1), for old RFC 3489 clients.
    case mappedAddress(STUNAddress)
    /// USERNAME (RFC 8489 §14.3); for ICE "<receiver's ufrag>:<sender's ufrag>" (RFC 8445 §7.2.2).
    case username(String)
    /// MESSAGE-INTEGRITY (RFC 8489 §14.5): HMAC-SHA1 over the message before it.
    case messageIntegrity
    /// ERROR-CODE (RFC 8489 §14.8): a code 300…699 and a reason phrase.
    case errorCode(code: UInt16, reason: String)
    /// UNKNOWN-ATTRIBUTES (RFC 8489 §14.9), in a 420 response.
    case unknownAttributes([UInt16])
    /// XOR-MAPPED-ADDRESS (RFC 8489 §14.2): the request's source as the server saw it.
    case xorMappedAddress(STUNAddress)
    /// PRIORITY (RFC 8445 §7.1.1): the priority a peer-reflexive candidate would get.
    case priority(UInt32)
    /// USE-CANDIDATE (RFC 8445 §7.1.2): the controlling agent nominates this pair.
    case useCandidate
    /// SOFTWARE (RFC 8489 §14.14).
    case software(String)
    /// FINGERPRINT (RFC 8489 §14.7): CRC-32 of the message before it, XOR 0x5354554e.
    case fingerprint
    /// ICE-CONTROLLED with the sender's tie-breaker (RFC 8445 §7.1.3).
    case iceControlled(UInt64)
    /// ICE-CONTROLLING with the sender's tie-breaker (RFC 8445 §7.1.3).
    case iceControlling(UInt64)
    /// Any other attribute, value without padding.
    case unknown(type: UInt16, value: [UInt8])

    /// The attribute type codes this file decodes (RFC 8489 §18.3, RFC 8445 §16.1).
    enum Code {
        static let mappedAddress: UInt16 = 0x0001
        static let username: UInt16 = 0x0006
        static let messageIntegrity: UInt16 = 0x0008
        static let errorCode: UInt16 = 0x0009
        static let unknownAttributes: UInt16 = 0x000A
        static let xorMappedAddress: UInt16 = 0x0020
        static let priority: UInt16 = 0x0024
        static let useCandidate: UInt16 = 0x0025
        static let software: UInt16 = 0x8022
        static let fingerprint: UInt16 = 0x8028
        static let iceControlled: UInt16 = 0x8029
        static let iceControlling: UInt16 = 0x802A
    }

    /// The attribute's type code on the wire.
    public var type: UInt16 {
        switch self {
        case .mappedAddress: return Code.mappedAddress
        case .username: return Code.username
        case .messageIntegrity: return Code.messageIntegrity
        case .errorCode: return Code.errorCode
        case .unknownAttributes: return Code.unknownAttributes
        case .xorMappedAddress: return Code.xorMappedAddress
        case .priority: return Code.priority
        case .useCandidate: return Code.useCandidate
        case .software: return Code.software
        case .fingerprint: return Code.fingerprint
        case .iceControlled: return Code.iceControlled
        case .iceControlling: return Code.iceControlling
        case .unknown(let type, _): return type
        }
    }

    /// Types 0x0000…0x7FFF are comprehension-required: an agent that does not
    /// understand one must reject the request with 420 (RFC 8489 §14, §6.3.1.1).
    public static func isComprehensionRequired(_ type: UInt16) -> Bool {
        type < 0x8000
    }

    // RFC 8489 limits on the text attributes, in bytes.
    static let maximumUsernameLength = 513  // §14.3
    static let maximumReasonLength = 763    // §14.8
    static let maximumSoftwareLength = 763  // §14.14
}

// MARK: - Decoding

extension STUNAttribute {
    /// Decodes one attribute value (without padding). Unknown types become
    /// `.unknown`; a known type with a bad value throws.
    static func decode(type: UInt16, value: UnsafeRawBufferPointer,
                       transactionID: STUNTransactionID) throws(STUNParseError) -> STUNAttribute {
        switch type {
        case Code.mappedAddress:
            return .mappedAddress(try decodeAddress(value, type: type, xor: nil))
        case Code.xorMappedAddress:
            return .xorMappedAddress(try decodeAddress(value, type: type, xor: transactionID))
        case Code.username:
            return .username(try decodeText(value, type: type, maximum: maximumUsernameLength))
        case Code.software:
            return .software(try decodeText(value, type: type, maximum: maximumSoftwareLength))
        case Code.messageIntegrity:
            guard value.count == 20 else { throw .malformedAttribute(type: type) }
            return .messageIntegrity
        case Code.fingerprint:
            guard value.count == 4 else { throw .malformedAttribute(type: type) }
            return .fingerprint
        case Code.priority:
            guard value.count == 4 else { throw .malformedAttribute(type: type) }
            return .priority(STUNWire.uint32(value, 0))
        case Code.useCandidate:
            guard value.isEmpty else { throw .malformedAttribute(type: type) }
            return .useCandidate
        case Code.iceControlled, Code.iceControlling:
            guard value.count == 8 else { throw .malformedAttribute(type: type) }
            let tieBreaker = STUNWire.uint64(value, 0)
            return type == Code.iceControlled ? .iceControlled(tieBreaker) : .iceControlling(tieBreaker)
        case Code.errorCode:
            // RFC 8489 §14.8: 21 reserved bits, a 3-bit class (3…6) and a number
            // 0…99, then the reason phrase.
            guard value.count >= 4 else { throw .malformedAttribute(type: type) }
            let errorClass = UInt16(value[2] & 0x07)
            let number = UInt16(value[3])
            guard (3...6).contains(errorClass), number < 100 else { throw .malformedAttribute(type: type) }
            let reason = try decodeText(UnsafeRawBufferPointer(rebasing: value[4...]), type: type,
                                        maximum: maximumReasonLength)
            return .errorCode(code: errorClass * 100 + number, reason: reason)
        case Code.unknownAttributes:
            // RFC 8489 §14.9: a list of 16-bit types.
            guard value.count % 2 == 0 else { throw .malformedAttribute(type: type) }
            return .unknownAttributes(stride(from: 0, to: value.count, by: 2).map { STUNWire.uint16(value, $0) })
        default:
            return .unknown(type: type, value: Array(value))
        }
    }

    /// MAPPED-ADDRESS and XOR-MAPPED-ADDRESS (RFC 8489 §14.1, §14.2): a zero
    /// byte, the family, the port, then 4 or 16 address bytes. The XOR form
    /// XORs the port with the cookie's top 16 bits and the address with the
    /// cookie (IPv4) or the cookie followed by the transaction ID (IPv6).
    static func decodeAddress(_ value: UnsafeRawBufferPointer, type: UInt16,
                              xor transactionID: STUNTransactionID?) throws(STUNParseError) -> STUNAddress {
        guard value.count >= 4 else { throw .malformedAttribute(type: type) }
        var port = STUNWire.uint16(value, 2)
        if transactionID != nil { port ^= UInt16(truncatingIfNeeded: STUNWire.magicCookie >> 16) }
        switch value[1] {
        case STUNAddress.Family.v4.rawValue:
            guard value.count == 8 else { throw .malformedAttribute(type: type) }
            var ip = STUNWire.uint32(value, 4)
            if transactionID != nil { ip ^= STUNWire.magicCookie }
            return STUNAddress(ipv4: ip, port: port)
        case STUNAddress.Family.v6.rawValue:
            guard value.count == 20 else { throw .malformedAttribute(type: type) }
            var high = STUNWire.uint64(value, 4)
            var low = STUNWire.uint64(value, 12)
            if let id = transactionID {
                high ^= UInt64(STUNWire.magicCookie) << 32 | id.high >> 32
                low ^= id.high << 32 | UInt64(id.low)
            }
            return STUNAddress(ipv6: (high, low), port: port)
        default:
            throw .malformedAttribute(type: type)
        }
    }

    /// UTF-8 text of at most `maximum` bytes.
    static func decodeText(_ value: UnsafeRawBufferPointer, type: UInt16,
                           maximum: Int) throws(STUNParseError) -> String {
        guard value.count <= maximum, let text = String(validating: value, as: UTF8.self) else {
            throw .malformedAttribute(type: type)
        }
        return text
    }
}

// MARK: - Encoding

extension STUNAttribute {
    /// Appends the attribute (header, value, padding) to `buffer`.
    /// `.messageIntegrity` and `.fingerprint` append nothing (the serializer
    /// computes those). Values longer than STUN allows are truncated: text at a
    /// character boundary to RFC 8489's limits, other values to 65,532 bytes.
    func encode(into buffer: inout [UInt8], transactionID: STUNTransactionID, padding: UInt8) {
        func header(_ length: Int) {
            STUNWire.append(type, to: &buffer)
            STUNWire.append(UInt16(length), to: &buffer)
        }
        func text(_ string: String, maximum: Int) {
            let bytes = Self.truncatedUTF8(string, maximum: maximum)
            header(bytes.count)
            buffer.append(contentsOf: bytes)
            pad(bytes.count)
        }
        func pad(_ length: Int) {
            for _ in length..<STUNWire.padded(length) { buffer.append(padding) }
        }
        switch self {
        case .messageIntegrity, .fingerprint:
            return
        case .mappedAddress(let address):
            encodeAddress(address, into: &buffer, xor: nil)
        case .xorMappedAddress(let address):
            encodeAddress(address, into: &buffer, xor: transactionID)
        case .username(let name):
            text(name, maximum: Self.maximumUsernameLength)
        case .software(let name):
            text(name, maximum: Self.maximumSoftwareLength)
        case .errorCode(let code, let reason):
            let bytes = Self.truncatedUTF8(reason, maximum: Self.maximumReasonLength)
            header(4 + bytes.count)
            let clamped = min(max(code, 300), 699)
            buffer.append(contentsOf: [0, 0, UInt8(clamped / 100), UInt8(clamped % 100)])
            buffer.append(contentsOf: bytes)
            pad(4 + bytes.count)
        case .unknownAttributes(let types):
            let list = types.prefix(32_766)
            header(list.count * 2)
            for type in list { STUNWire.append(type, to: &buffer) }
            pad(list.count * 2)
        case .priority(let priority):
            header(4)
            STUNWire.append(priority, to: &buffer)
        case .useCandidate:
            header(0)
        case .iceControlled(let tieBreaker), .iceControlling(let tieBreaker):
            header(8)
            STUNWire.append(tieBreaker, to: &buffer)
        case .unknown(_, let value):
            let bytes = value.prefix(65_532)
            header(bytes.count)
            buffer.append(contentsOf: bytes)
            pad(bytes.count)
        }
    }

    private func encodeAddress(_ address: STUNAddress, into buffer: inout [UInt8], xor transactionID: STUNTransactionID?) {
        STUNWire.append(type, to: &buffer)
        STUNWire.append(UInt16(address.family == .v4 ? 8 : 20), to: &buffer)
        buffer.append(0)
        buffer.append(address.family.rawValue)
        var port = address.port
        if transactionID != nil { port ^= UInt16(truncatingIfNeeded: STUNWire.magicCookie >> 16) }
        STUNWire.append(port, to: &buffer)
        switch address.family {
        case .v4:
            var ip = UInt32(truncatingIfNeeded: address.low)
            if transactionID != nil { ip ^= STUNWire.magicCookie }
            STUNWire.append(ip, to: &buffer)
        case .v6:
            var high = address.high
            var low = address.low
            if let id = transactionID {
                high ^= UInt64(STUNWire.magicCookie) << 32 | id.high >> 32
                low ^= id.high << 32 | UInt64(id.low)
            }
            STUNWire.append(high, to: &buffer)
            STUNWire.append(low, to: &buffer)
        }
    }

    /// The first `maximum` bytes or fewer of the string's UTF-8, never cutting a character's encoding.
    static func truncatedUTF8(_ string: String, maximum: Int) -> ArraySlice<UInt8> {
        let bytes = Array(string.utf8)
        guard bytes.count > maximum else { return bytes[...] }
        var end = maximum
        // Back off continuation bytes (10xxxxxx) so the cut falls before a lead byte.
        while end > 0 && bytes[end] & 0xC0 == 0x80 { end -= 1 }
        return bytes[..<end]
    }
}
