/// A STUN message (RFC 8489): parsed from bytes, or built and serialised.
///
/// Parsing checks the header (RFC 8489 §5) and the attribute framing
/// (§14), decodes the attributes ICE uses, and keeps the rest as `.unknown`.
/// Authentication is separate: `verifyIntegrity(_:password:)` and
/// `verifyFingerprint(_:)` work on the original bytes.
public struct STUNMessage: Hashable, Sendable {
    /// A STUN method: the 12-bit number in the message type (RFC 8489 §5).
    /// ICE uses only Binding; other values are kept as they are.
    public struct Method: RawRepresentable, Hashable, Sendable {
        /// The method number, 0…0xFFF.
        public var rawValue: UInt16

        /// A method number; bits above the twelfth are dropped.
        public init(rawValue: UInt16) {
            self.rawValue = rawValue & 0x0FFF
        }

        /// Binding (RFC 8489 §18.2).
        public static let binding = Method(rawValue: 0x001)
    }

    /// The class of a message: the two C bits of the message type (RFC 8489 §5).
    public enum Class: UInt8, Hashable, Sendable {
        case request = 0b00
        case indication = 0b01
        case successResponse = 0b10
        case errorResponse = 0b11
    }

    /// The method.
    public var method: Method
    /// The class.
    public var messageClass: Class
    /// The transaction ID; a response carries its request's (RFC 8489 §6.3).
    public var transactionID: STUNTransactionID
    /// The attributes in wire order. When parsing, attributes after
    /// MESSAGE-INTEGRITY other than FINGERPRINT, and anything after
    /// FINGERPRINT, are left out (RFC 8489 §14.5, §14.7).
    public var attributes: [STUNAttribute]

    /// A message built in code, e.g. a response.
    public init(method: Method, messageClass: Class, transactionID: STUNTransactionID,
                attributes: [STUNAttribute] = []) {
        self.method = method
        self.messageClass = messageClass
        self.transactionID = transactionID
        self.attributes = attributes
    }

    /// Parses one STUN message that fills `bytes` exactly (one UDP datagram).
    ///
    /// Throws `STUNParseError` for anything malformed; never traps.
    public init(parsing bytes: UnsafeRawBufferPointer) throws(STUNParseError) {
        let bodyLength = try Self.validateHeader(bytes)
        let type = STUNWire.uint16(bytes, 0)
        (method, messageClass) = Self.decodeType(type)
        transactionID = STUNTransactionID(reading: bytes, at: 8)
        attributes = []
        attributes.reserveCapacity(8)

        var afterIntegrity = false
        var offset = STUNWire.headerSize
        let end = STUNWire.headerSize + bodyLength
        while offset < end {
            let (attributeType, value) = try Self.attribute(in: bytes, at: offset, end: end)
            offset += 4 + STUNWire.padded(value.count)
            // RFC 8489 §14.5: after MESSAGE-INTEGRITY only FINGERPRINT counts;
            // §14.7: FINGERPRINT is last, so nothing after it counts either.
            // The framing of what follows is still checked above.
            if afterIntegrity && attributeType != STUNAttribute.Code.fingerprint { continue }
            let attribute = try STUNAttribute.decode(type: attributeType, value: value, transactionID: transactionID)
            attributes.append(attribute)
            if attributeType == STUNAttribute.Code.messageIntegrity { afterIntegrity = true }
            if attributeType == STUNAttribute.Code.fingerprint { break }
        }
        // The framing after FINGERPRINT, if any, must still be sound.
        while offset < end {
            let (_, value) = try Self.attribute(in: bytes, at: offset, end: end)
            offset += 4 + STUNWire.padded(value.count)
        }
    }
}

// MARK: - Accessors

extension STUNMessage {
    /// The first USERNAME, if any.
    public var username: String? {
        for case .username(let name) in attributes { return name }
        return nil
    }

    /// The first XOR-MAPPED-ADDRESS, if any.
    public var xorMappedAddress: STUNAddress? {
        for case .xorMappedAddress(let address) in attributes { return address }
        return nil
    }

    /// The first PRIORITY, if any.
    public var priority: UInt32? {
        for case .priority(let priority) in attributes { return priority }
        return nil
    }

    /// Whether USE-CANDIDATE is present.
    public var hasUseCandidate: Bool {
        attributes.contains(.useCandidate)
    }

    /// Whether MESSAGE-INTEGRITY is present (not whether it is valid).
    public var hasMessageIntegrity: Bool {
        attributes.contains(.messageIntegrity)
    }

    /// Whether FINGERPRINT is present (not whether it is valid).
    public var hasFingerprint: Bool {
        attributes.contains(.fingerprint)
    }

    /// The tie-breaker of the first ICE-CONTROLLING, if any.
    public var iceControlling: UInt64? {
        for case .iceControlling(let value) in attributes { return value }
        return nil
    }

    /// The tie-breaker of the first ICE-CONTROLLED, if any.
    public var iceControlled: UInt64? {
        for case .iceControlled(let value) in attributes { return value }
        return nil
    }

    /// The first ERROR-CODE, if any.
    public var errorCode: (code: UInt16, reason: String)? {
        for case .errorCode(let code, let reason) in attributes { return (code, reason) }
        return nil
    }

    /// Comprehension-required attribute types (0x0000…0x7FFF) this parser does
    /// not understand, in order of appearance, without repeats (RFC 8489 §6.3.1.1).
    public var unknownComprehensionRequiredTypes: [UInt16] {
        var types: [UInt16] = []
        for case .unknown(let type, _) in attributes
        where STUNAttribute.isComprehensionRequired(type) && !types.contains(type) {
            types.append(type)
        }
        return types
    }
}

// MARK: - Header and framing

extension STUNMessage {
    /// Checks the fixed header (RFC 8489 §5) and returns the message length
    /// (the bytes after the header).
    static func validateHeader(_ bytes: UnsafeRawBufferPointer) throws(STUNParseError) -> Int {
        guard bytes.count >= STUNWire.headerSize else { throw .tooShort(count: bytes.count) }
        // The two most significant bits of every STUN message are zero.
        guard bytes[0] & 0xC0 == 0 else { throw .notSTUN }
        let cookie = STUNWire.uint32(bytes, 4)
        guard cookie == STUNWire.magicCookie else { throw .badMagicCookie(cookie) }
        let length = Int(STUNWire.uint16(bytes, 2))
        guard length % 4 == 0 else { throw .lengthNotMultipleOfFour(length) }
        guard length == bytes.count - STUNWire.headerSize else {
            throw .lengthMismatch(declared: length, actual: bytes.count - STUNWire.headerSize)
        }
        return length
    }

    /// The attribute whose header starts at `offset`: its type and its value
    /// without padding. Throws if the header, the value or its padding pass `end`.
    static func attribute(in bytes: UnsafeRawBufferPointer, at offset: Int,
                          end: Int) throws(STUNParseError) -> (type: UInt16, value: UnsafeRawBufferPointer) {
        guard offset + 4 <= end else {
            throw .truncatedAttribute(type: offset + 2 <= end ? STUNWire.uint16(bytes, offset) : 0)
        }
        let type = STUNWire.uint16(bytes, offset)
        let length = Int(STUNWire.uint16(bytes, offset + 2))
        let valueStart = offset + 4
        guard valueStart + STUNWire.padded(length) <= end else { throw .truncatedAttribute(type: type) }
        return (type, UnsafeRawBufferPointer(rebasing: bytes[valueStart..<(valueStart + length)]))
    }

    /// Splits the 14-bit message type into method and class (RFC 8489 §5,
    /// Figure 3: class bits C1 and C0 sit at bits 8 and 4 among the method bits).
    static func decodeType(_ type: UInt16) -> (Method, Class) {
        let method = (type & 0x000F) | ((type & 0x00E0) >> 1) | ((type & 0x3E00) >> 2)
        let classBits = UInt8(truncatingIfNeeded: ((type & 0x0100) >> 7) | ((type & 0x0010) >> 4))
        // Two bits always name one of the four classes.
        return (Method(rawValue: method), Class(rawValue: classBits) ?? .request)
    }

    /// The 14-bit message type for a method and class (the inverse of `decodeType`).
    static func encodeType(_ method: Method, _ messageClass: Class) -> UInt16 {
        let m = method.rawValue
        let c = UInt16(messageClass.rawValue)
        return (m & 0x000F) | ((m & 0x0070) << 1) | ((m & 0x0F80) << 2)
            | ((c & 0b01) << 4) | ((c & 0b10) << 7)
    }
}
