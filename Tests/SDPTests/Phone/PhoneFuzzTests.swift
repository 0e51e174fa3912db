import Testing
@testable import SDP

/// Truncated and mutated offers: every one must answer or throw, never trap.
@Suite("Phone negotiation on damaged input")
struct PhoneFuzzTests {
    static let seeds = [PhoneFixtures.baresip, PhoneFixtures.polycom, PhoneFixtures.linphone, PhoneFixtures.sdes,
                        PhoneFixtures.videoAndAudio, PhoneFixtures.holdZeroAddress]

    static func attempt(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        _ = try? PhoneNegotiation.answer(offer: text, localAddress: "127.0.0.1", localPort: 4000,
                                         keyProvider: .fixed(PhoneFixtures.localKey), sessionID: 1, sessionVersion: 1)
        _ = try? PhoneNegotiation.readAnswer(text, toOffer: PhoneOfferTests.secureOffer)
    }

    @Test("Every truncation of every seed")
    func truncations() {
        for seed in Self.seeds {
            let bytes = Array(seed.utf8)
            for length in 0...bytes.count { Self.attempt(Array(bytes[..<length])) }
        }
    }

    @Test("Deterministic random byte mutations")
    func mutations() {
        // A fixed xorshift generator: the same cases on every run.
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        func next() -> UInt64 {
            state ^= state << 13
            state ^= state >> 7
            state ^= state << 17
            return state
        }
        let interesting: [UInt8] = Array(" :/=|\n\r0-9aAz^;*\u{7F}".utf8) + [0x00, 0xFF, 0xC3]
        for seed in Self.seeds {
            let original = Array(seed.utf8)
            for _ in 0..<400 {
                var bytes = original
                for _ in 0..<(1 + Int(next() % 4)) {
                    let index = Int(next() % UInt64(bytes.count))
                    switch next() % 3 {
                    case 0: bytes[index] = interesting[Int(next() % UInt64(interesting.count))]
                    case 1: bytes.remove(at: index)
                    default: bytes.insert(UInt8(truncatingIfNeeded: next()), at: index)
                    }
                    if bytes.isEmpty { break }
                }
                Self.attempt(bytes)
            }
        }
    }

    @Test("Extreme values: port 65535, payload type 127, huge ptime")
    func extremes() throws {
        let offer = """
            v=0
            o=- 18446744073709551615 18446744073709551615 IN IP4 10.0.0.1
            s=-
            c=IN IP4 10.0.0.1
            t=0 0
            m=audio 65535 RTP/AVP 127
            a=rtpmap:127 PCMU/8000
            a=ptime:99999999999999999999
            a=rtcp:0
            """
        let media = try PhoneNegotiation.answer(offer: offer, localAddress: "127.0.0.1", localPort: 1,
                                                sessionID: 1, sessionVersion: 1).media
        #expect(media.remotePort == 65535)
        #expect(media.remoteRTCPPort == 0) // wraps: 65535 + 1 has no RTCP port
        #expect(media.remotePtime == nil)
    }
}
