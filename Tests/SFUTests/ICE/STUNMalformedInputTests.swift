import Testing
@testable import SFU

@Suite("STUN parser: malformed input throws a typed error and never traps")
struct STUNMalformedInputTests {
    typealias B = ICETestBytes

    static let header = "000100002112a442b7e7a701bc34d686fa87dfae"

    /// A header with the right length field for `body` (hex), then `body`.
    static func message(_ body: String, type: String = "0001") -> [UInt8] {
        let bodyBytes = B.hex(body)
        var bytes = B.hex(type) + [UInt8(bodyBytes.count >> 8), UInt8(bodyBytes.count & 0xFF)]
        bytes += B.hex("2112a442b7e7a701bc34d686fa87dfae") + bodyBytes
        return bytes
    }

    static func parse(_ bytes: [UInt8]) -> Result<STUNMessage, STUNParseError> {
        bytes.withUnsafeBytes { raw in Result { () throws(STUNParseError) in try STUNMessage(parsing: raw) } }
    }

    static let cases: [(String, [UInt8], STUNParseError)] = [
        ("empty", [], .tooShort(count: 0)),
        ("19 bytes", Array(B.hex(header).prefix(19)), .tooShort(count: 19)),
        ("top bits set (RTP)", B.hex("800100002112a442b7e7a701bc34d686fa87dfae"), .notSTUN),
        ("top bit 0x40", B.hex("400100002112a442b7e7a701bc34d686fa87dfae"), .notSTUN),
        ("RFC 3489 (no cookie)", B.hex("00010000000000000000000000000000000000ff"), .badMagicCookie(0)),
        ("length 2", B.hex("000100022112a442b7e7a701bc34d686fa87dfae0000"), .lengthNotMultipleOfFour(2)),
        ("length says 8, has 4", B.hex("000100082112a442b7e7a701bc34d686fa87dfae00250000"),
         .lengthMismatch(declared: 8, actual: 4)),
        ("length says 0, has 4", B.hex("000100002112a442b7e7a701bc34d686fa87dfae00250000"),
         .lengthMismatch(declared: 0, actual: 4)),
        ("attribute value past end", message("0006000c6162636465666768"), .truncatedAttribute(type: 0x0006)),
        ("USERNAME of 5 bytes in 4", message("0006000561626364"), .truncatedAttribute(type: 0x0006)),
        ("attribute length 0xFFFF", message("8022ffff00000000"), .truncatedAttribute(type: 0x8022)),
        ("XOR-MAPPED-ADDRESS family 3", message("002000080003a147e112a643"), .malformedAttribute(type: 0x0020)),
        ("XOR-MAPPED-ADDRESS IPv4 with 20 bytes", message("002000140001a147e112a643" + String(repeating: "00", count: 12)),
         .malformedAttribute(type: 0x0020)),
        ("XOR-MAPPED-ADDRESS IPv6 with 8 bytes", message("002000080002a147e112a643"), .malformedAttribute(type: 0x0020)),
        ("MAPPED-ADDRESS 2 bytes", message("000100020001" + "0000"), .malformedAttribute(type: 0x0001)),
        ("PRIORITY 3 bytes", message("0024000301020300"), .malformedAttribute(type: 0x0024)),
        ("PRIORITY 8 bytes", message("002400080102030405060708"), .malformedAttribute(type: 0x0024)),
        ("USE-CANDIDATE with a value", message("0025000401020304"), .malformedAttribute(type: 0x0025)),
        ("ICE-CONTROLLING 4 bytes", message("802a000401020304"), .malformedAttribute(type: 0x802A)),
        ("ICE-CONTROLLED 0 bytes", message("80290000"), .malformedAttribute(type: 0x8029)),
        ("MESSAGE-INTEGRITY 16 bytes", message("00080010" + String(repeating: "00", count: 16)),
         .malformedAttribute(type: 0x0008)),
        ("MESSAGE-INTEGRITY-SHA256-sized MI (32 bytes)", message("00080020" + String(repeating: "00", count: 32)),
         .malformedAttribute(type: 0x0008)),
        ("FINGERPRINT 8 bytes", message("802800080000000000000000"), .malformedAttribute(type: 0x8028)),
        ("USERNAME invalid UTF-8", message("00060003ff3a4100"), .malformedAttribute(type: 0x0006)),
        ("USERNAME 516 bytes", message("00060204" + String(repeating: "61", count: 516)), .malformedAttribute(type: 0x0006)),
        ("SOFTWARE lone continuation byte", message("8022000180000000"), .malformedAttribute(type: 0x8022)),
        ("ERROR-CODE 3 bytes", message("0009000300000400"), .malformedAttribute(type: 0x0009)),
        ("ERROR-CODE class 7", message("0009000400000701"), .malformedAttribute(type: 0x0009)),
        ("ERROR-CODE class 2", message("0009000400000201"), .malformedAttribute(type: 0x0009)),
        ("ERROR-CODE number 100", message("0009000400000464"), .malformedAttribute(type: 0x0009)),
        ("UNKNOWN-ATTRIBUTES odd length", message("000a000300010200"), .malformedAttribute(type: 0x000A)),
        ("framing broken after FINGERPRINT", message("80280004000000000025"  + "0004"),
         .truncatedAttribute(type: 0x0025)),
    ]

    @Test("Malformed fixtures throw the expected error", arguments: cases.indices)
    func malformed(_ index: Int) {
        let (name, bytes, expected) = Self.cases[index]
        switch Self.parse(bytes) {
        case .success(let message):
            Issue.record("\(name): parsed as \(message)")
        case .failure(let error):
            #expect(error == expected, "\(name)")
        }
        bytes.withUnsafeBytes { raw in
            #expect(!STUNMessage.verifyIntegrity(raw, password: [1]), "\(name)")
            #expect(!STUNMessage.verifyFingerprint(raw), "\(name)")
            _ = STUNMessage.looksLikeSTUN(raw)
            _ = STUNMessage.localUsernameFragment(raw)
        }
    }

    @Test("Well-formed edge cases parse")
    func edgeCases() throws {
        // Header only.
        #expect(try Self.parse(B.hex(Self.header)).get().attributes.isEmpty)
        // An ERROR-CODE with an empty reason; a zero-length unknown attribute.
        let parsed = try Self.parse(Self.message("00090004000004010042000080ff0000")).get()
        #expect(parsed.attributes == [.errorCode(code: 401, reason: ""), .unknown(type: 0x0042, value: []),
                                      .unknown(type: 0x80FF, value: [])])
        #expect(parsed.unknownComprehensionRequiredTypes == [0x0042])
        // Non-zero padding is ignored (RFC 8489 §14).
        let padded = try Self.parse(Self.message("00060001" + "61ffffff")).get()
        #expect(padded.username == "a")
        // USERNAME of exactly 513 bytes is allowed.
        let longest = try Self.parse(Self.message("00060201" + String(repeating: "61", count: 513) + "000000")).get()
        #expect(longest.username?.utf8.count == 513)
    }

    @Test("Every prefix and every single-byte change of the RFC 5769 vectors is handled")
    func truncationsAndBitFlips() {
        for vector in [B.rfc5769Request, B.rfc5769IPv4Response, B.rfc5769IPv6Response] {
            for count in 0..<vector.count {
                let prefix = Array(vector.prefix(count))
                if case .success = Self.parse(prefix) { Issue.record("prefix of \(count) bytes parsed") }
                prefix.withUnsafeBytes { raw in
                    #expect(!STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
                    #expect(!STUNMessage.verifyFingerprint(raw))
                    _ = STUNMessage.localUsernameFragment(raw)
                }
            }
            for index in vector.indices {
                for flip: UInt8 in [0x01, 0x80, 0xFF] {
                    var mutated = vector
                    mutated[index] ^= flip
                    _ = Self.parse(mutated)
                    mutated.withUnsafeBytes { raw in
                        // Any change before the FINGERPRINT value breaks the CRC,
                        // and any change to the value itself too.
                        #expect(!STUNMessage.verifyFingerprint(raw))
                        // Any change before MESSAGE-INTEGRITY's end breaks the
                        // HMAC, except in padding, which it covers as well.
                        if index < vector.count - 8 {
                            #expect(!STUNMessage.verifyIntegrity(raw, password: B.rfc5769Password))
                        }
                        _ = STUNMessage.localUsernameFragment(raw)
                    }
                }
            }
        }
    }

    @Test("Random bytes never trap")
    func randomBytes() {
        var generator = ICETestRandom(seed: 0x5EED)
        let source = STUNAddress(ipv4: (203, 0, 113, 9), port: 50_000)
        var agent = ICELiteAgent(localUfrag: "evtj", localPassword: "VOkJxbRl1RmTxUk/WvJxBt")
        let now = ContinuousClock.now
        for round in 0..<20_000 {
            let count = Int(generator.next() % 120)
            var bytes = (0..<count).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
            // Half the time, a plausible header so the attribute loop runs.
            if round % 2 == 0 && count >= 20 {
                bytes[0] &= 0x01
                bytes.replaceSubrange(4..<8, with: [0x21, 0x12, 0xA4, 0x42])
                let length = (count - 20) & ~3
                bytes[2] = UInt8(length >> 8)
                bytes[3] = UInt8(length & 0xFF)
                bytes.removeLast((count - 20) % 4)
            }
            _ = Self.parse(bytes)
            bytes.withUnsafeBytes { raw in
                _ = STUNMessage.verifyIntegrity(raw, password: [1, 2])
                _ = STUNMessage.verifyFingerprint(raw)
                _ = STUNMessage.localUsernameFragment(raw)
                _ = agent.handle(raw, from: source, now: now)
            }
        }
    }
}

/// A small deterministic generator for reproducible random tests.
struct ICETestRandom: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
