import Foundation
import Testing
@testable import SDP

@Suite("Answering phone offers")
struct PhoneAnswerTests {
    func answer(_ offer: String, preferences: [PhoneCodec] = PhoneCodec.defaultPreference,
                version: UInt64 = 1) throws -> PhoneAnswer {
        try PhoneNegotiation.answer(offer: offer, localAddress: "198.51.100.7", localPort: 30000,
                                    preferences: preferences, keyProvider: .fixed(PhoneFixtures.localKey),
                                    sessionID: 4242, sessionVersion: version)
    }

    func failure(_ offer: String, preferences: [PhoneCodec] = PhoneCodec.defaultPreference) -> PhoneNegotiationError? {
        do {
            _ = try answer(offer, preferences: preferences)
            return nil
        } catch let error as PhoneNegotiationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("baresip PCMU: the answer, line by line")
    func baresip() throws {
        let result = try answer(PhoneFixtures.crlf(PhoneFixtures.baresip))
        #expect(result.sdp == PhoneFixtures.crlf("""
            v=0
            o=parley 4242 1 IN IP4 198.51.100.7
            s=Parley
            c=IN IP4 198.51.100.7
            t=0 0
            m=audio 30000 RTP/AVP 0 101
            a=rtpmap:0 PCMU/8000
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-15
            a=ptime:20
            a=sendrecv

            """))
        let media = result.media
        #expect(media.codec == .pcmu)
        #expect(media.parameters == RTPCodecParameters(payloadType: 0, name: "PCMU", clockRate: 8000))
        #expect(media.receivePayloadType == 0)
        #expect(media.telephoneEventPayloadType == 101)
        #expect(media.telephoneEventReceivePayloadType == 101)
        #expect(media.remoteAddress == "127.0.0.1")
        #expect(media.remotePort == 10004)
        #expect(media.remoteRTCPPort == 10005)
        #expect(media.remotePtime == 20)
        #expect(media.localPtime == 20)
        #expect(media.remoteDirection == .sendrecv && media.localDirection == .sendrecv)
        #expect(!media.isOnHold)
        #expect(media.srtp == nil)
        #expect(media.mediaIndex == 0)
        // The answer is valid SDP.
        #expect(try SessionDescription(parsing: result.sdp) == result.description)
    }

    @Test("Polycom: G.722 preferred over G.711, telephone-event at 8000")
    func polycom() throws {
        let media = try answer(PhoneFixtures.polycom).media
        #expect(media.codec == .g722)
        #expect(media.parameters.payloadType == 9)
        #expect(media.parameters.clockRate == 8000)
        #expect(media.telephoneEventPayloadType == 101)
        #expect(media.remoteAddress == "192.168.1.50")
        #expect(media.remotePort == 2226)
        #expect(media.remotePtime == nil)
    }

    @Test("Yealink: a=rtcp port and ptime 30 are recorded; we still send 20")
    func yealink() throws {
        let result = try answer(PhoneFixtures.yealink)
        #expect(result.media.codec == .g722)
        #expect(result.media.remoteRTCPPort == 11801)
        #expect(result.media.remotePtime == 30)
        #expect(result.description.media[0].ptime == 20)
        #expect(result.description.media[0].formats == ["9", "101"])
    }

    @Test("Preferences are configurable; a phone with only PCMU gets PCMU")
    func preferences() throws {
        #expect(try answer(PhoneFixtures.yealink, preferences: [.pcma, .pcmu]).media.codec == .pcma)
        #expect(try answer(PhoneFixtures.polycom, preferences: [.pcmu]).media.codec == .pcmu)
        #expect(try answer(PhoneFixtures.baresip, preferences: [.opus, .pcma, .pcmu]).media.codec == .pcmu)
        #expect(failure(PhoneFixtures.baresip, preferences: [.pcma]) == .noCommonCodec(offered: ["PCMU/8000", "telephone-event/8000"]))
        #expect(failure(PhoneFixtures.baresip, preferences: []) != nil)
    }

    @Test("Linphone: Opus at the phone's payload type, telephone-event/48000")
    func linphone() throws {
        let result = try answer(PhoneFixtures.linphone)
        let media = result.media
        #expect(media.codec == .opus)
        #expect(media.parameters.payloadType == 96)
        #expect(media.parameters.channels == 2)
        #expect(media.parameters.fmtp == "useinbandfec=1; stereo=0; sprop-stereo=0")
        #expect(media.telephoneEventPayloadType == 101)
        let section = result.description.media[0]
        #expect(section.formats == ["96", "101"])
        #expect(section.codecs == [
            RTPCodecParameters(payloadType: 96, name: "opus", clockRate: 48000, channels: 2, fmtp: "useinbandfec=1"),
            RTPCodecParameters(payloadType: 101, name: "telephone-event", clockRate: 48000, fmtp: "0-15"),
        ])
        // Without Opus in the preferences, G.711 with telephone-event/8000.
        let narrow = try answer(PhoneFixtures.linphone, preferences: [.pcmu, .pcma]).media
        #expect(narrow.codec == .pcmu)
        #expect(narrow.telephoneEventPayloadType == 100)
    }

    @Test("SDES: the best suite, the phone's key, our key with the same tag")
    func sdes() throws {
        let result = try answer(PhoneFixtures.sdes)
        let srtp = try #require(result.media.srtp)
        #expect(srtp == PhoneSRTP(suite: .aesCM128HMACSHA1_80, tag: 5,
                                  remoteKey: PhoneFixtures.remoteKey, localKey: PhoneFixtures.localKey))
        #expect(result.media.codec == .pcmu) // PCMU is preferred over the PCMA listed first
        let section = result.description.media[0]
        #expect(section.proto == "RTP/SAVP")
        #expect(section.attributeValues("crypto") == ["5 AES_CM_128_HMAC_SHA1_80 inline:\(PhoneFixtures.localKeyBase64)"])
        // Only a _32 line: that one.
        let only32 = PhoneFixtures.sdes.split(separator: "\n").filter { !$0.contains("crypto:5") }.joined(separator: "\n")
        #expect(try answer(only32).media.srtp?.suite == .aesCM128HMACSHA1_32)
        #expect(try answer(only32).media.srtp?.remoteKey == PhoneFixtures.otherKey)
    }

    @Test("SAVP without a usable key is rejected with 488")
    func sdesUnusable() {
        let noKeys = PhoneFixtures.sdes.split(separator: "\n").filter { !$0.contains("crypto:2") && !$0.contains("crypto:5") }
            .joined(separator: "\n")
        #expect(failure(noKeys) == .noUsableCrypto)
        #expect(failure(noKeys)?.sipStatus == 488)
        let mki = PhoneFixtures.sdes.replacingOccurrences(of: "|2^31", with: "|2^31|1:4")
            .split(separator: "\n").filter { !$0.contains("crypto:2") }.joined(separator: "\n")
        #expect(failure(mki) == .noUsableCrypto)
    }

    @Test("Over TLS SRTP is required: plain RTP/AVP gets 488, RTP/SAVP is answered, a plain stream beside a secure one is skipped")
    func srtpRequiredOverTLS() throws {
        func secure(_ offer: String) throws -> PhoneAnswer {
            try PhoneNegotiation.answer(offer: offer, localAddress: "198.51.100.7", localPort: 30000, requireSRTP: true,
                                        keyProvider: .fixed(PhoneFixtures.localKey), sessionID: 4242, sessionVersion: 1)
        }
        #expect(throws: PhoneNegotiationError.srtpRequired) { try secure(PhoneFixtures.baresip) }
        #expect(PhoneNegotiationError.srtpRequired.sipStatus == 488)
        #expect(try secure(PhoneFixtures.sdes).media.srtp != nil)
        // An offer of the same audio twice, plain first: the secure one is answered.
        let plainSection = PhoneFixtures.baresip.components(separatedBy: "m=audio").dropFirst().first.map { "m=audio" + $0 } ?? ""
        let both = PhoneFixtures.sdes.replacingOccurrences(of: "m=audio", with: plainSection.trimmingCharacters(in: .newlines) + "\nm=audio")
        let answered = try secure(both)
        #expect(answered.description.media.count == 2)
        #expect(answered.description.media[0].port == 0, "the plain stream was accepted over TLS")
        #expect(answered.description.media[1].proto == "RTP/SAVP")
        // Without TLS the plain offer is fine.
        #expect(try answer(PhoneFixtures.baresip).media.srtp == nil)
    }

    @Test("Plain RTP/AVP with a stray a=crypto stays plain")
    func avpIgnoresCrypto() throws {
        let offer = PhoneFixtures.baresip + "\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(PhoneFixtures.remoteKeyBase64)"
        let result = try answer(offer)
        #expect(result.media.srtp == nil)
        #expect(!result.description.media[0].hasAttribute("crypto"))
    }

    @Test("Hold re-INVITE with a=sendonly: we answer recvonly, same session, new version")
    func holdSendonly() throws {
        let result = try answer(PhoneFixtures.holdSendonly, version: 2)
        #expect(result.media.remoteDirection == .sendonly)
        #expect(result.media.localDirection == .recvonly)
        #expect(result.media.isOnHold)
        #expect(result.description.media[0].direction == .recvonly)
        #expect(result.description.origin.sessionID == 4242 && result.description.origin.sessionVersion == 2)
    }

    @Test("Old-style hold c=0.0.0.0 counts as hold")
    func holdZeroAddress() throws {
        let media = try answer(PhoneFixtures.holdZeroAddress).media
        #expect(media.remoteAddress == "0.0.0.0")
        #expect(media.remoteDirection == .sendonly)
        #expect(media.localDirection == .recvonly)
        #expect(media.isOnHold)
        let inactive = try answer(PhoneFixtures.holdZeroAddress + "\na=inactive").media
        #expect(inactive.remoteDirection == .inactive && inactive.localDirection == .inactive)
    }

    @Test("Video + audio: video rejected with port 0, order kept, media-level c= used")
    func videoAndAudio() throws {
        let result = try answer(PhoneFixtures.videoAndAudio)
        let sections = result.description.media
        #expect(sections.count == 2)
        #expect(sections[0].kind == "video" && sections[0].port == 0 && sections[0].formats == ["99", "34"])
        #expect(sections[0].attributes.isEmpty)
        #expect(sections[1].kind == "audio" && sections[1].port == 30000)
        #expect(result.media.mediaIndex == 1)
        #expect(result.media.remoteAddress == "10.1.1.2")
        #expect(result.media.remoteDirection == .recvonly)
        #expect(result.media.localDirection == .sendonly)
        #expect(!result.media.isOnHold)
    }

    @Test("A second audio stream is rejected; the first usable one wins")
    func twoAudioStreams() throws {
        let offer = PhoneFixtures.g729Only + """

            m=audio 4002 RTP/AVP 0
            a=rtpmap:0 PCMU/8000
            """
        let result = try answer(offer)
        #expect(result.media.mediaIndex == 1)
        #expect(result.description.media.map(\.port) == [0, 30000])
    }

    @Test("No common codec, no audio, audio port 0: typed errors and 488")
    func rejections() {
        #expect(failure(PhoneFixtures.g729Only) ==
                .noCommonCodec(offered: ["G729/8000", "GSM/8000", "telephone-event/8000"]))
        #expect(failure(PhoneFixtures.g729Only)?.sipStatus == 488)
        let port0 = PhoneFixtures.baresip.replacingOccurrences(of: "m=audio 10004", with: "m=audio 0")
        #expect(failure(port0) == .noAudio)
        let videoOnly = """
            v=0
            o=- 1 1 IN IP4 10.0.0.5
            s=-
            c=IN IP4 10.0.0.5
            t=0 0
            m=video 4000 RTP/AVP 34
            """
        #expect(failure(videoOnly) == .noAudio)
        let tcp = PhoneFixtures.baresip.replacingOccurrences(of: "RTP/AVP", with: "TCP/MSRP")
        #expect(failure(tcp) == .unsupportedTransport(["TCP/MSRP"]))
        let noConnection = PhoneFixtures.baresip.replacingOccurrences(of: "c=IN IP4 127.0.0.1\n", with: "")
        #expect(failure(noConnection) == .missingConnection)
    }

    @Test("Garbage is a 400, not a trap")
    func garbage() {
        for text in ["", "hello", "v=0\n", "v=1\no=- 1 1 IN IP4 1.2.3.4", "\u{0}\u{1}", "v=0\nm=audio x RTP/AVP 0"] {
            let error = failure(text)
            #expect(error?.sipStatus == 400, "\(text.debugDescription)")
        }
    }

    @Test("IPv6 local address")
    func ipv6() throws {
        let result = try PhoneNegotiation.answer(offer: PhoneFixtures.baresip, localAddress: "2001:db8::7", localPort: 4000,
                                                 sessionID: 1, sessionVersion: 1)
        #expect(result.description.connection == Connection(addressType: "IP6", address: "2001:db8::7"))
        #expect(result.description.origin.addressType == "IP6")
    }
}
