import SDP
import SFU
import Testing
@testable import LoadTest

/// The simulated browser's SDP against Parley's own negotiation code: what
/// the server reads from our offer and answer is what a browser's would give.
@Suite("Publish offer and subscribe answer")
struct NegotiationTests {
    static let fingerprint = Fingerprint(algorithm: "sha-256", bytes: Array(repeating: 0xAB, count: 32))
    static let server = TransportParameters(iceUfrag: "srvUfrag", icePassword: "serverpassword0123456789",
                                            fingerprint: fingerprint,
                                            candidates: [Candidate(ip: "127.0.0.1", port: 40_000)])
    static let ourFingerprint = Array(repeating: "CD", count: 32).joined(separator: ":")

    @Test("Parley accepts the publish offer: Opus, VP8 with RTX, simulcast q/h/f, the header extensions it reads")
    func publishOffer() throws {
        let offer = PublishOffer(ufrag: "ab12", password: "clientpassword0123456789", fingerprint: Self.ourFingerprint,
                                 candidate: "1 1 udp 2122260223 127.0.0.1 50000 typ host", audioSSRC: 1234, video: true)
        let parsed = try SessionDescription(parsing: offer.sdp)
        let negotiation = try WebRTCNegotiation.answerPublishOffer(parsed, capabilities: .parley, transport: Self.server)
        #expect(negotiation.remoteUfrag == "ab12")
        #expect(negotiation.tracks.count == 2)
        let audio = try #require(negotiation.tracks.first { $0.kind == .audio })
        let video = try #require(negotiation.tracks.first { $0.kind == .video })
        #expect(audio.mid == "0" && audio.ssrc == 1234 && audio.codec.name.lowercased() == "opus")
        #expect(video.mid == "1" && video.rids == ["q", "h", "f"] && video.rtxPayloadType == 97)
        let answerSection = try #require(negotiation.answer.media(mid: "1"))
        let ids = PublishOffer.acceptedIDs(offer.ids, in: answerSection)
        #expect(ids.mid == 4 && ids.rid == 10 && ids.repairedRID == 11 && ids.absSendTime == 2)
        // What we read back from Parley's answer.
        let remote = try RemoteTransport(negotiation.answer)
        #expect(remote.ufrag == "srvUfrag" && remote.fingerprint == Self.fingerprint && remote.isLite)
        #expect(remote.candidates.map(\.address) == [STUNAddress(ipv4: (127, 0, 0, 1), port: 40_000)])
    }

    @Test("Parley reads our subscribe answer: recvonly where it sends, inactive elsewhere, setup active, BUNDLE")
    func subscribeAnswer() throws {
        let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2)
        let vp8 = RTPCodecParameters(payloadType: 96, name: "VP8", clockRate: 90000)
        let slots = [
            SubscribeSlot(mid: "0", kind: .audio, codec: opus, ssrc: 1001, streamID: "p1", trackID: "p1-mic", cname: "parley"),
            SubscribeSlot(mid: "1", kind: .video, codec: vp8, ssrc: 1002, streamID: "p2", trackID: "p2-cam", cname: "parley"),
            SubscribeSlot(mid: "2", kind: .video, active: false, codec: vp8, ssrc: 1003, streamID: "p3", trackID: "p3-cam", cname: "parley"),
        ]
        let offer = try WebRTCNegotiation.makeSubscribeOffer(slots: slots, transport: Self.server, sessionID: 9, sessionVersion: 2)
        let reparsed = try SessionDescription(parsing: offer.serialized)
        let writer = SubscribeAnswerWriter(ufrag: "sub1", password: "clientpassword0123456789",
                                           fingerprint: Self.ourFingerprint, candidate: "1 1 udp 2122260223 127.0.0.1 50001 typ host")
        let answer = try SessionDescription(parsing: writer.answer(to: reparsed))
        let read = try WebRTCNegotiation.readSubscribeAnswer(answer, offered: slots)
        #expect(read.remoteUfrag == "sub1")
        #expect(read.receivingMids == ["0", "1"])
        #expect(read.acceptedMids == ["0", "1", "2"])
        let tracks = SubscribeAnswerWriter.tracks(in: reparsed, producers: ["0": "prod-a", "1": "prod-v"])
        #expect(tracks[1001] == .init(mid: "0", isVideo: false, clockRate: 48000, producerID: "prod-a",
                                      absSendTimeID: SubscribeHeaderExtensionIDs.absSendTime))
        #expect(tracks[1002]?.isVideo == true && tracks[1002]?.producerID == "prod-v" && tracks[1002]?.nack == true)
        #expect(tracks[1003] == nil)
    }

    @Test("The page's grid: tile sizes for 1, 2 and 5 videos in 1280×720")
    func tiles() {
        let c = LoadTestConfiguration(server: URL(string: "http://127.0.0.1")!)
        #expect(c.tileSize(videos: 1) == (1280, 720))
        #expect(c.tileSize(videos: 2) == (640, 360))
        #expect(c.tileSize(videos: 5) == (426, 239))
    }
}

import Foundation
