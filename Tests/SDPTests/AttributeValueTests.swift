import Testing
@testable import SDP

@Suite("Attribute values")
struct AttributeValueTests {
    @Test("fingerprint: either case in, upper case out, bytes exact")
    func fingerprint() throws {
        let lower = try #require(Fingerprint(attributeValue: "SHA-256 ab:cd:0f"))
        #expect(lower.algorithm == "sha-256")
        #expect(lower.bytes == [0xAB, 0xCD, 0x0F])
        #expect(lower.value == "AB:CD:0F")
        #expect(lower.attributeValue == "sha-256 AB:CD:0F")
        #expect(lower == Fingerprint(algorithm: "sha-256", value: "AB:CD:0F"))
        #expect(Fingerprint(attributeValue: "sha-256 A:BC") == nil)
        #expect(Fingerprint(attributeValue: "sha-256 :AB") == nil)
        #expect(Fingerprint(attributeValue: "sha-256 AB::CD") == nil)
        #expect(Fingerprint(attributeValue: "sha-256 ABCD") == nil)
        #expect(Fingerprint(attributeValue: "sha-256 AB CD") == nil)
        #expect(Fingerprint(attributeValue: "sha-256 " + Array(repeating: "AB", count: 65).joined(separator: ":")) == nil)
        #expect(Fingerprint(attributeValue: "sha-512 " + Array(repeating: "AB", count: 64).joined(separator: ":"))?.bytes.count == 64)
        #expect(Fingerprint.digestLength(of: "SHA-256") == 32)
        #expect(Fingerprint.digestLength(of: "sha-3") == nil)
    }

    @Test("rtpmap: name, clock rate, channels")
    func rtpmap() {
        let opus = RTPMap(value: "111 opus/48000/2")
        #expect(opus?.payloadType == 111 && opus?.name == "opus" && opus?.clockRate == 48000 && opus?.channels == 2)
        #expect(RTPMap(value: "96 VP8/90000")?.channels == nil)
        for bad in ["96 VP8", "96 VP8/", "96 /90000", "96 VP8/90000/", "96 VP8/90000/0", "128 VP8/90000", "x VP8/90000",
                    "96 VP8/90000/2/1", "96 VP8/-1", "96", "96 VP8/90000 extra", "96 VP8/4294967296"] {
            #expect(RTPMap(value: bad) == nil, "\(bad)")
        }
    }

    @Test("fmtp dictionary: trimmed, lower-cased keys, first duplicate wins, setter sorts")
    func formatParameters() {
        var codec = RTPCodecParameters(payloadType: 102, name: "H264", clockRate: 90000,
                                       fmtp: " Profile-Level-Id=42e01f ; packetization-mode=1;;packetization-mode=0; flag")
        #expect(codec.formatParameters == ["profile-level-id": "42e01f", "packetization-mode": "1", "flag": ""])
        codec.formatParameters = ["packetization-mode": "1", "level-asymmetry-allowed": "1", "x": ""]
        #expect(codec.fmtp == "level-asymmetry-allowed=1;packetization-mode=1;x")
        codec.formatParameters = [:]
        #expect(codec.fmtp == nil)
        let rtx = RTPCodecParameters(payloadType: 97, name: "RTX", clockRate: 90000, fmtp: "apt=96;rtx-time=3000")
        #expect(rtx.isRTX && rtx.associatedPayloadType == 96)
        #expect(RTPCodecParameters(payloadType: 97, name: "rtx", clockRate: 90000, fmtp: "apt=200").associatedPayloadType == nil)
    }

    @Test("rtcp-fb: wildcard applies to every codec, once")
    func wildcardFeedback() throws {
        let sdp = try SessionDescription(parsing: MalformedTests.head + """
            m=video 9 RTP/AVPF 96 97\r
            a=rtpmap:96 VP8/90000\r
            a=rtpmap:97 VP9/90000\r
            a=rtcp-fb:96   nack    pli\r
            a=rtcp-fb:* nack\r
            a=rtcp-fb:96 nack\r

            """)
        let codecs = sdp.media[0].codecs
        #expect(codecs[0].feedback == ["nack pli", "nack"])
        #expect(codecs[1].feedback == ["nack"])
    }

    @Test("codecs: repeated formats once, dynamic types without rtpmap left out, first rtpmap wins")
    func codecEdgeCases() throws {
        let sdp = try SessionDescription(parsing: MalformedTests.head + """
            m=audio 9 RTP/AVP 0 96 0 97\r
            a=rtpmap:97 opus/48000/2\r
            a=rtpmap:97 speex/8000\r
            a=fmtp:97 useinbandfec=1\r
            a=fmtp:97 stereo=1\r

            """)
        #expect(sdp.media[0].codecs.map(\.payloadType) == [0, 97])
        #expect(sdp.media[0].codecs[1].name == "opus")
        #expect(sdp.media[0].codecs[1].fmtp == "useinbandfec=1")
    }

    @Test("extmap: direction and extension attributes")
    func extmap() {
        #expect(HeaderExtension(attributeValue: "5/sendonly urn:x attr") == HeaderExtension(id: 5, uri: "urn:x", direction: "sendonly"))
        #expect(HeaderExtension(attributeValue: "255 urn:x")?.id == 255)
        #expect(HeaderExtension(attributeValue: "5/sendonly urn:x")?.attributeValue == "5/sendonly urn:x")
        for bad in ["0 urn:x", "256 urn:x", "5/ urn:x", "/sendonly urn:x", "5", "x urn:x", "-1 urn:x"] {
            #expect(HeaderExtension(attributeValue: bad) == nil, "\(bad)")
        }
    }

    @Test("simulcast: both directions, alternatives, paused, old rid= prefix")
    func simulcast() {
        let both = Simulcast(attributeValue: "recv 1,2;3 send ~a;b")
        #expect(both == Simulcast(send: [["a"], ["b"]], recv: [["1", "2"], ["3"]], paused: ["a"]))
        #expect(both?.attributeValue == "send ~a;b recv 1,2;3")
        #expect(Simulcast(attributeValue: " send rid=h;m;l") == Simulcast(send: [["h"], ["m"], ["l"]]))
        for bad in ["send", "send a;b recv", "sideways a", "send a;~;b", "send a,,b", "send a b", "recv a recv b", ""] {
            #expect(Simulcast(attributeValue: bad) == nil, "\(bad)")
        }
    }

    @Test("rid, msid, ssrc, ssrc-group, group")
    func smallValues() {
        #expect(RID(attributeValue: "f send pt=96;max-width=1280") == RID(id: "f", direction: "send", restrictions: "pt=96;max-width=1280"))
        #expect(RID(attributeValue: "f recv")?.attributeValue == "f recv")
        #expect(RID(attributeValue: "f") == nil)
        #expect(MediaStreamID(attributeValue: "- track") == MediaStreamID(stream: "-", track: "track"))
        #expect(MediaStreamID(attributeValue: "stream") == MediaStreamID(stream: "stream", track: ""))
        #expect(MediaStreamID(attributeValue: "stream")?.attributeValue == "stream")
        #expect(SSRCAttribute(attributeValue: "42 cname:a:b") == SSRCAttribute(ssrc: 42, name: "cname", value: "a:b"))
        #expect(SSRCAttribute(attributeValue: "42 label") == SSRCAttribute(ssrc: 42, name: "label", value: nil))
        #expect(SSRCAttribute(attributeValue: "42 :x") == nil)
        #expect(SSRCGroup(attributeValue: "SIM 1 2 3")?.attributeValue == "SIM 1 2 3")
        #expect(SDPGroup(attributeValue: "BUNDLE") == SDPGroup(semantics: "BUNDLE", mids: []))
        #expect(SDPGroup(attributeValue: "LS a b") == SDPGroup(semantics: "LS", mids: ["a", "b"]))
    }

    @Test("candidate priority per RFC 8445 §5.1.2.1")
    func candidate() {
        let first = Candidate(ip: "203.0.113.7", port: 40000)
        #expect(first.priority == 2_130_706_431)
        #expect(first.attributeValue == "1 1 udp 2130706431 203.0.113.7 40000 typ host")
        #expect(Candidate(ip: "2001:db8::7", port: 1, localPreference: 65534).priority == 2_130_706_175)
        #expect(Candidate(ip: "x", port: 1, localPreference: 0, component: 0).priority == 126 << 24 + 256)
    }

    @Test("direction reversal for answers (RFC 3264 §6.1)")
    func directions() {
        #expect(Direction.sendonly.reversed == .recvonly)
        #expect(Direction.recvonly.reversed == .sendonly)
        #expect(Direction.sendrecv.reversed == .sendrecv)
        #expect(Direction.inactive.reversed == .inactive)
        #expect(Direction.sendrecv.sends && Direction.sendrecv.receives && !Direction.inactive.sends)
    }

    @Test("Connection picks IP6 for a colon")
    func connection() {
        #expect(Connection(address: "2001:db8::1").value == "IN IP6 2001:db8::1")
        #expect(Connection(address: "192.0.2.1").value == "IN IP4 192.0.2.1")
    }
}
