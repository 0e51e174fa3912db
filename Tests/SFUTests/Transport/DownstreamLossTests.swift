import NIOCore
import RTP
import SDP
import Synchronization
import Testing
@testable import SFU

/// What subscribers report losing reaches the producer, and a local
/// publisher (a phone) hears of it once a second as a receiver report.
@Suite struct DownstreamLossTests {
    let opus = RTPCodecParameters(payloadType: 111, name: "opus", clockRate: 48000, channels: 2, fmtp: "minptime=10;useinbandfec=1")

    func receiverReport(about ssrc: UInt32, fractionLost: UInt8) -> [UInt8] {
        var bytes: [UInt8] = []
        ReceiverReport(ssrc: 0x0B0B, reportBlocks: [ReportBlock(ssrc: ssrc, fractionLost: fractionLost, cumulativeLost: 3,
                                                                highestSequence: 100, jitter: 0, lastSR: 0, delaySinceLastSR: 0)])
            .append(to: &bytes)
        return bytes
    }

    @Test("a subscriber's receiver report is kept on its consumer and read as the producer's worst loss for 6 s")
    func aBrowsersReportReachesTheProducer() throws {
        let h = try MediaEngineTests.Harness()
        try h.connect()
        let audio = try #require(h.publish.producersByMid.values.first { $0.kind == .audio })
        let video = try #require(h.publish.producersByMid.values.first { $0.kind == .video })
        #expect(audio.downstreamLoss(now: .now()) == nil)
        try h.bob.sendRTCP(receiverReport(about: h.consumerAudioSSRC, fractionLost: 64), to: h.engine)
        #expect(audio.downstreamLoss(now: .now()) == 64)
        #expect(video.downstreamLoss(now: .now()) == nil)
        #expect(audio.downstreamLoss(now: .now() + .seconds(7)) == nil)
    }

    @Test("a local publisher gets a receiver report per producer: the worst listener's loss, 0 when nobody reported")
    func aLocalPublisherHearsOfIt() throws {
        let h = try MediaEngineTests.Harness()
        try h.connect()
        let reports = Mutex<[(String, UInt8)]>([])
        let local = h.engine.createLocalTransport(routerID: "room", sink: { packet in
            guard packet.isRTCP, let rr = packet.bytes.withUnsafeReadableBytes({ try? ReceiverReport(parsing: $0) }) else { return }
            reports.withLock { $0.append((packet.producerID, rr.reportBlocks[0].fractionLost)) }
        })
        let heard = local.produce(id: "pr-phone", source: .microphone, codec: opus)
        let unheard = local.produce(id: "pr-other", source: .microphone, codec: opus)
        // Two listeners of the phone: one loses a quarter, one an eighth.
        for (ssrc, lost) in [(UInt32(0xA1), UInt8(64)), (0xA2, 32)] {
            let consumer = Consumer(id: "c\(ssrc)", producer: heard, transport: h.subscribe, ssrc: ssrc, mid: "9", extensionMap: RTPExtensionIDMap())
            heard.consumers.append(consumer)
            consumer.receiverReported(fractionLost: lost, now: .now())
        }
        local.reportDownstreamLoss(now: .now())
        let got = Dictionary(uniqueKeysWithValues: reports.withLock { $0 })
        #expect(got[heard.id] == 64)
        #expect(got[unheard.id] == 0)
    }
}
