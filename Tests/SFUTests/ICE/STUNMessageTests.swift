import Testing
@testable import SFU

@Suite("STUN messages: RFC 5769 test vectors and round trips")
struct STUNMessageTests {
    typealias B = ICETestBytes

    @Test("RFC 5769 §2.1 sample request parses, and integrity and fingerprint verify")
    func sampleRequest() throws {
        let bytes = B.rfc5769Request
        let message = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(message.method == .binding)
        #expect(message.messageClass == .request)
        #expect(message.transactionID == B.rfc5769TransactionID)
        #expect(message.attributes == [
            .software("STUN test client"),
            .priority(0x6E00_01FF),
            .iceControlled(0x932F_F9B1_5126_3B36),
            .username("evtj:h6vY"),
            .messageIntegrity,
            .fingerprint,
        ])
        #expect(message.username == "evtj:h6vY")
        #expect(message.priority == 0x6E00_01FF)
        #expect(message.iceControlled == 0x932F_F9B1_5126_3B36)
        #expect(message.iceControlling == nil)
        #expect(!message.hasUseCandidate)
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
            #expect(!STUNMessage.verifyIntegrity(raw, password: Array("VOkJxbRl1RmTxUk/WvJxBT".utf8)))
            #expect(STUNMessage.verifyFingerprint(raw))
            #expect(STUNMessage.looksLikeSTUN(raw))
            #expect(STUNMessage.localUsernameFragment(raw) == "evtj")
        }
    }

    @Test("RFC 5769 §2.1 request is reproduced byte for byte (padding 0x20)")
    func sampleRequestSerialises() {
        let message = STUNMessage(method: .binding, messageClass: .request,
                                  transactionID: B.rfc5769TransactionID,
                                  attributes: [.software("STUN test client"), .priority(0x6E00_01FF),
                                               .iceControlled(0x932F_F9B1_5126_3B36), .username("evtj:h6vY")])
        let bytes = message.serialized(integrityPassword: B.rfc5769Password, fingerprint: true, padding: 0x20)
        #expect(B.hexString(bytes) == B.hexString(B.rfc5769Request))
    }

    @Test("RFC 5769 §2.2 IPv4 response: parse, verify, reproduce")
    func ipv4Response() throws {
        let bytes = B.rfc5769IPv4Response
        let message = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(message.messageClass == .successResponse)
        #expect(message.method == .binding)
        #expect(message.transactionID == B.rfc5769TransactionID)
        let expected = STUNAddress(ipv4: (192, 0, 2, 1), port: 32853)
        #expect(message.xorMappedAddress == expected)
        #expect(message.attributes == [.software("test vector"), .xorMappedAddress(expected),
                                       .messageIntegrity, .fingerprint])
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
            #expect(STUNMessage.verifyFingerprint(raw))
            #expect(STUNMessage.localUsernameFragment(raw) == nil)  // not a request
        }
        let rebuilt = message.serialized(integrityPassword: B.rfc5769Password, fingerprint: true, padding: 0x20)
        #expect(B.hexString(rebuilt) == B.hexString(bytes))
    }

    @Test("RFC 5769 §2.3 IPv6 response: parse, verify, reproduce")
    func ipv6Response() throws {
        let bytes = B.rfc5769IPv6Response
        let message = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        let expected = try #require(STUNAddress(string: "2001:db8:1234:5678:11:2233:4455:6677", port: 32853))
        #expect(message.xorMappedAddress == expected)
        #expect(message.xorMappedAddress?.description == "[2001:db8:1234:5678:11:2233:4455:6677]:32853")
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
        let rebuilt = message.serialized(integrityPassword: B.rfc5769Password, fingerprint: true, padding: 0x20)
        #expect(B.hexString(rebuilt) == B.hexString(bytes))
    }

    @Test("Public serializer pads with zeros and still verifies")
    func zeroPadding() throws {
        let message = STUNMessage(method: .binding, messageClass: .successResponse,
                                  transactionID: B.rfc5769TransactionID,
                                  attributes: [.software("test vector"),
                                               .xorMappedAddress(STUNAddress(ipv4: (192, 0, 2, 1), port: 32853))])
        let bytes = message.serialized(integrityPassword: B.rfc5769Password, fingerprint: true)
        // "test vector" is 11 bytes: one zero byte of padding where RFC 5769 has 0x20.
        #expect(bytes[20 + 4 + 11] == 0)
        #expect(bytes.count == B.rfc5769IPv4Response.count)
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
        let parsed = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(parsed.attributes == message.attributes + [.messageIntegrity, .fingerprint])
    }

    @Test("Every attribute kind round-trips", arguments: [false, true])
    func roundTrip(integrity: Bool) throws {
        let id = STUNTransactionID.random()
        let attributes: [STUNAttribute] = [
            .mappedAddress(STUNAddress(ipv4: (10, 0, 0, 1), port: 1)),
            .username("ufrag:other"),
            .errorCode(code: 487, reason: "Role Conflict"),
            .unknownAttributes([0x0003, 0x7FFF, 0x0042]),
            .xorMappedAddress(STUNAddress(string: "fe80::1:2", port: 65535)!),
            .xorMappedAddress(STUNAddress(ipv4: (255, 255, 255, 255), port: 0)),
            .priority(0xFFFF_FFFF),
            .useCandidate,
            .software("Parley ✓"),
            .iceControlled(0),
            .iceControlling(.max),
            .unknown(type: 0xC057, value: [0, 1, 0, 0x2A, 9]),
            .unknown(type: 0x8000, value: []),
        ]
        let message = STUNMessage(method: STUNMessage.Method(rawValue: 0xABC), messageClass: .errorResponse,
                                  transactionID: id, attributes: attributes)
        let bytes = message.serialized(integrityPassword: integrity ? [1, 2, 3] : nil, fingerprint: true)
        let parsed = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(parsed.method.rawValue == 0xABC)
        #expect(parsed.messageClass == .errorResponse)
        #expect(parsed.transactionID == id)
        #expect(parsed.attributes == attributes + (integrity ? [.messageIntegrity] : []) + [.fingerprint])
        #expect(parsed.errorCode?.code == 487)
        #expect(parsed.unknownComprehensionRequiredTypes == [])
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyFingerprint(raw))
            #expect(STUNMessage.verifyIntegrity(raw, password: [1, 2, 3]) == integrity)
        }
    }

    @Test("Message type encodes method and class bits as in RFC 8489 Figure 3")
    func messageTypeBits() {
        #expect(STUNMessage.encodeType(.binding, .request) == 0x0001)
        #expect(STUNMessage.encodeType(.binding, .indication) == 0x0011)
        #expect(STUNMessage.encodeType(.binding, .successResponse) == 0x0101)
        #expect(STUNMessage.encodeType(.binding, .errorResponse) == 0x0111)
        for raw in stride(from: UInt16(0), through: 0x3FFF, by: 7) {
            let (method, messageClass) = STUNMessage.decodeType(raw)
            #expect(STUNMessage.encodeType(method, messageClass) == raw)
        }
    }

    @Test("Attributes after MESSAGE-INTEGRITY other than FINGERPRINT are ignored (RFC 8489 §14.5)")
    func afterIntegrity() throws {
        // A valid request, then an extra PRIORITY and an unknown comprehension-
        // required attribute spliced in between MESSAGE-INTEGRITY and FINGERPRINT.
        var bytes = B.hex("""
            000100302112a442b7e7a701bc34d686fa87dfae
            000600096576746a3a68367659000000
            000800140000000000000000000000000000000000000000
            002400040000000100420000
            """)
        bytes.append(contentsOf: [0x80, 0x28, 0x00, 0x04, 0, 0, 0, 0])
        bytes[3] = UInt8(bytes.count - 20)
        let parsed = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(parsed.attributes == [.username("evtj:h6vY"), .messageIntegrity, .fingerprint])
        #expect(parsed.priority == nil)
        #expect(parsed.unknownComprehensionRequiredTypes.isEmpty)
    }

    @Test("looksLikeSTUN follows RFC 7983's first-byte ranges and checks the cookie")
    func demultiplexing() {
        var bytes = B.rfc5769Request
        bytes.withUnsafeBytes { #expect(STUNMessage.looksLikeSTUN($0)) }
        for first: UInt8 in [4, 20, 63, 128, 191, 255] {
            bytes[0] = first
            bytes.withUnsafeBytes { #expect(!STUNMessage.looksLikeSTUN($0)) }
        }
        bytes = B.rfc5769Request
        bytes[4] = 0x22
        bytes.withUnsafeBytes { #expect(!STUNMessage.looksLikeSTUN($0)) }
        Array(B.rfc5769Request.prefix(19)).withUnsafeBytes { #expect(!STUNMessage.looksLikeSTUN($0)) }
    }

    @Test("localUsernameFragment: only Binding requests with a colon, USERNAME before MESSAGE-INTEGRITY")
    func usernamePeek() {
        func peek(_ attributes: [STUNAttribute], _ messageClass: STUNMessage.Class = .request) -> String? {
            let bytes = STUNMessage(method: .binding, messageClass: messageClass, transactionID: .random(),
                                    attributes: attributes).serialized(integrityPassword: [9], fingerprint: true)
            return bytes.withUnsafeBytes { STUNMessage.localUsernameFragment($0) }
        }
        #expect(peek([.priority(1), .username("abcd1234abcd:remote")]) == "abcd1234abcd")
        #expect(peek([.username("a:")]) == "a")
        #expect(peek([.username(":b")]) == nil)
        #expect(peek([.username("nocolon")]) == nil)
        #expect(peek([.priority(1)]) == nil)
        #expect(peek([.username("a:b")], .indication) == nil)
        #expect(peek([.username("a:b")], .successResponse) == nil)
        // Invalid UTF-8 before the colon.
        let bytes = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                                attributes: [.unknown(type: 0x0006, value: [0xFF, 0x3A, 0x41])])
            .serialized(integrityPassword: nil, fingerprint: false)
        bytes.withUnsafeBytes { #expect(STUNMessage.localUsernameFragment($0) == nil) }
    }

    @Test("CRC-32 matches the standard check value")
    func crc() {
        Array("123456789".utf8).withUnsafeBytes { #expect(STUNCRC32.checksum($0) == 0xCBF4_3926) }
        [UInt8]().withUnsafeBytes { #expect(STUNCRC32.checksum($0) == 0) }
    }

    @Test("Transaction IDs: twelve bytes only, bytes round-trip")
    func transactionIDs() {
        #expect(STUNTransactionID(bytes: [UInt8](repeating: 1, count: 11)) == nil)
        #expect(STUNTransactionID(bytes: [UInt8](repeating: 1, count: 13)) == nil)
        let bytes: [UInt8] = Array(1...12)
        #expect(STUNTransactionID(bytes: bytes)?.bytes == bytes)
        #expect(STUNTransactionID(bytes: bytes)?.description == "0102030405060708090a0b0c")
        #expect(STUNTransactionID.random() != STUNTransactionID.random())
    }

    @Test("Over-long values are truncated to fit, never trap")
    func oversizedValues() throws {
        let long = String(repeating: "é", count: 1_000)  // 2,000 UTF-8 bytes
        let message = STUNMessage(method: .binding, messageClass: .request, transactionID: .random(),
                                  attributes: [.username(long), .software(long), .errorCode(code: 9999, reason: long)]
                                      + Array(repeating: .unknown(type: 0x8123, value: [UInt8](repeating: 7, count: 70_000)), count: 3))
        let bytes = message.serialized(integrityPassword: [1], fingerprint: true)
        #expect(bytes.count <= 20 + 65_535)
        let parsed = try bytes.withUnsafeBytes { try STUNMessage(parsing: $0) }
        #expect(parsed.username?.utf8.count == 512)  // 513 would split a character
        #expect(parsed.errorCode?.code == 699)
        bytes.withUnsafeBytes { raw in
            #expect(STUNMessage.verifyIntegrity(raw, password: [1]))
            #expect(STUNMessage.verifyFingerprint(raw))
        }
    }
}
