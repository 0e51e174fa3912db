import RTP
import SFU
import Testing
@testable import LoadTest

@Suite("NACK history, receive statistics and feedback")
struct LossRecoveryTests {
    static let ids = HeaderExtensionIDs.chromium

    @Test("The send history returns what was sent, and forgets it after its capacity")
    func history() throws {
        var history = SendHistory(capacity: 8)
        var source = OpusSource(ssrc: 9, mid: "0", ids: Self.ids, seed: 4)
        var sent: [[UInt8]] = []
        for _ in 0..<10 {
            let packet = source.nextPacket(sendTime: 0)
            history.record(packet)
            sent.append(Array(packet[0..<(packet.count - SRTPSession.maximumOverhead)]))
        }
        let last = sent[9], first = sent[0]
        let lastSeq = UInt16(last[2]) << 8 | UInt16(last[3])
        let firstSeq = UInt16(first[2]) << 8 | UInt16(first[3])
        #expect(history.packet(ssrc: 9, sequenceNumber: lastSeq) == last)
        #expect(history.packet(ssrc: 9, sequenceNumber: firstSeq) == nil)
        #expect(history.packet(ssrc: 10, sequenceNumber: lastSeq) == nil)
    }

    @Test("A NACK is answered with RTX: OSN first, RTX SSRC and payload type, repaired-RID instead of RID")
    func nackAnsweredWithRTX() throws {
        let video = VP8SimulcastSource(mid: "1", ids: Self.ids, seed: 5)
        var media = PublisherMedia(audio: nil, video: video, feedbackSSRC: 1)
        let start = ContinuousClock.now
        let packets = media.due(now: start, sendTime: 0)
        let original = try #require(packets.last)
        let header = try original.withUnsafeBytes { try RTPHeader(parsing: UnsafeRawBufferPointer(rebasing: $0[0..<(original.count - SRTPSession.maximumOverhead)])) }
        var nack: [UInt8] = []
        GenericNACK(senderSSRC: 2, mediaSSRC: header.ssrc, lostSequenceNumbers: [header.sequenceNumber]).append(to: &nack)
        let answers = nack.withUnsafeBytes { media.handleRTCP($0, sendTime: 0.1) }
        let rtx = try #require(answers.first)
        let plain = Array(rtx[0..<(rtx.count - SRTPSession.maximumOverhead)])
        let rtxHeader = try plain.withUnsafeBytes { try RTPHeader(parsing: $0) }
        let layer = try #require(media.video?.layers.first { $0.ssrc == header.ssrc })
        #expect(rtxHeader.ssrc == layer.rtxSSRC)
        #expect(rtxHeader.payloadType == 97)
        #expect(rtxHeader.timestamp == header.timestamp)
        let osn = UInt16(plain[rtxHeader.payloadOffset]) << 8 | UInt16(plain[rtxHeader.payloadOffset + 1])
        #expect(osn == header.sequenceNumber)
        plain.withUnsafeBytes { raw in
            #expect(rtxHeader.extensionElement(id: Self.ids.rid, in: raw) == nil)
            #expect(rtxHeader.extensionElement(id: Self.ids.repairedRID, in: raw).map { Array(raw[$0]) } == Array(layer.rid.utf8))
        }
        #expect(media.counters.nacksReceived == 1 && media.counters.retransmissionsSent == 1)
    }

    @Test("A PLI from the SFU makes the next frame of that layer a keyframe")
    func pliMakesKeyframe() throws {
        var media = PublisherMedia(audio: nil, video: VP8SimulcastSource(mid: "1", ids: Self.ids, seed: 6), feedbackSSRC: 1)
        let start = ContinuousClock.now
        _ = media.due(now: start, sendTime: 0)
        let keyframesBefore = media.counters.keyframesSent
        var pli: [UInt8] = []
        PictureLossIndication(senderSSRC: 2, mediaSSRC: media.video!.layers[1].ssrc).append(to: &pli)
        _ = pli.withUnsafeBytes { media.handleRTCP($0, sendTime: 0) }
        _ = media.due(now: start + .milliseconds(34), sendTime: 0.034)
        #expect(media.counters.plisReceived == 1)
        #expect(media.counters.keyframesSent == keyframesBefore + 1)
    }

    @Test("Gaps are NACKed at once and again after 100 ms; repaired packets count; the rest is lost")
    func gapsAndNACKs() {
        var stream = ReceiveStream(ssrc: 1, isVideo: true, clockRate: 90000)
        stream.receive(sequenceNumber: 65534, timestamp: 0, arrival: 0, keyframe: true)
        stream.receive(sequenceNumber: 65535, timestamp: 0, arrival: 0.001, keyframe: false)
        stream.receive(sequenceNumber: 2, timestamp: 3000, arrival: 0.033, keyframe: false)  // 0 and 1 missing, across the wrap
        #expect(stream.gaps == 2)
        let firstNACK = stream.nackList(now: 0.034)
        #expect(firstNACK == [0, 1])
        let tooSoon = stream.nackList(now: 0.05)
        #expect(tooSoon.isEmpty)
        stream.receive(sequenceNumber: 0, timestamp: 3000, arrival: 0.06, keyframe: false)  // repaired
        let again = stream.nackList(now: 0.14)
        #expect(again == [1])
        stream.receive(sequenceNumber: 0, timestamp: 3000, arrival: 0.15, keyframe: false)  // a duplicate
        #expect(stream.duplicates == 1)
        #expect(stream.expected == 5 && stream.received == 4 && stream.lost == 1)
        // Given up after a second: a video stream then wants a keyframe (PLI).
        let givenUp = stream.nackList(now: 1.2)
        #expect(givenUp.isEmpty)
        #expect(stream.needsKeyframe)
        let pli = stream.wantsPLI(now: 1.2)
        let throttled = stream.wantsPLI(now: 1.5)
        #expect(pli && !throttled)
        let block = stream.reportBlock(now: 1.2)
        #expect(block.cumulativeLost == 1)
        #expect(block.fractionLost == UInt8(256 / 5))
        #expect(block.highestSequence == 0x1_0002)
    }

    @Test("Audio without negotiated NACK feedback is not NACKed, as browsers do not NACK Opus")
    func audioIsNotNACKed() {
        var stream = ReceiveStream(ssrc: 2, isVideo: false, clockRate: 48000, nacks: false)
        stream.receive(sequenceNumber: 1, timestamp: 0, arrival: 0, keyframe: false)
        stream.receive(sequenceNumber: 3, timestamp: 1920, arrival: 0.04, keyframe: false)
        let list = stream.nackList(now: 0.05)
        #expect(list.isEmpty)
        #expect(stream.gaps == 1 && stream.lost == 1)
    }

    @Test("A subscriber NACKs a gap, PLIs a video without a keyframe, and reports once a second")
    func subscriberFeedback() throws {
        var media = SubscriberMedia(feedbackSSRC: 5)
        media.setTracks([77: .init(mid: "0", isVideo: true, clockRate: 90000, producerID: "p", absSendTimeID: 2,
                                   nack: true)])
        func packet(_ sequence: UInt16, sent: Double) -> [UInt8] {
            let built = RTPPacketBuilder.packet(payloadType: 96, marker: true, sequenceNumber: sequence, timestamp: 0, ssrc: 77,
                                                extensions: [.init(id: 2, data: RTPPacketBuilder.absSendTime(seconds: sent))],
                                                payload: VP8SimulcastSource.descriptor(start: true, pictureID: 1, tl0PicIdx: 0) + [1, 2, 3])
            return Array(built[0..<(built.count - SRTPSession.maximumOverhead)])
        }
        for (sequence, arrival) in [(UInt16(10), 0.0), (12, 0.6)] {
            packet(sequence, sent: arrival - 0.002).withUnsafeBytes { media.receive($0, now: arrival, sendTime: arrival) }
        }
        let feedback = media.feedback(now: 0.61)
        var types: [(UInt8, UInt8)] = []
        for compound in feedback {
            compound.withUnsafeBytes { raw in
                var iterator = RTCPCompoundIterator(raw)
                while let view = iterator.next() { types.append((view.packetType, view.count)) }
            }
        }
        #expect(types.contains { $0 == (205, 1) })  // NACK for 11
        #expect(types.contains { $0 == (206, 1) })  // PLI: no keyframe in 0.5 s
        #expect(types.contains { $0.0 == 201 })     // RR
        #expect(media.counters.nacksSent == 1 && media.counters.plisSent == 1)
        #expect(media.receivingProducers == ["p"])
        let p50 = try #require(media.delays.quantile(0.5))
        #expect(abs(p50 - 0.002) < 0.0002)
    }

    @Test("Histogram quantiles and nearest-rank percentiles")
    func statistics() {
        var histogram = LatencyHistogram()
        for ms in 1...100 { histogram.record(Double(ms) / 1000) }
        #expect(abs(histogram.quantile(0.5)! - 0.0501) < 0.0002)
        #expect(abs(histogram.quantile(0.95)! - 0.0951) < 0.0002)
        var other = LatencyHistogram()
        other.record(10)  // beyond the last bucket: counted there
        histogram.merge(other)
        #expect(histogram.total == 101)
        #expect(Percentile.of([5, 1, 4, 2, 3], 0.5) == 3)
        #expect(Percentile.of([5, 1, 4, 2, 3], 0.95) == 5)
        #expect(Percentile.of([], 0.5) == nil)
    }

    @Test("/proc/PID/stat: CPU time after the command name, even one with spaces and parentheses")
    func procStat() {
        let stat = "1234 (parley (x) y) S 1 1234 1234 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 100 0 0"
        #expect(ProcessSampler.cpuSeconds(stat: stat, ticksPerSecond: 100) == 3.0)
    }
}
