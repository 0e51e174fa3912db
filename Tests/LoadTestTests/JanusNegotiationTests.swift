import SDP
import SFU
import Testing
@testable import LoadTest

/// What the Janus adapter reads from Janus's SDP (as Janus 1.1 writes it).
@Suite("Janus VideoRoom SDP")
struct JanusNegotiationTests {
    /// Janus's answer to our publish offer: `a=setup:active` (Janus is the DTLS
    /// client), no abs-send-time, RTX and simulcast kept.
    static let answer = """
        v=0\r
        o=- 123 2 IN IP4 127.0.0.1\r
        s=VideoRoom 4242\r
        t=0 0\r
        a=group:BUNDLE 0 1\r
        a=fingerprint:sha-256 3F:B5:45:5B:99:79:1A:4A:DF:43:34:E8:94:F0:35:E3:F3:15:E4:84:A1:6B:C1:0E:F9:4E:6D:6A:DF:B6:8E:71\r
        m=audio 9 UDP/TLS/RTP/SAVPF 111\r
        c=IN IP4 127.0.0.1\r
        a=recvonly\r
        a=mid:0\r
        a=rtcp-mux\r
        a=ice-ufrag:SiHJ\r
        a=ice-pwd:DlPYiqsFCiYaJtDMnUXh1v\r
        a=setup:active\r
        a=rtpmap:111 opus/48000/2\r
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r
        a=candidate:1 1 udp 2015363839 10.99.0.1 55153 typ host\r
        m=video 9 UDP/TLS/RTP/SAVPF 96 97\r
        c=IN IP4 127.0.0.1\r
        a=recvonly\r
        a=mid:1\r
        a=rtcp-mux\r
        a=ice-ufrag:SiHJ\r
        a=ice-pwd:DlPYiqsFCiYaJtDMnUXh1v\r
        a=setup:active\r
        a=rtpmap:96 VP8/90000\r
        a=rtcp-fb:96 nack\r
        a=rtcp-fb:96 nack pli\r
        a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r
        a=extmap:10 urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id\r
        a=extmap:11 urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id\r
        a=rtpmap:97 rtx/90000\r
        a=fmtp:97 apt=96\r
        a=rid:q recv\r
        a=rid:h recv\r
        a=rid:f recv\r
        a=simulcast:recv q;h;f\r
        a=candidate:1 1 udp 2015363839 10.99.0.1 55153 typ host\r

        """

    @Test("Janus's publish answer: we become the DTLS server; media without abs-send-time, with RTX")
    func publishAnswer() throws {
        let answer = try SessionDescription(parsing: Self.answer)
        let remote = try RemoteTransport(answer)
        #expect(remote.setup == "active")
        #expect(!remote.isLite)
        #expect(remote.candidates.map(\.address) == [STUNAddress(ipv4: (10, 99, 0, 1), port: 55153)])
        #expect(remote.fingerprint.algorithm == "sha-256")
        let offer = PublishOffer(ufrag: "ab12", password: "clientpassword0123456789", fingerprint: "AB", candidate: nil,
                                 audioSSRC: 5, video: true)
        let media = PublisherMedia.answering(offer, with: answer, seed: 1)
        #expect(media.audio?.ids == HeaderExtensionIDs(mid: 4))
        #expect(media.video?.ids == HeaderExtensionIDs(mid: 4, rid: 10, repairedRID: 11))
        #expect(media.video?.rtxPayloadType == 97)
    }
}
