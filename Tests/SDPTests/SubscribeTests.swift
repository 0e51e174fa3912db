import Testing
@testable import SDP

@Suite("Subscribe offers and answers")
struct SubscribeTests {
    static let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                         fmtp: "minptime=10;useinbandfec=1", feedback: ["transport-cc"])
    static let vp8 = RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000, feedback: ["transport-cc"])

    static let slots = [
        SubscribeSlot(mid: "0", kind: .audio, codec: opus, ssrc: 10001, streamID: "alice", trackID: "alice-mic",
                      cname: "alice-cname"),
        SubscribeSlot(mid: "1", kind: .video, codec: vp8, rtxPayloadType: 97, ssrc: 10002, rtxSSRC: 10003,
                      streamID: "alice", trackID: "alice-cam", cname: "alice-cname"),
        SubscribeSlot(mid: "2", kind: .video, active: false, codec: vp8, rtxPayloadType: 97, ssrc: 10004, rtxSSRC: 10005,
                      streamID: "bob", trackID: "bob-cam", cname: "bob-cname"),
    ]

    func offer(_ slots: [SubscribeSlot] = slots) throws -> SessionDescription {
        try WebRTCNegotiation.makeSubscribeOffer(slots: slots, transport: Fixtures.transport, sessionID: 8_000_000_001,
                                                 sessionVersion: 4)
    }

    @Test("Offer → text → parse: session level")
    func session() throws {
        let parsed = try SessionDescription(parsing: try offer().serialized)
        #expect(parsed == (try offer()))
        #expect(parsed.origin == Origin(sessionID: 8_000_000_001, sessionVersion: 4))
        #expect(parsed.isICELite)
        #expect(parsed.bundleMids == ["0", "1", "2"])
        #expect(parsed.media.count == 3)
        #expect(parsed.serialized.hasPrefix("v=0\r\no=- 8000000001 4 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\na=group:BUNDLE 0 1 2\r\na=ice-lite\r\nm=audio 40000 UDP/TLS/RTP/SAVPF 111\r\n"))
    }

    @Test("Offer: the audio slot")
    func audio() throws {
        let audio = try SessionDescription(parsing: try offer().serialized).media[0]
        #expect(audio.kind == "audio" && audio.port == 40000 && audio.formats == ["111"])
        #expect(audio.mid == "0")
        #expect(audio.direction == .sendonly)
        #expect(audio.setup == "actpass")
        #expect(audio.iceUfrag == "prly" && audio.fingerprint == Fixtures.parleyFingerprint)
        #expect(audio.rtcpMux && audio.rtcpReducedSize)
        #expect(audio.headerExtensions == [
            HeaderExtension(id: SubscribeHeaderExtensionIDs.audioLevel, uri: HeaderExtensionURI.audioLevel),
            HeaderExtension(id: SubscribeHeaderExtensionIDs.absSendTime, uri: HeaderExtensionURI.absSendTime),
        ])
        #expect(audio.codecs == [RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                                    fmtp: "minptime=10;useinbandfec=1")])
        #expect(audio.msid == MediaStreamID(stream: "alice", track: "alice-mic"))
        #expect(audio.ssrcs == [10001])
        #expect(audio.cname == "alice-cname")
        #expect(audio.ssrcMSID == audio.msid)
        #expect(audio.ssrcGroups.isEmpty)
        #expect(audio.candidates.count == 2)
    }

    @Test("Offer: the video slot with rtx")
    func video() throws {
        let video = try SessionDescription(parsing: try offer().serialized).media[1]
        #expect(video.formats == ["96", "97"])
        #expect(video.direction == .sendonly)
        #expect(video.codecs == [
            RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000, feedback: ["nack", "nack pli", "ccm fir", "goog-remb"]),
            RTPCodecParameters(payloadType: 97, name: "rtx", clockRate: 90000, fmtp: "apt=96"),
        ])
        #expect(video.headerExtensions.map(\.id) == [3, 4])
        #expect(video.headerExtensions.map(\.uri) == [HeaderExtensionURI.absSendTime, HeaderExtensionURI.videoOrientation])
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [10002, 10003])])
        #expect(video.ssrcs == [10002, 10003])
        #expect(video.ssrcAttributes == [
            SSRCAttribute(ssrc: 10002, name: "cname", value: "alice-cname"),
            SSRCAttribute(ssrc: 10002, name: "msid", value: "alice alice-cam"),
            SSRCAttribute(ssrc: 10003, name: "cname", value: "alice-cname"),
            SSRCAttribute(ssrc: 10003, name: "msid", value: "alice alice-cam"),
        ])
    }

    @Test("Offer: an inactive slot keeps its codec but no msid or ssrc")
    func inactiveSlot() throws {
        let slot = try SessionDescription(parsing: try offer().serialized).media[2]
        #expect(slot.direction == .inactive)
        #expect(!slot.isRejected)
        #expect(slot.formats == ["96", "97"])
        #expect(slot.msid == nil && slot.ssrcs.isEmpty && slot.ssrcGroups.isEmpty)
    }

    @Test("Offer: H264 fmtp is written verbatim; audio gets no rtcp-fb")
    func h264() throws {
        let h264 = RTPCodecParameters(payloadType: 106, name: "H264", clockRate: 90000,
                                      fmtp: "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        let slot = SubscribeSlot(mid: "v", kind: .video, codec: h264, ssrc: 1, streamID: "s", trackID: "t", cname: "c")
        let sdp = try offer([slot, Self.slots[0]])
        #expect(sdp.media[0].attributeValues("fmtp") == ["106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f"])
        #expect(sdp.media[0].formats == ["106"])
        #expect(sdp.media[1].attributeValues("rtcp-fb").isEmpty)
    }

    @Test("Offer errors: no slots, duplicate mids, unwritable slots")
    func offerErrors() {
        #expect(throws: NegotiationError.noUsableMedia) { try offer([]) }
        #expect(throws: NegotiationError.duplicateMid("0")) { try offer([Self.slots[0], Self.slots[0]]) }
        var bad = Self.slots[0]
        bad.mid = "a b"
        #expect(throws: NegotiationError.self) { try offer([bad]) }
        bad = Self.slots[0]
        bad.trackID = ""
        #expect(throws: NegotiationError.self) { try offer([bad]) }
        bad = Self.slots[0]
        bad.cname = "x\r\ny"
        #expect(throws: NegotiationError.self) { try offer([bad]) }
        bad = Self.slots[1]
        bad.rtxPayloadType = 96
        #expect(throws: NegotiationError.self) { try offer([bad]) }
        bad = Self.slots[1]
        bad.codec.name = "VP 8"
        #expect(throws: NegotiationError.self) { try offer([bad]) }
        bad = Self.slots[1]
        bad.codec.payloadType = 200
        #expect(throws: NegotiationError.self) { try offer([bad]) }
    }

    /// What Chrome M120 answers to `slots`.
    static let chromeAnswer = Fixtures.crlf("""
        v=0
        o=- 5290427481281196232 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=msid-semantic: WMS
        m=audio 9 UDP/TLS/RTP/SAVPF 111
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Qm2d
        a=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq
        a=ice-options:trickle
        a=fingerprint:\(Fixtures.chromeFingerprint)
        a=setup:active
        a=mid:0
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=fmtp:111 minptime=10;useinbandfec=1
        m=video 9 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Qm2d
        a=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq
        a=ice-options:trickle
        a=fingerprint:\(Fixtures.chromeFingerprint)
        a=setup:active
        a=mid:1
        a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:4 urn:3gpp:video-orientation
        a=recvonly
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        m=video 9 UDP/TLS/RTP/SAVPF 96 97
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Qm2d
        a=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq
        a=ice-options:trickle
        a=fingerprint:\(Fixtures.chromeFingerprint)
        a=setup:active
        a=mid:2
        a=extmap:3 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:4 urn:3gpp:video-orientation
        a=inactive
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:96 VP8/90000
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96

        """)

    func read(_ text: String, slots: [SubscribeSlot] = slots) throws -> SubscribeAnswer {
        try WebRTCNegotiation.readSubscribeAnswer(try SessionDescription(parsing: text), offered: slots)
    }

    func readError(_ text: String, slots: [SubscribeSlot] = slots) -> NegotiationError? {
        do {
            _ = try read(text, slots: slots)
            return nil
        } catch let error as NegotiationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Chrome's answer read back")
    func chromeAnswer() throws {
        let answer = try read(Self.chromeAnswer)
        #expect(answer == SubscribeAnswer(remoteUfrag: "Qm2d", remotePassword: "0oTkd5Vv3ylr2JcTG1mrfAbq",
                                          remoteFingerprint: Fingerprint(attributeValue: Fixtures.chromeFingerprint)!,
                                          acceptedMids: ["0", "1", "2"], receivingMids: ["0", "1"]))
    }

    @Test("A rejected m-line is neither accepted nor receiving")
    func rejectedLine() throws {
        let text = Self.chromeAnswer.replacingOccurrences(of: "a=group:BUNDLE 0 1 2", with: "a=group:BUNDLE 0 2")
            .replacingOccurrences(of: "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Qm2d\r\na=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq\r\na=ice-options:trickle\r\na=fingerprint:\(Fixtures.chromeFingerprint)\r\na=setup:active\r\na=mid:1",
                                  with: "m=video 0 UDP/TLS/RTP/SAVPF 96\r\nc=IN IP4 0.0.0.0\r\na=mid:1")
        let answer = try read(text)
        #expect(answer.acceptedMids == ["0", "2"])
        #expect(answer.receivingMids == ["0"])
    }

    @Test("Bad answers", arguments: [
        ("answered sendrecv", "a=recvonly\r\na=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:111", "a=sendrecv\r\na=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:111", "sendrecv"),
        ("dropped payload type", "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Qm2d\r\na=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq\r\na=ice-options:trickle\r\na=fingerprint:\(Fixtures.chromeFingerprint)\r\na=setup:active\r\na=mid:1",
         "m=video 9 UDP/TLS/RTP/SAVPF 98\r\nc=IN IP4 0.0.0.0\r\na=rtcp:9 IN IP4 0.0.0.0\r\na=ice-ufrag:Qm2d\r\na=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq\r\na=ice-options:trickle\r\na=fingerprint:\(Fixtures.chromeFingerprint)\r\na=setup:active\r\na=mid:1", "payload type 96"),
        ("wrong mid", "a=mid:2", "a=mid:7", "mid 7"),
        ("not bundled", "a=group:BUNDLE 0 1 2", "a=group:BUNDLE 0 1", "not in the BUNDLE"),
        ("tag not accepted", "a=group:BUNDLE 0 1 2", "a=group:BUNDLE x 0 1 2", "starts with x"),
    ])
    func badAnswers(_ name: String, _ find: String, _ replace: String, _ reasonContains: String) {
        let error = readError(Self.chromeAnswer.replacingOccurrences(of: find, with: replace))
        guard case .badAnswer(let reason) = error else {
            Issue.record("\(name): \(String(describing: error))")
            return
        }
        #expect(reason.contains(reasonContains), "\(name): \(reason)")
    }

    @Test("Structural answer errors")
    func structuralErrors() {
        #expect(readError(Self.chromeAnswer, slots: Array(Self.slots.prefix(2))) == .badAnswer("the answer has 3 m= lines for 2 offered"))
        var swapped = Self.slots
        swapped[0].kind = .video
        if case .badAnswer = readError(Self.chromeAnswer, slots: swapped) {} else { Issue.record("kind mismatch accepted") }
        #expect(readError(Self.chromeAnswer.replacingOccurrences(of: "a=group:BUNDLE 0 1 2\r\n", with: "")) == .noBundle)
        #expect(readError(Self.chromeAnswer.replacingOccurrences(of: "a=setup:active", with: "a=setup:passive"))
                == .incompatibleSetup("passive"))
        #expect(readError(Self.chromeAnswer.replacingOccurrences(of: "a=mid:0\r\n", with: "")) == .missingMid(0))
        #expect(readError(Self.chromeAnswer.replacingOccurrences(of: "a=ice-pwd:0oTkd5Vv3ylr2JcTG1mrfAbq\r\n", with: ""))
                == .missingICECredentials)
        #expect(readError(Self.chromeAnswer.replacingOccurrences(of: "a=fingerprint:\(Fixtures.chromeFingerprint)\r\n", with: ""))
                == .missingFingerprint)
        let allRejected = Self.chromeAnswer.replacingOccurrences(of: "m=audio 9 ", with: "m=audio 0 ")
            .replacingOccurrences(of: "m=video 9 ", with: "m=video 0 ")
        #expect(readError(allRejected) == .noUsableMedia)
    }

    @Test("Setup may be absent (RFC 4145 §4.1 default active)")
    func absentSetup() throws {
        let answer = try read(Self.chromeAnswer.replacingOccurrences(of: "a=setup:active\r\n", with: ""))
        #expect(answer.receivingMids == ["0", "1"])
    }

    @Test("End to end: Parley's publish answer to Chrome feeds a subscribe slot for another browser")
    func publishToSubscribe() throws {
        let published = try WebRTCNegotiation.answerPublishOffer(try SessionDescription(parsing: Fixtures.chromeAudioVideo),
                                                                 capabilities: .parley, transport: Fixtures.transport)
        let camera = published.tracks[1]
        let slot = SubscribeSlot(mid: "0", kind: camera.kind, codec: camera.codec, rtxPayloadType: camera.rtxPayloadType,
                                 ssrc: 5, rtxSSRC: 6, streamID: camera.streamID ?? "-", trackID: camera.trackID ?? "t",
                                 cname: "c")
        let offer = try WebRTCNegotiation.makeSubscribeOffer(slots: [slot], transport: Fixtures.transport,
                                                             sessionID: 1, sessionVersion: 1)
        let video = try SessionDescription(parsing: offer.serialized).media[0]
        #expect(video.codecs.first?.name == "VP8")
        #expect(video.codecs.first?.feedback == WebRTCNegotiation.subscribeVideoFeedback)
        #expect(video.codecs.last?.fmtp == "apt=96")
    }
}
