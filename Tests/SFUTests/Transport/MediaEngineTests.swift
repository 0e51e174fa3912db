import Logging
import NIOCore
import NIOEmbedded
import RTP
import SDP
import Testing
@testable import SFU

/// The forwarding path end to end without sockets: two fake browsers (ICE,
/// DTLS and SRTP played by the test) and a `MediaEngine` on an embedded
/// channel. What reaches the subscriber is decrypted and checked.
@Suite struct MediaEngineTests {
    final class Harness {
        let loop = EmbeddedEventLoop()
        let channel: EmbeddedChannel
        let engine: MediaEngine
        let events: AsyncStream<MediaEvent>
        let alice: FakePeer   // publishes
        let bob: FakePeer     // subscribes
        let audioSSRC: UInt32 = 0x1111_1111
        let videoSSRC: UInt32 = 0x2222_2222
        var publish: WebRTCTransport!
        var subscribe: WebRTCTransport!
        var consumerAudioSSRC: UInt32 = 0
        var consumerVideoSSRC: UInt32 = 0

        init() throws {
            channel = EmbeddedChannel(loop: loop)
            let (stream, continuation) = AsyncStream<MediaEvent>.makeStream()
            events = stream
            var logger = Logger(label: "test")
            logger.logLevel = .critical
            engine = MediaEngine(eventLoop: loop, dtlsContext: try DTLSContext(certificate: DTLSCertificate()),
                                 configuration: MediaConfiguration(host: "127.0.0.1", port: 40000),
                                 logger: logger, events: continuation)
            engine.channel = channel
            engine.candidates = [Candidate(ip: "127.0.0.1", port: 40000)]
            alice = try FakePeer(port: 50001)
            bob = try FakePeer(port: 50002)
        }

        /// Alice publishes audio and video; Bob subscribes to both; both connect.
        func connect() throws {
            publish = try engine.createTransport(routerID: "room", role: .publish)
            let offer = publishOffer(peer: alice, audioSSRC: audioSSRC, videoSSRC: videoSSRC)
            let result = try publish.applyPublishOffer(offer, sources: ["0": .microphone, "1": .camera], makeID: { self.engine.makeID("pr") })
            #expect(result.added.count == 2)
            let answer = try SessionDescription(parsing: result.answer)
            try alice.connect(to: engine, channel: channel, serverUfrag: answer.media[0].iceUfrag!,
                              serverPassword: answer.media[0].icePassword!, serverFingerprint: engine.localFingerprint.value)

            subscribe = try engine.createTransport(routerID: "room", role: .subscribe)
            let producers = Array(publish.producersByMid.values).sorted { $0.mid < $1.mid }
            let update = try #require(subscribe.updateSubscriptions(to: producers, makeID: { self.engine.makeID("c") }))
            #expect(update.tracks.count == 2)
            let subOffer = try SessionDescription(parsing: update.offer)
            consumerAudioSSRC = try #require(subOffer.media.first { $0.kind == "audio" }?.ssrcs.first)
            consumerVideoSSRC = try #require(subOffer.media.first { $0.kind == "video" }?.ssrcs.first)
            try subscribe.applySubscribeAnswer(try subscribeAnswer(to: update.offer, peer: bob), now: .now())
            try bob.connect(to: engine, channel: channel, serverUfrag: subOffer.media[0].iceUfrag!,
                            serverPassword: subOffer.media[0].icePassword!, serverFingerprint: engine.localFingerprint.value)
            #expect(publish.canSendMedia && subscribe.canSendMedia)
        }

        /// Bob's decrypted RTP packets since the last call; `lose` are
        /// indexes the network "lost" (never decrypted, as a browser would not see them).
        func bobRTP(lose: Set<Int> = []) throws -> [(header: RTPHeader, bytes: [UInt8])] {
            bob.inbox = []
            _ = try drain(channel, peers: [alice, bob])
            let rtp = bob.inbox.filter { !(192...223).contains($0[1]) }
            return try rtp.indices.filter { !lose.contains($0) }.map { rtp[$0] }.map { d in
                let plain = try bob.open(d)
                return (try plain.withUnsafeBytes { try RTPHeader(parsing: $0) }, plain)
            }
        }

        func aliceRTCP() throws -> [[UInt8]] {
            alice.inbox = []
            _ = try drain(channel, peers: [alice, bob])
            return try alice.inbox.filter { $0.count > 1 && (192...223).contains($0[1]) }.map { try alice.open($0) }
        }
    }

    @Test func forwardsAudioAndVideoWithTheConsumersOwnSSRCAndContinuousSequence() throws {
        let h = try Harness()
        try h.connect()
        // Audio: forwarded at once, rewritten to the consumer's SSRC.
        for i in 0..<5 {
            try h.alice.sendRTP(rtpPacket(pt: 111, seq: UInt16(100 + i), ts: UInt32(960 * i), ssrc: h.audioSSRC,
                                          extensions: [(1, [0x80 | 30])], payload: [UInt8](repeating: UInt8(i), count: 60)), to: h.engine)
        }
        let audio = try h.bobRTP()
        #expect(audio.count == 5)
        #expect(audio.allSatisfy { $0.header.ssrc == h.consumerAudioSSRC && $0.header.payloadType == 111 })
        let seqs = audio.map(\.header.sequenceNumber)
        #expect(zip(seqs, seqs.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        #expect(audio[2].bytes.suffix(60) == ArraySlice([UInt8](repeating: 2, count: 60)))
        // The audio level element survives with the subscribe side's id (1).
        let level = audio[0].bytes.withUnsafeBytes { b in audio[0].header.extensionElement(id: SubscribeHeaderExtensionIDs.audioLevel, in: b).map { b[$0.lowerBound] } }
        #expect(level == UInt8(0x9E))  // V=1, 30 dBov

        // Video: nothing until a keyframe (and a PLI goes to Alice), then everything.
        try h.alice.sendRTP(rtpPacket(pt: 96, seq: 500, ts: 9000, ssrc: h.videoSSRC, payload: vp8Payload(pictureID: 10, keyframe: false)), to: h.engine)
        #expect(try h.bobRTP().isEmpty)
        for i in 0..<4 {
            try h.alice.sendRTP(rtpPacket(pt: 96, seq: UInt16(501 + i), ts: 12000 + UInt32(i / 2) * 3000, ssrc: h.videoSSRC,
                                          marker: i % 2 == 1, payload: vp8Payload(pictureID: UInt16(11 + i / 2), keyframe: i == 0)), to: h.engine)
        }
        let video = try h.bobRTP()
        #expect(video.count == 4)
        #expect(video.allSatisfy { $0.header.ssrc == h.consumerVideoSSRC })
        let vseqs = video.map(\.header.sequenceNumber)
        #expect(zip(vseqs, vseqs.dropFirst()).allSatisfy { $1 == $0 &+ 1 })
        // Payload bytes after the descriptor are untouched.
        #expect(video[1].bytes.suffix(200) == ArraySlice([UInt8](repeating: 0x5A, count: 200)))
    }

    @Test func answersNACKsFromTheCacheAndForwardsPLIToThePublisher() throws {
        let h = try Harness()
        try h.connect()
        for i in 0..<6 {
            try h.alice.sendRTP(rtpPacket(pt: 96, seq: UInt16(1000 + i), ts: UInt32(i) * 3000, ssrc: h.videoSSRC,
                                          payload: vp8Payload(pictureID: UInt16(i), keyframe: i == 0)), to: h.engine)
        }
        let sent = try h.bobRTP(lose: [2, 4])
        #expect(sent.count == 4)
        _ = try h.aliceRTCP()

        // Bob lost two packets: the SFU resends them from its cache, without asking Alice.
        let first = sent[0].header.sequenceNumber
        var nack: [UInt8] = []
        GenericNACK(senderSSRC: 7, mediaSSRC: h.consumerVideoSSRC, lostSequenceNumbers: [first &+ 2, first &+ 4]).append(to: &nack)
        try h.bob.sendRTCP(nack, to: h.engine)
        let resent = try h.bobRTP()
        #expect(resent.map(\.header.sequenceNumber) == [first &+ 2, first &+ 4])
        #expect(resent.allSatisfy { $0.header.ssrc == h.consumerVideoSSRC })
        #expect(resent[0].header.timestamp == sent[1].header.timestamp &+ 3000)
        #expect(resent[1].bytes.suffix(200) == ArraySlice([UInt8](repeating: 0x5A, count: 200)))
        // The picture id was rewritten like the rest of the stream: consecutive.
        let pid = { (p: [UInt8]) in UInt16(p[14] & 0x7F) << 8 | UInt16(p[15]) }
        #expect(pid(resent[0].bytes) == pid(sent[1].bytes) &+ 1)

        // Bob lost a frame: Alice gets a PLI for her camera SSRC — once, however
        // often Bob asks within the throttle window (the joins' own request is
        // forgotten here as if half a second had passed).
        h.publish.producersByMid["1"]!.layers[0].lastKeyframeRequestAt = nil
        var pli: [UInt8] = []
        PictureLossIndication(senderSSRC: 7, mediaSSRC: h.consumerVideoSSRC).append(to: &pli)
        for _ in 0..<3 { try h.bob.sendRTCP(pli, to: h.engine) }
        let feedback = try h.aliceRTCP()
        let plis = feedback.compactMap { try? PictureLossIndication(parsing: $0.withUnsafeBytes { UnsafeRawBufferPointer(rebasing: $0[...]) }) }
        #expect(plis.count == 1)
        #expect(plis.first?.mediaSSRC == h.videoSSRC)
    }

    @Test func sendsTransportWideFeedbackAndReceiverReportsToThePublisher() throws {
        let h = try Harness()
        try h.connect()
        for i in 0..<10 where i != 4 {
            try h.alice.sendRTP(rtpPacket(pt: 111, seq: UInt16(i), ts: UInt32(960 * i), ssrc: h.audioSSRC,
                                          extensions: [(3, [0, UInt8(20 + i)])], payload: [1, 2, 3]), to: h.engine)
        }
        h.engine.tick()
        let rtcp = try h.aliceRTCP()
        var feedback: TransportFeedback?
        var report: ReceiverReport?
        for compound in rtcp {
            compound.withUnsafeBytes { bytes in
                var it = RTCPCompoundIterator(bytes)
                while let view = it.next() {
                    let b = view.bytes(in: bytes)
                    if view.packetType == 205, view.count == 15 { feedback = try? TransportFeedback(parsing: b) }
                    if view.packetType == 201 { report = try? ReceiverReport(parsing: b) }
                }
            }
        }
        let fb = try #require(feedback)
        #expect(fb.baseSequence == 20)
        #expect(fb.packets.count == 10)
        #expect(fb.packets[4].receivedDeltaMicros == nil)   // transport-wide seq 24 never came
        #expect(fb.packets.filter { $0.receivedDeltaMicros != nil }.count == 9)
        let rr = try #require(report)
        let block = try #require(rr.reportBlocks.first { $0.ssrc == h.audioSSRC })
        #expect(block.highestSequence == 9)
        #expect(block.cumulativeLost == 1)
    }

    @Test func senderReportsReachSubscribersInTheirOwnTimestampLine() throws {
        let h = try Harness()
        try h.connect()
        for i in 0..<3 {
            try h.alice.sendRTP(rtpPacket(pt: 111, seq: UInt16(10 + i), ts: 48_000 + UInt32(960 * i), ssrc: h.audioSSRC,
                                          payload: [UInt8](repeating: 1, count: 50)), to: h.engine)
        }
        let forwarded = try h.bobRTP()
        let delta = forwarded[0].header.timestamp &- 48_000
        var sr: [UInt8] = []
        SenderReport(ssrc: h.audioSSRC, ntpTimestamp: 0xE000_0000_8000_0000, rtpTimestamp: 50_000,
                     packetCount: 3, octetCount: 150, reportBlocks: []).append(to: &sr)
        try h.alice.sendRTCP(sr, to: h.engine)
        h.bob.inbox = []
        _ = try drain(h.channel, peers: [h.alice, h.bob])
        let reports = try h.bob.inbox.filter { (192...223).contains($0[1]) }.map { try h.bob.open($0) }
            .compactMap { b in b.withUnsafeBytes { try? SenderReport(parsing: $0) } }
        let report = try #require(reports.first)
        #expect(report.ssrc == h.consumerAudioSSRC)
        #expect(report.ntpTimestamp == 0xE000_0000_8000_0000)
        #expect(report.rtpTimestamp == 50_000 &+ delta)
        #expect(report.packetCount == 3 && report.octetCount == 150)
    }

    @Test func packetsLostOnTheWayInAreAskedForAndTheRetransmissionForwarded() throws {
        let h = try Harness()
        try h.connect()
        // Alice's keyframe, then 11 and 12 lost, then 13.
        try h.alice.sendRTP(rtpPacket(pt: 96, seq: 10, ts: 0, ssrc: h.videoSSRC, payload: vp8Payload(pictureID: 1, keyframe: true)), to: h.engine)
        try h.alice.sendRTP(rtpPacket(pt: 96, seq: 13, ts: 6000, ssrc: h.videoSSRC, payload: vp8Payload(pictureID: 3, keyframe: false)), to: h.engine)
        h.alice.inbox = []
        let before = try h.bobRTP()   // drains for both peers
        #expect(before.count == 2)
        let nacks = try h.alice.inbox.filter { (192...223).contains($0[1]) }.map { try h.alice.open($0) }
            .compactMap { b in b.withUnsafeBytes { try? GenericNACK(parsing: $0) } }
        #expect(nacks.first?.mediaSSRC == h.videoSSRC)
        #expect(nacks.first?.lostSequenceNumbers == [11, 12])
        // The browser resends 11 (here on the original SSRC); it is forwarded
        // into its place in Bob's sequence, and no longer asked for.
        try h.alice.sendRTP(rtpPacket(pt: 96, seq: 11, ts: 3000, ssrc: h.videoSSRC, payload: vp8Payload(pictureID: 2, keyframe: false)), to: h.engine)
        let filled = try h.bobRTP()
        #expect(filled.count == 1)
        #expect(filled.first?.header.sequenceNumber == before[0].header.sequenceNumber &+ 1)
        let layer = try #require(h.publish.producersByMid["1"]?.layers[0])
        #expect(layer.lossRecovery.pendingCount == 1)   // only 12 is still missing
    }

    @Test func junkAndStrangersAreDroppedAndCounted() throws {
        let h = try Harness()
        try h.connect()
        let stranger = try SocketAddress(ipAddress: "127.0.0.1", port: 50999)
        let junk: [[UInt8]] = [[], [0x00, 0x01], [0x16, 0xFE, 0xFD, 0, 0], [0x80, 0x60, 0, 1], [0xFF, 0xFF], Array(repeating: 0x90, count: 40)]
        for j in junk {
            var b = ByteBuffer(bytes: j)
            h.engine.receive(&b, from: stranger)
        }
        // From a known peer: an RTP packet that fails SRTP authentication.
        h.alice.deliver([0x80, 0x6F, 0, 9, 0, 0, 0, 1, 0x11, 0x11, 0x11, 0x11] + Array(repeating: 7, count: 40), to: h.engine)
        #expect(h.engine.metrics.droppedTotal >= junk.count)
        #expect(h.engine.metrics.dropped.keys.contains { $0.hasPrefix("srtp/") })
        #expect(try drain(h.channel).isEmpty)   // nothing answered to junk
        // And the forwarding still works.
        try h.alice.sendRTP(rtpPacket(pt: 111, seq: 1, ts: 0, ssrc: h.audioSSRC, payload: [9]), to: h.engine)
        #expect(try h.bobRTP().count == 1)
    }

    @Test func aBrowserThatStopsSendingChecksIsDisconnected() async throws {
        let h = try Harness()
        try h.connect()
        // RFC 7675: consent lapses without checks; 30 s in production.
        h.publish.ice.consentTimeout = .milliseconds(20)
        try await Task.sleep(for: .milliseconds(60))
        h.engine.tick()
        #expect(h.engine.transports[h.publish.id] == nil)
        #expect(h.engine.routers["room"]?.producers.isEmpty == true)
        var closed: MediaEvent?
        for await event in h.events {
            if case .transportClosed = event { closed = event; break }
        }
        #expect(closed == .transportClosed(routerID: "room", transportID: h.publish.id, reason: "disconnected"))
        // The subscriber, which keeps checking, stays.
        #expect(h.engine.transports[h.subscribe.id] != nil)
    }

    @Test func pausedProducersForwardNothingAndClosingATransportClosesItsProducers() throws {
        let h = try Harness()
        try h.connect()
        let mic = try #require(h.publish.producersByMid["0"])
        mic.paused = true
        try h.alice.sendRTP(rtpPacket(pt: 111, seq: 1, ts: 0, ssrc: h.audioSSRC, payload: [9]), to: h.engine)
        #expect(try h.bobRTP().isEmpty)
        mic.paused = false
        try h.alice.sendRTP(rtpPacket(pt: 111, seq: 2, ts: 960, ssrc: h.audioSSRC, payload: [9]), to: h.engine)
        #expect(try h.bobRTP().count == 1)

        h.engine.close(h.publish, reason: "left")
        #expect(h.engine.routers["room"]?.producers.isEmpty == true)
        // Bob's next offer drops both tracks (m-lines kept, inactive).
        let update = try #require(h.subscribe.updateSubscriptions(to: [], makeID: { "x" }))
        #expect(update.tracks.isEmpty)
        let offer = try SessionDescription(parsing: update.offer)
        #expect(offer.media.count == 2)
        #expect(offer.media.allSatisfy { $0.direction == .inactive })
    }

    /// Closing frees a transport with its producers and consumers: a
    /// reference cycle among them (a transport owns its producers and
    /// consumers, they point back at it) would keep every participant who
    /// ever joined in memory.
    @Test func closedTransportsTheirProducersAndConsumersAreFreed() throws {
        weak var publish: WebRTCTransport?
        weak var subscribe: WebRTCTransport?
        weak var producer: Producer?
        weak var consumer: Consumer?
        let h = try Harness()
        try h.connect()
        try h.alice.sendRTP(rtpPacket(pt: 111, seq: 1, ts: 0, ssrc: h.audioSSRC, payload: [9]), to: h.engine)
        #expect(try h.bobRTP().count == 1)
        publish = h.publish
        subscribe = h.subscribe
        producer = h.publish.producersByMid["0"]
        consumer = h.subscribe.consumersByMid.values.first
        #expect(producer != nil && consumer != nil)

        h.engine.close(h.publish, reason: "left")
        h.publish = nil
        #expect(publish == nil)
        // The subscriber's consumer of a closed producer (and so the
        // producer) stays until the subscriber's next offer or its close.
        #expect(producer != nil)
        h.engine.close(h.subscribe, reason: "left")
        h.subscribe = nil
        #expect(subscribe == nil)
        #expect(consumer == nil)
        #expect(producer == nil)
    }
}
