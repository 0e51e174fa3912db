import Testing
@testable import SDP

@Suite("Answering publish offers")
struct PublishAnswerTests {
    func answer(_ text: String, capabilities: MediaCapabilities = .parley) throws -> PublishNegotiation {
        try WebRTCNegotiation.answerPublishOffer(try SessionDescription(parsing: text), capabilities: capabilities,
                                                 transport: Fixtures.transport)
    }

    func negotiationError(_ text: String, capabilities: MediaCapabilities = .parley) -> NegotiationError? {
        do {
            _ = try answer(text, capabilities: capabilities)
            return nil
        } catch let error as NegotiationError {
            return error
        } catch {
            return nil
        }
    }

    @Test("Chrome audio+video: session level of the answer")
    func chromeSession() throws {
        let result = try answer(Fixtures.chromeAudioVideo)
        let sdp = result.answer
        #expect(sdp.origin == Origin(sessionID: 4_611_731_400_430_051_336, sessionVersion: 2))
        #expect(sdp.sessionName == "-")
        #expect(sdp.timing == ["0 0"])
        #expect(sdp.isICELite)
        #expect(sdp.bundleMids == ["0", "1"])
        #expect(result.remoteUfrag == "Xh4K")
        #expect(result.remotePassword == "dR0Yf5sNqGzXW7qk9kP8vZ2m")
        #expect(result.remoteFingerprint == Fingerprint(attributeValue: Fixtures.chromeFingerprint))
        // The answer is valid SDP and survives a round trip.
        #expect(try SessionDescription(parsing: sdp.serialized) == sdp)
    }

    @Test("Chrome audio+video: the audio m-line")
    func chromeAudio() throws {
        let result = try answer(Fixtures.chromeAudioVideo)
        let audio = result.answer.media[0]
        #expect(audio.kind == "audio")
        #expect(audio.port == 40000)
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.formats == ["111"])
        #expect(audio.connection == Connection(address: "203.0.113.7"))
        #expect(audio.mid == "0")
        #expect(audio.direction == .recvonly)
        #expect(audio.iceUfrag == "prly")
        #expect(audio.icePassword == "parleyPasswordPassword24")
        #expect(audio.fingerprint == Fixtures.parleyFingerprint)
        #expect(audio.setup == "passive")
        #expect(audio.rtcpMux && audio.rtcpReducedSize)
        #expect(audio.codecs == [RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                                    fmtp: "minptime=10;useinbandfec=1", feedback: ["transport-cc"])])
        #expect(audio.headerExtensions == [
            HeaderExtension(id: 1, uri: HeaderExtensionURI.audioLevel),
            HeaderExtension(id: 2, uri: HeaderExtensionURI.absSendTime),
            HeaderExtension(id: 3, uri: HeaderExtensionURI.transportWideCC),
            HeaderExtension(id: 4, uri: HeaderExtensionURI.mid),
        ])
        #expect(audio.candidates == ["1 1 udp 2130706431 203.0.113.7 40000 typ host",
                                     "2 1 udp 2130706175 2001:db8::7 40000 typ host"])
        #expect(audio.hasAttribute("end-of-candidates"))
        #expect(audio.ssrcs.isEmpty && audio.msid == nil && audio.rids.isEmpty)
        #expect(audio.attributes.map(\.name) == [
            "mid", "ice-ufrag", "ice-pwd", "fingerprint", "setup", "recvonly", "rtcp-mux", "rtcp-rsize",
            "extmap", "extmap", "extmap", "extmap", "rtpmap", "rtcp-fb", "fmtp", "candidate", "candidate", "end-of-candidates",
        ])

        let track = result.tracks[0]
        #expect(track == PublishedTrack(
            mid: "0", kind: .audio,
            codec: RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                      fmtp: "minptime=10;useinbandfec=1", feedback: ["transport-cc"]),
            rtxPayloadType: nil, headerExtensions: audio.headerExtensions, ssrc: 3_735_928_559, rtxSSRC: nil,
            rids: [], streamID: Fixtures.stream, trackID: Fixtures.micTrack))
        #expect(track.headerExtensionID(HeaderExtensionURI.audioLevel) == 1)
    }

    @Test("Chrome audio+video: VP8 with rtx, our feedback in our order, supported extensions only")
    func chromeVideo() throws {
        let result = try answer(Fixtures.chromeAudioVideo)
        let video = result.answer.media[1]
        #expect(video.formats == ["96", "97"])
        #expect(video.direction == .recvonly)
        let codecs = video.codecs
        #expect(codecs == [
            RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000,
                               feedback: ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"]),
            RTPCodecParameters(payloadType: 97, name: "rtx", clockRate: 90000, fmtp: "apt=96"),
        ])
        // toffset (14), video-content-type (6), video-timing (7) and color-space (8) are not ours.
        #expect(video.headerExtensions.map(\.id) == [2, 13, 3, 5, 4, 10, 11])
        #expect(video.headerExtensions.map(\.uri) == [
            HeaderExtensionURI.absSendTime, HeaderExtensionURI.videoOrientation, HeaderExtensionURI.transportWideCC,
            HeaderExtensionURI.playoutDelay, HeaderExtensionURI.mid, HeaderExtensionURI.rtpStreamID,
            HeaderExtensionURI.repairedRTPStreamID,
        ])
        let track = result.tracks[1]
        #expect(track.mid == "1" && track.kind == .video)
        #expect(track.codec.payloadType == 96 && track.codec.name == "VP8")
        #expect(track.rtxPayloadType == 97)
        #expect(track.ssrc == 1_111_111_111)
        #expect(track.rtxSSRC == 2_222_222_222)
        #expect(track.rids.isEmpty)
        #expect(track.streamID == Fixtures.stream && track.trackID == Fixtures.cameraTrack)
        #expect(track.headerExtensions == video.headerExtensions)
    }

    @Test("preferH264 picks constrained baseline with packetization-mode 1 and echoes its fmtp")
    func preferH264() throws {
        var capabilities = MediaCapabilities.parley
        capabilities.preferH264 = true
        let result = try answer(Fixtures.chromeAudioVideo, capabilities: capabilities)
        let track = result.tracks[1]
        #expect(track.codec.payloadType == 106)
        #expect(track.codec.fmtp == "level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f")
        #expect(track.codec.feedback == ["nack", "nack pli", "ccm fir", "goog-remb", "transport-cc"])
        #expect(track.rtxPayloadType == 107)
        #expect(result.answer.media[1].formats == ["106", "107"])
        #expect(result.answer.media[1].codec(payloadType: 107)?.fmtp == "apt=106")
    }

    @Test("Without VP8 offered, H264 baseline 42001f is the fallback when 42e01f is absent")
    func h264Fallback() throws {
        // Keep only 102 (42001f, mode 1), 104 (42001f, mode 0) and their rtx.
        let text = Fixtures.chromeAudioVideo.replacingOccurrences(of: "m=video 9 UDP/TLS/RTP/SAVPF " + Fixtures.chromeVideoFormats,
                                                                  with: "m=video 9 UDP/TLS/RTP/SAVPF 104 105 102 103")
        let result = try answer(text)
        #expect(result.tracks[1].codec.payloadType == 102)
        #expect(result.tracks[1].rtxPayloadType == 103)
    }

    @Test("Simulcast: rids answered recv, a=simulcast:recv, no SSRCs")
    func simulcast() throws {
        let result = try answer(Fixtures.chromeSimulcast)
        let video = result.answer.media[1]
        #expect(video.rids == [RID(id: "q", direction: "recv"), RID(id: "h", direction: "recv"), RID(id: "f", direction: "recv")])
        #expect(video.simulcast == Simulcast(recv: [["q"], ["h"], ["f"]]))
        #expect(video.attribute("simulcast") == "recv q;h;f")
        let track = result.tracks[1]
        #expect(track.rids == ["q", "h", "f"])
        #expect(track.ssrc == nil && track.rtxSSRC == nil)
        #expect(track.rtxPayloadType == 97)
        #expect(track.headerExtensionID(HeaderExtensionURI.rtpStreamID) == 10)
        #expect(track.headerExtensionID(HeaderExtensionURI.repairedRTPStreamID) == 11)
    }

    @Test("Screen share renegotiation: a third m-line, same transport, version follows the offer")
    func screenShare() throws {
        let first = try answer(Fixtures.chromeSimulcast)
        let second = try answer(Fixtures.chromeScreenShare)
        #expect(second.answer.origin.sessionID == first.answer.origin.sessionID)
        #expect(second.answer.origin.sessionVersion == 3)
        #expect(second.answer.bundleMids == ["0", "1", "2"])
        #expect(second.tracks.map(\.mid) == ["0", "1", "2"])
        // The first two m-lines are answered exactly as before.
        #expect(Array(second.answer.media.prefix(2)) == first.answer.media)
        let screen = second.tracks[2]
        #expect(screen.kind == .video && screen.rids.isEmpty)
        #expect(screen.ssrc == 3_333_333_333 && screen.rtxSSRC == 3_444_444_444)
        #expect(screen.trackID == Fixtures.screenTrack)
    }

    @Test("A datachannel m-line is rejected: port 0, kept mid, out of BUNDLE")
    func datachannel() throws {
        let result = try answer(Fixtures.chromeDataChannel)
        let data = result.answer.media[1]
        #expect(data.kind == "application")
        #expect(data.port == 0 && data.isRejected)
        #expect(data.proto == "UDP/DTLS/SCTP")
        #expect(data.formats == ["webrtc-datachannel"])
        #expect(data.mid == "1")
        #expect(data.attributes == [SDPAttribute("mid", "1")])
        #expect(result.answer.bundleMids == ["0"])
        #expect(result.tracks.map(\.mid) == ["0"])
        #expect(try SessionDescription(parsing: result.answer.serialized) == result.answer)
    }

    @Test("Firefox: session-level fingerprint, our opus fmtp, recvonly-only extensions dropped, paused layer kept")
    func firefox() throws {
        let result = try answer(Fixtures.firefox)
        #expect(result.remoteUfrag == "1f0b6e3d")
        #expect(result.remotePassword == "8a4c4bd8f1d5c8e39a2b3a6f3c1e9d27")
        #expect(result.remoteFingerprint.value.hasPrefix("E4:0A:1F"))
        #expect(result.answer.origin.sessionVersion == 0)
        let audio = result.tracks[0]
        #expect(audio.codec == RTPCodecParameters(payloadType: 109, name: "opus", clockRate: 48000, channels: 2,
                                                  fmtp: "minptime=10;useinbandfec=1", feedback: []))
        #expect(audio.headerExtensions == [HeaderExtension(id: 1, uri: HeaderExtensionURI.audioLevel),
                                           HeaderExtension(id: 3, uri: HeaderExtensionURI.mid)])
        #expect(audio.ssrc == 2_882_400_001)
        #expect(audio.streamID == "{0b2c7c4e-6a55-4f0e-9a61-4c52b0a0c1d2}")
        let video = result.tracks[1]
        #expect(video.codec.payloadType == 120 && video.codec.fmtp == nil)
        #expect(video.rtxPayloadType == 124)
        #expect(video.rids == ["a", "b", "c"])
        #expect(video.ssrc == nil)
        // playout-delay is offered recvonly and toffset is not ours.
        #expect(video.headerExtensions.map(\.id) == [3, 4, 7, 8, 9])
        #expect(result.answer.media[1].attribute("simulcast") == "recv a;b;~c")
        #expect(result.answer.media[1].simulcast?.paused == ["c"])
    }

    @Test("An inactive offered m-line is answered inactive, stays bundled, has no track")
    func inactive() throws {
        let text = Fixtures.chromeAudioVideo.replacingOccurrences(of: "a=sendonly\r\na=msid:\(Fixtures.stream) \(Fixtures.cameraTrack)",
                                                                  with: "a=inactive\r\na=msid:\(Fixtures.stream) \(Fixtures.cameraTrack)")
        let result = try answer(text)
        #expect(result.answer.media[1].direction == .inactive)
        #expect(result.answer.media[1].port == 40000)
        #expect(result.answer.bundleMids == ["0", "1"])
        #expect(result.tracks.map(\.mid) == ["0"])
    }

    @Test("A sendrecv offer is answered recvonly; a bundle-only m-line with port 0 is accepted on the bundle port")
    func sendrecvAndBundleOnly() throws {
        let text = Fixtures.chromeAudioVideo
            .replacingOccurrences(of: "a=sendonly\r\na=msid:\(Fixtures.stream) \(Fixtures.micTrack)",
                                  with: "a=sendrecv\r\na=msid:\(Fixtures.stream) \(Fixtures.micTrack)")
            .replacingOccurrences(of: "m=video 9 ", with: "m=video 0 ")
            .replacingOccurrences(of: "a=mid:1\r\n", with: "a=mid:1\r\na=bundle-only\r\n")
        let result = try answer(text)
        #expect(result.answer.media[0].direction == .recvonly)
        #expect(result.answer.media[1].port == 40000)
        #expect(!result.answer.media[1].hasAttribute("bundle-only"))
        #expect(result.tracks.map(\.mid) == ["0", "1"])
    }

    @Test("Rejected when: outside BUNDLE, no rtcp-mux, no common codec, plain RTP/AVP, or port 0 in the offer")
    func rejections() throws {
        let base = Fixtures.chromeAudioVideo
        let outside = base.replacingOccurrences(of: "a=group:BUNDLE 0 1", with: "a=group:BUNDLE 0")
        #expect(try answer(outside).answer.media[1].isRejected)
        let noMux = base.replacingOccurrences(of: "a=rtcp-mux\r\na=rtcp-rsize\r\na=rtpmap:96", with: "a=rtcp-rsize\r\na=rtpmap:96")
        #expect(try answer(noMux).answer.media[1].isRejected)
        let av1Only = base.replacingOccurrences(of: "m=video 9 UDP/TLS/RTP/SAVPF " + Fixtures.chromeVideoFormats,
                                                with: "m=video 9 UDP/TLS/RTP/SAVPF 45 46")
        #expect(try answer(av1Only).answer.media[1].isRejected)
        let stopped = base.replacingOccurrences(of: "m=video 9 ", with: "m=video 0 ")
        let result = try answer(stopped)
        #expect(result.answer.media[1].isRejected && result.tracks.count == 1)
        let avp = base.replacingOccurrences(of: "m=video 9 UDP/TLS/RTP/SAVPF", with: "m=video 9 RTP/AVP")
        #expect(try answer(avp).answer.media[1].isRejected)
    }

    @Test("The first offered BUNDLE mid being rejected moves the answerer tag to the next (RFC 9143 §7.3.1)")
    func tagMovesOn() throws {
        let text = Fixtures.chromeDataChannel.replacingOccurrences(of: "a=group:BUNDLE 0 1", with: "a=group:BUNDLE 1 0")
        let result = try answer(text)
        #expect(result.answer.bundleMids == ["0"])
    }

    @Test("Errors", arguments: [
        ("no BUNDLE", "a=group:BUNDLE 0 1\r\n", "", NegotiationError.noBundle),
        ("no mid on a live m-line", "a=mid:1\r\n", "", .missingMid(1)),
        ("passive offerer", "a=setup:actpass", "a=setup:passive", .incompatibleSetup("passive")),
        ("sha-1", "a=fingerprint:sha-256", "a=fingerprint:sha-1", .unsupportedFingerprintAlgorithm),
        ("sha-384 with 32 bytes", "a=fingerprint:sha-256", "a=fingerprint:sha-384", .malformedFingerprint),
        ("no fingerprint", "a=fingerprint:\(Fixtures.chromeFingerprint)\r\n", "", .missingFingerprint),
        ("no ufrag", "a=ice-ufrag:Xh4K\r\n", "", .missingICECredentials),
        ("short ufrag", "a=ice-ufrag:Xh4K", "a=ice-ufrag:Xh4", .invalidICECredentials),
        ("ufrag with a bad char", "a=ice-ufrag:Xh4K", "a=ice-ufrag:Xh4K!", .invalidICECredentials),
        ("short password", "a=ice-pwd:dR0Yf5sNqGzXW7qk9kP8vZ2m", "a=ice-pwd:short", .invalidICECredentials),
    ])
    func errors(_ name: String, _ find: String, _ replace: String, _ expected: NegotiationError) {
        let text = Fixtures.chromeAudioVideo.replacingOccurrences(of: find, with: replace)
        #expect(negotiationError(text) == expected, "\(name)")
    }

    @Test("Only a datachannel: no usable media")
    func onlyDatachannel() {
        let text = Fixtures.crlf("""
            \(Fixtures.chromeSessionHeader)
            a=group:BUNDLE 0
            m=application 9 UDP/DTLS/SCTP webrtc-datachannel
            \(Fixtures.transportBlock(mid: "0"))
            a=sctp-port:5000

            """)
        #expect(negotiationError(text) == .noUsableMedia)
    }

    @Test("No candidates: JSEP placeholders (port 9, 0.0.0.0), still end-of-candidates")
    func noCandidates() throws {
        var transport = Fixtures.transport
        transport.candidates = []
        let result = try WebRTCNegotiation.answerPublishOffer(try SessionDescription(parsing: Fixtures.chromeAudioVideo),
                                                              capabilities: .parley, transport: transport)
        #expect(result.answer.media[0].port == 9)
        #expect(result.answer.media[0].connection?.address == "0.0.0.0")
        #expect(result.answer.media[0].candidates.isEmpty)
        #expect(result.answer.media[0].hasAttribute("end-of-candidates"))
    }

    @Test("An explicit origin is used as given")
    func explicitOrigin() throws {
        let origin = Origin(sessionID: 77, sessionVersion: 5)
        let result = try WebRTCNegotiation.answerPublishOffer(try SessionDescription(parsing: Fixtures.chromeAudioVideo),
                                                              capabilities: .parley, transport: Fixtures.transport,
                                                              origin: origin)
        #expect(result.answer.origin == origin)
    }

    @Test("Extension ids above 14 and sendonly extensions")
    func extensionIDs() throws {
        let text = Fixtures.chromeAudioVideo
            .replacingOccurrences(of: "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
                                  with: "a=extmap:15 urn:ietf:params:rtp-hdrext:ssrc-audio-level")
            .replacingOccurrences(of: "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\na=sendonly\r\na=msid:\(Fixtures.stream) \(Fixtures.micTrack)",
                                  with: "a=extmap:4/sendonly urn:ietf:params:rtp-hdrext:sdes:mid\r\na=sendonly\r\na=msid:\(Fixtures.stream) \(Fixtures.micTrack)")
        let audio = try answer(text).answer.media[0]
        #expect(audio.headerExtensions == [
            HeaderExtension(id: 2, uri: HeaderExtensionURI.absSendTime),
            HeaderExtension(id: 3, uri: HeaderExtensionURI.transportWideCC),
            HeaderExtension(id: 4, uri: HeaderExtensionURI.mid, direction: "recvonly"),
        ])
    }
}
