@testable import SDP

/// Offers as real phones write them (by hand, after traces of each client).
enum PhoneFixtures {
    /// Bytes 0…29 and their base64.
    static let remoteKey: [UInt8] = Array(0..<30)
    static let remoteKeyBase64 = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwd"
    /// Bytes 100…129 and their base64.
    static let otherKey: [UInt8] = Array(100..<130)
    static let otherKeyBase64 = "ZGVmZ2hpamtsbW5vcHFyc3R1dnd4eXp7fH1+f4CB"
    /// Parley's key in the tests.
    static let localKey: [UInt8] = Array(repeating: 0xAB, count: 30)
    static let localKeyBase64 = "q6urq6urq6urq6urq6urq6urq6urq6urq6urq6ur"

    static func crlf(_ text: String) -> String {
        String(text.split(separator: "\n", omittingEmptySubsequences: false).joined(separator: "\r\n"))
    }

    /// baresip 1.0 with `audio_codecs=PCMU`.
    static let baresip = """
        v=0
        o=- 1263410522 2347617830 IN IP4 127.0.0.1
        s=-
        c=IN IP4 127.0.0.1
        t=0 0
        m=audio 10004 RTP/AVP 0 101
        b=AS:64
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=sendrecv
        a=label:1
        a=ptime:20
        a=rtcp-rsize
        """

    /// A Polycom VVX: G.722 first, static payload types, session-level direction.
    static let polycom = """
        v=0
        o=- 1618328468 1618328468 IN IP4 192.168.1.50
        s=Polycom IP Phone
        c=IN IP4 192.168.1.50
        t=0 0
        a=sendrecv
        m=audio 2226 RTP/AVP 9 0 8 18 101
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        """

    /// A Yealink T4x: PCMU first, ptime 30, a=rtcp.
    static let yealink = """
        v=0
        o=- 20080 20080 IN IP4 10.0.0.12
        s=SDP data
        c=IN IP4 10.0.0.12
        t=0 0
        m=audio 11800 RTP/AVP 0 8 9 18 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:9 G722/8000
        a=rtpmap:18 G729/8000
        a=fmtp:18 annexb=no
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        a=rtcp:11801
        a=ptime:30
        a=sendrecv
        """

    /// Linphone with Opus first and telephone-event at three rates.
    static let linphone = """
        v=0
        o=alice 3125 2343 IN IP4 192.168.0.20
        s=Talk
        c=IN IP4 192.168.0.20
        t=0 0
        a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics
        m=audio 7078 RTP/AVP 96 97 98 0 8 101 99 100
        a=rtpmap:96 opus/48000/2
        a=fmtp:96 useinbandfec=1; stereo=0; sprop-stereo=0
        a=rtpmap:97 SILK/16000
        a=rtpmap:98 speex/16000
        a=fmtp:98 vbr=on
        a=rtpmap:101 telephone-event/48000
        a=rtpmap:99 telephone-event/16000
        a=rtpmap:100 telephone-event/8000
        a=rtcp-fb:* trr-int 1000
        a=rtcp-fb:* ccm tmmbr
        """

    /// SDES-SRTP (a Snom-like offer): an AES-256 line Parley cannot use, then
    /// _32 and _80 lines, one with a lifetime.
    static let sdes = """
        v=0
        o=root 8843 8843 IN IP4 172.16.4.9
        s=call
        c=IN IP4 172.16.4.9
        t=0 0
        m=audio 51234 RTP/SAVP 8 0 101
        a=rtpmap:8 PCMA/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:d0RmdmcmVCspeEc3QGZiNWpVLFJhQX1cfHAwJSoj|2^31
        a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(otherKeyBase64)
        a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:\(remoteKeyBase64)|2^31
        a=ptime:20
        a=sendrecv
        """

    /// A hold re-INVITE from the Polycom: a=sendonly, version bumped.
    static let holdSendonly = """
        v=0
        o=- 1618328468 1618328469 IN IP4 192.168.1.50
        s=Polycom IP Phone
        c=IN IP4 192.168.1.50
        t=0 0
        a=sendonly
        m=audio 2226 RTP/AVP 9 0 8 18 101
        a=rtpmap:9 G722/8000
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:18 G729/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-15
        """

    /// An RFC 2543 hold: c=0.0.0.0 and no direction attribute.
    static let holdZeroAddress = """
        v=0
        o=- 20080 20081 IN IP4 10.0.0.12
        s=SDP data
        c=IN IP4 0.0.0.0
        t=0 0
        m=audio 11800 RTP/AVP 0 101
        a=rtpmap:0 PCMU/8000
        a=rtpmap:101 telephone-event/8000
        """

    /// A video phone: video first, audio with its own c=.
    static let videoAndAudio = """
        v=0
        o=- 77 1 IN IP4 10.1.1.1
        s=-
        t=0 0
        m=video 9078 RTP/AVP 99 34
        c=IN IP4 10.1.1.1
        a=rtpmap:99 H264/90000
        a=fmtp:99 profile-level-id=42801F
        a=rtpmap:34 H263/90000
        m=audio 7078 RTP/AVP 8 101
        c=IN IP4 10.1.1.2
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=recvonly
        """

    /// Only codecs Parley does not speak.
    static let g729Only = """
        v=0
        o=- 1 1 IN IP4 10.0.0.5
        s=-
        c=IN IP4 10.0.0.5
        t=0 0
        m=audio 4000 RTP/AVP 18 3 101
        a=rtpmap:18 G729/8000
        a=rtpmap:3 GSM/8000
        a=rtpmap:101 telephone-event/8000
        """
}
