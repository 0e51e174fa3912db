import Foundation
@testable import SDP

/// Realistic browser descriptions. Written with LF for readability; `crlf`
/// converts them to the CRLF browsers send.
enum Fixtures {
    static let chromeFingerprint =
        "sha-256 6B:8B:5D:EA:59:04:20:23:29:C8:87:1C:CF:CC:7E:53:64:E4:F8:0C:9E:C6:E6:A0:3B:3B:A1:D8:0E:89:99:3E"
    static let stream = "5f3d7d0e-ba3c-4a59-a2c3-5b2ee1d1f2a1"
    static let micTrack = "a1b2c3d4-0001-4000-8000-000000000001"
    static let cameraTrack = "a1b2c3d4-0002-4000-8000-000000000002"
    static let screenTrack = "a1b2c3d4-0003-4000-8000-000000000003"

    static func crlf(_ text: String) -> String {
        text.replacingOccurrences(of: "\n", with: "\r\n")
    }

    static func transportBlock(mid: String, fingerprint: Bool = true) -> String {
        """
        c=IN IP4 0.0.0.0
        a=rtcp:9 IN IP4 0.0.0.0
        a=ice-ufrag:Xh4K
        a=ice-pwd:dR0Yf5sNqGzXW7qk9kP8vZ2m
        a=ice-options:trickle
        \(fingerprint ? "a=fingerprint:\(chromeFingerprint)\n" : "")a=setup:actpass
        a=mid:\(mid)
        """
    }

    static let chromeSessionHeader = """
        v=0
        o=- 4611731400430051336 2 IN IP4 127.0.0.1
        s=-
        t=0 0
        """

    /// Chrome M120's microphone m-line (sendonly transceiver).
    static func chromeAudio(mid: String = "0") -> String {
        """
        m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
        \(transportBlock(mid: mid))
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=sendonly
        a=msid:\(stream) \(micTrack)
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:111 opus/48000/2
        a=rtcp-fb:111 transport-cc
        a=fmtp:111 minptime=10;useinbandfec=1
        a=rtpmap:63 red/48000/2
        a=fmtp:63 111/111
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:13 CN/8000
        a=rtpmap:110 telephone-event/48000
        a=rtpmap:126 telephone-event/8000
        a=ssrc:3735928559 cname:k3u1QmZ0Ywq7sL0b
        a=ssrc:3735928559 msid:\(stream) \(micTrack)
        """
    }

    /// The codec part of Chrome M120's video m-line.
    static let chromeVideoCodecs = """
        a=rtpmap:96 VP8/90000
        a=rtcp-fb:96 goog-remb
        a=rtcp-fb:96 transport-cc
        a=rtcp-fb:96 ccm fir
        a=rtcp-fb:96 nack
        a=rtcp-fb:96 nack pli
        a=rtpmap:97 rtx/90000
        a=fmtp:97 apt=96
        a=rtpmap:102 H264/90000
        a=rtcp-fb:102 goog-remb
        a=rtcp-fb:102 transport-cc
        a=rtcp-fb:102 ccm fir
        a=rtcp-fb:102 nack
        a=rtcp-fb:102 nack pli
        a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f
        a=rtpmap:103 rtx/90000
        a=fmtp:103 apt=102
        a=rtpmap:104 H264/90000
        a=rtcp-fb:104 nack
        a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f
        a=rtpmap:105 rtx/90000
        a=fmtp:105 apt=104
        a=rtpmap:106 H264/90000
        a=rtcp-fb:106 goog-remb
        a=rtcp-fb:106 transport-cc
        a=rtcp-fb:106 ccm fir
        a=rtcp-fb:106 nack
        a=rtcp-fb:106 nack pli
        a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f
        a=rtpmap:107 rtx/90000
        a=fmtp:107 apt=106
        a=rtpmap:108 H264/90000
        a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f
        a=rtpmap:109 rtx/90000
        a=fmtp:109 apt=108
        a=rtpmap:127 H264/90000
        a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f
        a=rtpmap:125 rtx/90000
        a=fmtp:125 apt=127
        a=rtpmap:39 H264/90000
        a=fmtp:39 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=4d001f
        a=rtpmap:40 rtx/90000
        a=fmtp:40 apt=39
        a=rtpmap:45 AV1/90000
        a=rtcp-fb:45 nack
        a=fmtp:45 level-idx=5;profile=0;tier=0
        a=rtpmap:46 rtx/90000
        a=fmtp:46 apt=45
        a=rtpmap:98 VP9/90000
        a=rtcp-fb:98 nack
        a=fmtp:98 profile-id=0
        a=rtpmap:99 rtx/90000
        a=fmtp:99 apt=98
        a=rtpmap:100 VP9/90000
        a=fmtp:100 profile-id=2
        a=rtpmap:101 rtx/90000
        a=fmtp:101 apt=100
        a=rtpmap:112 H264/90000
        a=fmtp:112 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=64001f
        a=rtpmap:113 rtx/90000
        a=fmtp:113 apt=112
        a=rtpmap:116 red/90000
        a=rtpmap:117 rtx/90000
        a=fmtp:117 apt=116
        a=rtpmap:118 ulpfec/90000
        """

    static let chromeVideoExtmaps = """
        a=extmap:14 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:13 urn:3gpp:video-orientation
        a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:5 http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:6 http://www.webrtc.org/experiments/rtp-hdrext/video-content-type
        a=extmap:7 http://www.webrtc.org/experiments/rtp-hdrext/video-timing
        a=extmap:8 http://www.webrtc.org/experiments/rtp-hdrext/color-space
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        """

    static let chromeVideoFormats = "96 97 102 103 104 105 106 107 108 109 127 125 39 40 45 46 98 99 100 101 112 113 116 117 118"

    /// A camera (or screen) m-line with one SSRC and its rtx.
    static func chromeVideo(mid: String, track: String, ssrc: UInt32, rtx: UInt32) -> String {
        """
        m=video 9 UDP/TLS/RTP/SAVPF \(chromeVideoFormats)
        \(transportBlock(mid: mid))
        \(chromeVideoExtmaps)
        a=sendonly
        a=msid:\(stream) \(track)
        a=rtcp-mux
        a=rtcp-rsize
        \(chromeVideoCodecs)
        a=ssrc-group:FID \(ssrc) \(rtx)
        a=ssrc:\(ssrc) cname:k3u1QmZ0Ywq7sL0b
        a=ssrc:\(ssrc) msid:\(stream) \(track)
        a=ssrc:\(rtx) cname:k3u1QmZ0Ywq7sL0b
        a=ssrc:\(rtx) msid:\(stream) \(track)
        """
    }

    /// A camera m-line with three rid-based simulcast layers (no a=ssrc lines).
    static func chromeSimulcastVideo(mid: String) -> String {
        """
        m=video 9 UDP/TLS/RTP/SAVPF \(chromeVideoFormats)
        \(transportBlock(mid: mid))
        \(chromeVideoExtmaps)
        a=sendonly
        a=msid:\(stream) \(cameraTrack)
        a=rtcp-mux
        a=rtcp-rsize
        \(chromeVideoCodecs)
        a=rid:q send
        a=rid:h send
        a=rid:f send
        a=simulcast:send q;h;f
        """
    }

    /// Microphone and camera.
    static let chromeAudioVideo = crlf("""
        \(chromeSessionHeader)
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS \(stream)
        \(chromeAudio())
        \(chromeVideo(mid: "1", track: cameraTrack, ssrc: 1111111111, rtx: 2222222222))

        """)

    /// Microphone and a simulcast camera.
    static let chromeSimulcast = crlf("""
        \(chromeSessionHeader)
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS \(stream)
        \(chromeAudio())
        \(chromeSimulcastVideo(mid: "1"))

        """)

    /// The renegotiation after the user starts sharing the screen: a third m-line.
    static let chromeScreenShare = crlf("""
        v=0
        o=- 4611731400430051336 3 IN IP4 127.0.0.1
        s=-
        t=0 0
        a=group:BUNDLE 0 1 2
        a=extmap-allow-mixed
        a=msid-semantic: WMS \(stream)
        \(chromeAudio())
        \(chromeSimulcastVideo(mid: "1"))
        \(chromeVideo(mid: "2", track: screenTrack, ssrc: 3333333333, rtx: 3444444444))

        """)

    /// Microphone plus a datachannel Parley must reject.
    static let chromeDataChannel = crlf("""
        \(chromeSessionHeader)
        a=group:BUNDLE 0 1
        a=extmap-allow-mixed
        a=msid-semantic: WMS \(stream)
        \(chromeAudio())
        m=application 9 UDP/DTLS/SCTP webrtc-datachannel
        \(transportBlock(mid: "1"))
        a=sctp-port:5000
        a=max-message-size:262144

        """)

    /// Firefox 120 style: session-level fingerprint, directions with extmaps,
    /// fmtp before rtpmap, `~` on a paused simulcast layer.
    static let firefox = crlf("""
        v=0
        o=mozilla...THIS_IS_SDPARTA-120.0 7052848360639826063 0 IN IP4 0.0.0.0
        s=-
        t=0 0
        a=fingerprint:sha-256 E4:0A:1F:7B:33:9C:2D:5E:80:11:A2:B3:C4:D5:E6:F7:08:19:2A:3B:4C:5D:6E:7F:80:91:A2:B3:C4:D5:E6:F7
        a=group:BUNDLE 0 1
        a=ice-options:trickle
        a=msid-semantic:WMS *
        m=audio 9 UDP/TLS/RTP/SAVPF 109 9 0 8 101
        c=IN IP4 0.0.0.0
        a=sendonly
        a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
        a=extmap:2/recvonly urn:ietf:params:rtp-hdrext:csrc-audio-level
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=fmtp:109 maxplaybackrate=48000;stereo=1;useinbandfec=1
        a=fmtp:101 0-15
        a=ice-pwd:8a4c4bd8f1d5c8e39a2b3a6f3c1e9d27
        a=ice-ufrag:1f0b6e3d
        a=mid:0
        a=msid:{0b2c7c4e-6a55-4f0e-9a61-4c52b0a0c1d2} {5e1c3a5b-0d4c-4c0a-8e59-1d2b3c4d5e6f}
        a=rtcp-mux
        a=rtpmap:109 opus/48000/2
        a=rtpmap:9 G722/8000/1
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=setup:actpass
        a=ssrc:2882400001 cname:{8f2e8c8a-5a1b-4b7e-9c3d-2e1f0a9b8c7d}
        m=video 9 UDP/TLS/RTP/SAVPF 120 124 121 125 126 127 97 98
        c=IN IP4 0.0.0.0
        a=sendonly
        a=extmap:3 urn:ietf:params:rtp-hdrext:sdes:mid
        a=extmap:4 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
        a=extmap:5 urn:ietf:params:rtp-hdrext:toffset
        a=extmap:6/recvonly http://www.webrtc.org/experiments/rtp-hdrext/playout-delay
        a=extmap:7 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
        a=extmap:8 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id
        a=extmap:9 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id
        a=fmtp:126 profile-level-id=42e01f;level-asymmetry-allowed=1;packetization-mode=1
        a=fmtp:97 profile-level-id=42e01f;level-asymmetry-allowed=1
        a=fmtp:120 max-fs=12288;max-fr=60
        a=fmtp:124 apt=120
        a=fmtp:121 max-fs=12288;max-fr=60
        a=fmtp:125 apt=121
        a=fmtp:127 apt=126
        a=fmtp:98 apt=97
        a=ice-pwd:8a4c4bd8f1d5c8e39a2b3a6f3c1e9d27
        a=ice-ufrag:1f0b6e3d
        a=mid:1
        a=msid:{0b2c7c4e-6a55-4f0e-9a61-4c52b0a0c1d2} {7a8b9c0d-1e2f-4a3b-8c4d-5e6f7a8b9c0d}
        a=rid:a send
        a=rid:b send
        a=rid:c send
        a=rtcp-fb:120 nack
        a=rtcp-fb:120 nack pli
        a=rtcp-fb:120 ccm fir
        a=rtcp-fb:120 goog-remb
        a=rtcp-fb:120 transport-cc
        a=rtcp-fb:121 nack
        a=rtcp-fb:121 nack pli
        a=rtcp-fb:126 nack
        a=rtcp-fb:126 nack pli
        a=rtcp-fb:126 ccm fir
        a=rtcp-mux
        a=rtcp-rsize
        a=rtpmap:120 VP8/90000
        a=rtpmap:124 rtx/90000
        a=rtpmap:121 VP9/90000
        a=rtpmap:125 rtx/90000
        a=rtpmap:126 H264/90000
        a=rtpmap:127 rtx/90000
        a=rtpmap:97 H264/90000
        a=rtpmap:98 rtx/90000
        a=setup:actpass
        a=simulcast:send a;b;~c
        a=ssrc:2882400002 cname:{8f2e8c8a-5a1b-4b7e-9c3d-2e1f0a9b8c7d}
        a=ssrc:2882400003 cname:{8f2e8c8a-5a1b-4b7e-9c3d-2e1f0a9b8c7d}
        a=ssrc:2882400004 cname:{8f2e8c8a-5a1b-4b7e-9c3d-2e1f0a9b8c7d}

        """)

    /// Parley's transport for the tests.
    static let parleyFingerprint = Fingerprint(algorithm: "sha-256", bytes: Array(0..<32))
    static let transport = TransportParameters(
        iceUfrag: "prly", icePassword: "parleyPasswordPassword24",
        fingerprint: parleyFingerprint,
        candidates: [Candidate(ip: "203.0.113.7", port: 40000),
                     Candidate(ip: "2001:db8::7", port: 40000, foundation: "2", localPreference: 65534)])

    static let chromeCNAME = "k3u1QmZ0Ywq7sL0b"
}

/// Bytes from a hex string (spaces ignored).
func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8.filter { $0 != 0x20 })
    var result: [UInt8] = []
    var index = 0
    while index + 1 < digits.count {
        result.append(UInt8(String(decoding: digits[index...index + 1], as: UTF8.self), radix: 16)!)
        index += 2
    }
    return result
}

/// The line number a parse fails on, or nil when it parses.
func failingLine(_ text: String) -> Int? {
    do {
        _ = try SessionDescription(parsing: text)
        return nil
    } catch {
        return error.line
    }
}

/// The parse error, or nil.
func parseError(_ text: String) -> SDPParseError? {
    do {
        _ = try SessionDescription(parsing: text)
        return nil
    } catch {
        return error
    }
}
