import Foundation
import Testing
@testable import SDP

@Suite("Offering to phones and reading their answers")
struct PhoneOfferTests {
    static let plainOffer = PhoneNegotiation.offer(localAddress: "198.51.100.7", localPort: 30000,
                                                   sessionID: 99, sessionVersion: 1)
    static let secureOffer = PhoneNegotiation.offer(localAddress: "198.51.100.7", localPort: 30000, srtp: true,
                                                    keyProvider: .fixed(PhoneFixtures.localKey),
                                                    sessionID: 99, sessionVersion: 1)

    @Test("The plain offer, line by line")
    func plainOffer() {
        #expect(Self.plainOffer == PhoneFixtures.crlf("""
            v=0
            o=parley 99 1 IN IP4 198.51.100.7
            s=Parley
            c=IN IP4 198.51.100.7
            t=0 0
            m=audio 30000 RTP/AVP 111 9 0 8 101 110
            a=rtpmap:111 opus/48000/2
            a=fmtp:111 useinbandfec=1
            a=rtpmap:9 G722/8000
            a=rtpmap:0 PCMU/8000
            a=rtpmap:8 PCMA/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=rtpmap:110 telephone-event/48000
            a=fmtp:110 0-15
            a=ptime:20
            a=sendrecv

            """))
    }

    @Test("The offer follows the preferences; G.711 only has no 48 kHz event")
    func offerPreferences() throws {
        let text = PhoneNegotiation.offer(localAddress: "10.0.0.1", localPort: 5004, preferences: [.pcma, .pcmu],
                                          sessionID: 1, sessionVersion: 1)
        let offer = try SessionDescription(parsing: text)
        #expect(offer.media[0].formats == ["8", "0", "101"])
    }

    @Test("SRTP offer: RTP/SAVP with tags 1 (_80) and 2 (_32)")
    func secureOffer() throws {
        let offer = try SessionDescription(parsing: Self.secureOffer)
        #expect(offer.media[0].proto == "RTP/SAVP")
        #expect(offer.media[0].attributeValues("crypto") == [
            "1 AES_CM_128_HMAC_SHA1_80 inline:\(PhoneFixtures.localKeyBase64)",
            "2 AES_CM_128_HMAC_SHA1_32 inline:\(PhoneFixtures.localKeyBase64)",
        ])
    }

    @Test("Parley answering Parley's own offer: Opus, and the answer reads back")
    func roundTrip() throws {
        let answer = try PhoneNegotiation.answer(offer: Self.secureOffer, localAddress: "203.0.113.9", localPort: 7000,
                                                 keyProvider: .fixed(PhoneFixtures.remoteKey),
                                                 sessionID: 5, sessionVersion: 1)
        #expect(answer.media.codec == .opus)
        #expect(answer.media.telephoneEventPayloadType == 110)
        let media = try PhoneNegotiation.readAnswer(answer.sdp, toOffer: Self.secureOffer)
        #expect(media.codec == .opus)
        #expect(media.parameters.payloadType == 111 && media.receivePayloadType == 111)
        #expect(media.telephoneEventPayloadType == 110 && media.telephoneEventReceivePayloadType == 110)
        #expect(media.remoteAddress == "203.0.113.9" && media.remotePort == 7000)
        #expect(media.srtp == PhoneSRTP(suite: .aesCM128HMACSHA1_80, tag: 1,
                                        remoteKey: PhoneFixtures.remoteKey, localKey: PhoneFixtures.localKey))
    }

    @Test("baresip's answer with its own payload types")
    func baresipAnswer() throws {
        let answer = """
            v=0
            o=- 3412 3412 IN IP4 127.0.0.1
            s=-
            c=IN IP4 127.0.0.1
            t=0 0
            m=audio 10010 RTP/AVP 0 96
            a=rtpmap:0 PCMU/8000
            a=rtpmap:96 telephone-event/8000
            a=fmtp:96 0-15
            a=ptime:20
            a=sendrecv
            """
        let media = try PhoneNegotiation.readAnswer(answer, toOffer: Self.plainOffer)
        #expect(media.codec == .pcmu)
        #expect(media.telephoneEventPayloadType == 96)
        #expect(media.telephoneEventReceivePayloadType == 101)
        #expect(media.remotePort == 10010)
        #expect(media.remoteDirection == .sendrecv && media.srtp == nil)
    }

    @Test("Bad answers")
    func badAnswers() {
        func error(_ answer: String, offer: String = PhoneOfferTests.plainOffer) -> PhoneNegotiationError? {
            do {
                _ = try PhoneNegotiation.readAnswer(answer, toOffer: offer)
                return nil
            } catch {
                return error
            }
        }
        let head = "v=0\no=- 1 1 IN IP4 10.0.0.2\ns=-\nc=IN IP4 10.0.0.2\nt=0 0\n"
        #expect(error(head + "m=audio 0 RTP/AVP 0") == .noAudio)
        #expect(error(head + "m=audio 4000 RTP/AVP 18\na=rtpmap:18 G729/8000") == .noCommonCodec(offered: ["G729/8000"]))
        #expect(error(head) != nil)
        #expect(error(head + "m=audio 4000 RTP/SAVP 0") != nil)
        #expect(error("garbage")?.sipStatus == 400)
        #expect(error(head + "m=audio 4000 RTP/AVP 0", offer: "nope") == .invalidOffer("SDP line 1: expected <letter>=<value> (RFC 8866 §5)"))
        // SRTP: a tag we did not offer, a suite that does not match the tag, no key.
        let crypto = "a=crypto:%@ inline:\(PhoneFixtures.remoteKeyBase64)"
        let savp = head + "m=audio 4000 RTP/SAVP 0\n"
        #expect(error(savp + String(format: crypto, "3 AES_CM_128_HMAC_SHA1_80"), offer: Self.secureOffer) != nil)
        #expect(error(savp + String(format: crypto, "1 AES_CM_128_HMAC_SHA1_32"), offer: Self.secureOffer) != nil)
        #expect(error(savp, offer: Self.secureOffer) != nil)
        #expect(error(savp + String(format: crypto, "2 AES_CM_128_HMAC_SHA1_32"), offer: Self.secureOffer) == nil)
    }
}
