import Testing
@testable import SDP

@Suite("Parsing browser descriptions")
struct ParsingTests {
    @Test("Chrome audio+video offer: session level")
    func chromeSessionLevel() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeAudioVideo)
        #expect(sdp.origin == Origin(username: "-", sessionID: 4_611_731_400_430_051_336, sessionVersion: 2,
                                     netType: "IN", addressType: "IP4", address: "127.0.0.1"))
        #expect(sdp.sessionName == "-")
        #expect(sdp.timing == ["0 0"])
        #expect(sdp.connection == nil)
        #expect(sdp.bundleMids == ["0", "1"])
        #expect(sdp.groups == [SDPGroup(semantics: "BUNDLE", mids: ["0", "1"])])
        #expect(!sdp.isICELite)
        #expect(sdp.attributes.map(\.name) == ["group", "extmap-allow-mixed", "msid-semantic"])
        #expect(sdp.attribute("msid-semantic") == " WMS \(Fixtures.stream)")
        #expect(sdp.media.count == 2)
        #expect(sdp.fingerprint == nil)
    }

    @Test("Chrome audio m-line: every typed accessor")
    func chromeAudio() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeAudioVideo)
        let audio = sdp.media[0]
        #expect(audio.kind == "audio")
        #expect(audio.port == 9)
        #expect(audio.portCount == nil)
        #expect(audio.proto == "UDP/TLS/RTP/SAVPF")
        #expect(audio.formats == ["111", "63", "9", "0", "8", "13", "110", "126"])
        #expect(audio.connection == Connection(netType: "IN", addressType: "IP4", address: "0.0.0.0"))
        #expect(audio.mid == "0")
        #expect(audio.direction == .sendonly)
        #expect(audio.iceUfrag == "Xh4K")
        #expect(audio.icePassword == "dR0Yf5sNqGzXW7qk9kP8vZ2m")
        #expect(audio.setup == "actpass")
        #expect(audio.rtcpMux)
        #expect(audio.rtcpReducedSize)
        let fingerprint = try #require(audio.fingerprint)
        #expect(fingerprint.algorithm == "sha-256")
        #expect(fingerprint.bytes.count == 32)
        #expect(fingerprint.bytes.prefix(3) == [0x6B, 0x8B, 0x5D])
        #expect(fingerprint.value == "6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CF:CC:7E:53:64:E4:F8:0C:9E:C6:E6:A0:3B:3B:A1:D8:0E:89:99:3E")
        #expect(audio.headerExtensions == [
            HeaderExtension(id: 1, uri: HeaderExtensionURI.audioLevel),
            HeaderExtension(id: 2, uri: HeaderExtensionURI.absSendTime),
            HeaderExtension(id: 3, uri: HeaderExtensionURI.transportWideCC),
            HeaderExtension(id: 4, uri: HeaderExtensionURI.mid),
        ])
        let codecs = audio.codecs
        #expect(codecs.map(\.payloadType) == [111, 63, 9, 0, 8, 13, 110, 126])
        #expect(codecs[0] == RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2,
                                                fmtp: "minptime=10;useinbandfec=1", feedback: ["transport-cc"]))
        #expect(codecs[0].formatParameters == ["minptime": "10", "useinbandfec": "1"])
        #expect(codecs[1].name == "red" && codecs[1].fmtp == "111/111")
        #expect(codecs[1].formatParameters == ["111/111": ""])
        #expect(codecs[3] == RTPCodecParameters(payloadType: 0, name: "PCMU", clockRate: 8000))
        #expect(codecs[6] == RTPCodecParameters(payloadType: 110, name: "telephone-event", clockRate: 48000))
        #expect(audio.ssrcs == [3_735_928_559])
        #expect(audio.cname == Fixtures.chromeCNAME)
        #expect(audio.ssrcGroups.isEmpty)
        #expect(audio.msid == MediaStreamID(stream: Fixtures.stream, track: Fixtures.micTrack))
        #expect(audio.ssrcMSID == audio.msid)
        #expect(audio.rids.isEmpty)
        #expect(audio.simulcast == nil)
        #expect(!audio.isRejected)
    }

    @Test("Chrome video m-line: codecs with rtx, FID group, extensions")
    func chromeVideo() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeAudioVideo)
        let video = sdp.media[1]
        #expect(video.mid == "1")
        #expect(video.formats.count == 25)
        let codecs = video.codecs
        #expect(codecs.count == 25)
        let vp8 = try #require(codecs.first)
        #expect(vp8 == RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000,
                                          feedback: ["goog-remb", "transport-cc", "ccm fir", "nack", "nack pli"]))
        let rtx = codecs[1]
        #expect(rtx.isRTX && rtx.associatedPayloadType == 96 && rtx.clockRate == 90000)
        let h264 = try #require(video.codec(payloadType: 106))
        #expect(h264.formatParameters == ["level-asymmetry-allowed": "1", "packetization-mode": "1", "profile-level-id": "42e01f"])
        #expect(video.codec(payloadType: 118)?.name == "ulpfec")
        #expect(video.headerExtensions.map(\.id) == [14, 2, 13, 3, 5, 6, 7, 8, 4, 10, 11])
        #expect(video.ssrcGroups == [SSRCGroup(semantics: "FID", ssrcs: [1_111_111_111, 2_222_222_222])])
        #expect(video.ssrcs == [1_111_111_111, 2_222_222_222])
        #expect(video.ssrcAttributes.count == 4)
        #expect(video.ssrcAttributes[1] == SSRCAttribute(ssrc: 1_111_111_111, name: "msid",
                                                          value: "\(Fixtures.stream) \(Fixtures.cameraTrack)"))
    }

    @Test("Chrome simulcast: rids and a=simulcast")
    func chromeSimulcast() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeSimulcast)
        let video = sdp.media[1]
        #expect(video.rids == [RID(id: "q", direction: "send"), RID(id: "h", direction: "send"), RID(id: "f", direction: "send")])
        #expect(video.simulcast == Simulcast(send: [["q"], ["h"], ["f"]]))
        #expect(video.ssrcs.isEmpty)
        #expect(video.cname == nil)
    }

    @Test("Firefox: session-level fingerprint, extmap directions, paused layer")
    func firefox() throws {
        let sdp = try SessionDescription(parsing: Fixtures.firefox)
        #expect(sdp.origin.username == "mozilla...THIS_IS_SDPARTA-120.0")
        #expect(sdp.origin.sessionID == 7_052_848_360_639_826_063)
        #expect(sdp.origin.sessionVersion == 0)
        let sessionFingerprint = try #require(sdp.fingerprint)
        #expect(sdp.media[0].fingerprint == nil)
        #expect(sdp.fingerprint(of: sdp.media[0]) == sessionFingerprint)
        #expect(sessionFingerprint.value.hasPrefix("E4:0A:1F"))
        let audio = sdp.media[0]
        #expect(audio.headerExtensions[1] == HeaderExtension(id: 2, uri: "urn:ietf:params:rtp-hdrext:csrc-audio-level",
                                                             direction: "recvonly"))
        #expect(audio.codec(payloadType: 9) == RTPCodecParameters(payloadType: 9, name: "G722", clockRate: 8000, channels: 1))
        #expect(audio.codec(payloadType: 101)?.formatParameters == ["0-15": ""])
        #expect(audio.codec(payloadType: 109)?.fmtp == "maxplaybackrate=48000;stereo=1;useinbandfec=1")
        let video = sdp.media[1]
        #expect(video.simulcast == Simulcast(send: [["a"], ["b"], ["c"]], paused: ["c"]))
        #expect(video.simulcast?.attributeValue == "send a;b;~c")
        #expect(video.msid?.stream == "{0b2c7c4e-6a55-4f0e-9a61-4c52b0a0c1d2}")
        #expect(video.codecs.map(\.payloadType) == [120, 124, 121, 125, 126, 127, 97, 98])
        #expect(video.codec(payloadType: 126)?.feedback == ["nack", "nack pli", "ccm fir"])
        #expect(sdp.iceUfrag(of: video) == "1f0b6e3d")
    }

    @Test("Datachannel m-line is parsed with its non-RTP format")
    func datachannel() throws {
        let sdp = try SessionDescription(parsing: Fixtures.chromeDataChannel)
        let data = sdp.media[1]
        #expect(data.kind == "application")
        #expect(data.proto == "UDP/DTLS/SCTP")
        #expect(data.formats == ["webrtc-datachannel"])
        #expect(data.codecs.isEmpty)
        #expect(data.attribute("sctp-port") == "5000")
    }

    @Test("LF-only and CRLF descriptions parse the same", arguments: [
        Fixtures.chromeAudioVideo, Fixtures.chromeSimulcast, Fixtures.chromeScreenShare,
        Fixtures.chromeDataChannel, Fixtures.firefox,
    ])
    func lineEndings(_ text: String) throws {
        let crlf = try SessionDescription(parsing: text)
        let lf = try SessionDescription(parsing: text.replacingOccurrences(of: "\r\n", with: "\n"))
        #expect(crlf == lf)
    }

    @Test("Browser descriptions serialise to exactly their CRLF text and parse back equal", arguments: [
        Fixtures.chromeAudioVideo, Fixtures.chromeSimulcast, Fixtures.chromeScreenShare,
        Fixtures.chromeDataChannel, Fixtures.firefox,
    ])
    func roundTrip(_ text: String) throws {
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.serialized == text)
        #expect(try SessionDescription(parsing: sdp.serialized) == sdp)
    }

    @Test("A SIP phone's offer: static payload types, session c=, ptime, port count, b=, i=, r= dropped")
    func sipPhone() throws {
        let text = """
            v=0
            o=alice 2890844526 2890844527 IN IP4 192.0.2.10
            s=Talk
            i=A call
            u=http://example.com/call
            e=alice@example.com
            p=+1 617 555 6011
            c=IN IP4 192.0.2.10
            b=CT:128
            t=0 0
            r=604800 3600 0 90000
            z=2882844526 -1h
            k=clear:secret
            m=audio 49170 RTP/AVP 0 8 9 18 101
            i=voice
            b=AS:64
            a=rtpmap:101 telephone-event/8000
            a=fmtp:101 0-16
            a=ptime:20
            a=maxptime:40
            a=sendrecv
            m=video 51372/2 RTP/AVP 31
            """
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.sessionName == "Talk")
        #expect(sdp.information == "A call")
        #expect(sdp.uri == "http://example.com/call")
        #expect(sdp.emails == ["alice@example.com"])
        #expect(sdp.phones == ["+1 617 555 6011"])
        #expect(sdp.connection?.address == "192.0.2.10")
        #expect(sdp.bandwidths == ["CT:128"])
        let audio = sdp.media[0]
        #expect(audio.information == "voice")
        #expect(audio.bandwidths == ["AS:64"])
        #expect(audio.ptime == 20 && audio.maxPtime == 40)
        #expect(sdp.direction(of: audio) == .sendrecv)
        #expect(sdp.connection(of: audio)?.address == "192.0.2.10")
        #expect(audio.codecs.map(\.rtpmap) == ["PCMU/8000", "PCMA/8000", "G722/8000", "G729/8000", "telephone-event/8000"])
        #expect(sdp.media[1].port == 51372 && sdp.media[1].portCount == 2)
        #expect(sdp.media[1].codecs.map(\.name) == ["H261"])
        #expect(sdp.direction(of: sdp.media[1]) == .sendrecv)
        // r=, z= and k= are dropped; everything else survives a round trip.
        let reparsed = try SessionDescription(parsing: sdp.serialized)
        #expect(reparsed == sdp)
        #expect(!sdp.serialized.contains("r=") && !sdp.serialized.contains("k="))
        #expect(sdp.serialized.hasPrefix("v=0\r\no=alice 2890844526 2890844527 IN IP4 192.0.2.10\r\ns=Talk\r\ni=A call\r\nu=http"))
    }

    @Test("Lenient spellings browsers and phones use")
    func lenient() throws {
        // Missing s= becomes "-"; a rejected m-line may omit formats; blank lines
        // and a missing final newline are fine; extra spaces between fields.
        let sdp = try SessionDescription(parsing: "v=0\n\no=-  1 1 IN IP4 0.0.0.0\nt=0 0\nm=audio 0 RTP/AVP\na=inactive")
        #expect(sdp.sessionName == "-")
        #expect(sdp.origin.sessionID == 1)
        #expect(sdp.media[0].formats.isEmpty && sdp.media[0].isRejected)
        #expect(sdp.media[0].direction == .inactive)
        #expect(try SessionDescription(parsing: sdp.serialized) == sdp)
        // a=name: (empty value) is distinct from a=name.
        let empty = try SessionDescription(parsing: "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\r\na=foo:\r\na=bar\r\n")
        #expect(empty.sessionName == "")
        #expect(empty.attributes == [SDPAttribute("foo", ""), SDPAttribute("bar", nil)])
        #expect(empty.serialized == "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\r\na=foo:\r\na=bar\r\n")
    }

    @Test("Byte input: fixtures as hex, invalid UTF-8 becomes U+FFFD")
    func byteInput() throws {
        // "v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\ns=\xFF\r\nt=0 0\r\n"
        let input = bytes(hex: "763d300d0a 6f3d2d20312031 20494e2049503420302e302e302e300d0a 733dff0d0a 743d3020300d0a")
        let sdp = try SessionDescription(parsing: input)
        #expect(sdp.sessionName == "\u{FFFD}")
        #expect(try SessionDescription(parsing: sdp.serialized) == sdp)
        #expect(try SessionDescription(parsing: Array(Fixtures.firefox.utf8)) == SessionDescription(parsing: Fixtures.firefox))
    }

    @Test("Media-level values override session-level ones")
    func fallbacks() throws {
        let text = Fixtures.crlf("""
            v=0
            o=- 1 1 IN IP4 0.0.0.0
            s=-
            t=0 0
            a=ice-ufrag:sessUfrag
            a=ice-pwd:sessionPasswordsessionPassword
            a=setup:actpass
            a=recvonly
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            a=ice-ufrag:mediaUfrag
            a=setup:active
            a=rtpmap:111 opus/48000/2
            m=audio 9 UDP/TLS/RTP/SAVPF 111
            a=rtpmap:111 opus/48000/2

            """)
        let sdp = try SessionDescription(parsing: text)
        #expect(sdp.iceUfrag(of: sdp.media[0]) == "mediaUfrag")
        #expect(sdp.iceUfrag(of: sdp.media[1]) == "sessUfrag")
        #expect(sdp.icePassword(of: sdp.media[0]) == "sessionPasswordsessionPassword")
        #expect(sdp.setup(of: sdp.media[0]) == "active")
        #expect(sdp.setup(of: sdp.media[1]) == "actpass")
        #expect(sdp.direction(of: sdp.media[0]) == .recvonly)
    }
}
