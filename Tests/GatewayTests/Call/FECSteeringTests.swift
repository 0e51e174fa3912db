import NIOCore
import RTP
@testable import SFU
import Testing
@testable import Gateway

/// A caller's Opus for the room carries FEC only while its listeners lose packets.
@Suite struct FECSteeringTests {
    @Test("planned loss steps up at once with the worst listener's loss and down only after five lower reports")
    func stepsUpAtOnceAndDownSlowly() {
        var fec = FECSteering()
        #expect(fec.percent == 0)
        #expect(fec.report(0) == nil)
        #expect(fec.report(3) == 1)
        #expect(fec.report(12) == 10)
        #expect(fec.report(40) == 20)
        // A clean second does not drop the protection; five do.
        for _ in 0..<4 { #expect(fec.report(0) == nil) }
        #expect(fec.percent == 20)
        #expect(fec.report(0) == 0)
        // A report as high as the setting resets the count.
        _ = fec.report(6)
        for _ in 0..<4 { _ = fec.report(0) }
        _ = fec.report(7)
        for _ in 0..<4 { #expect(fec.report(0) == nil) }
        #expect(fec.report(0) == 0)
    }

    @Test("the call's sink keeps the receiver reports the media loop sends, in percent, and ignores media")
    func sinkReadsReceiverReports() {
        let loss = DownstreamLoss()
        #expect(loss.latest == 0)
        var bytes: [UInt8] = []
        ReceiverReport(ssrc: 0, reportBlocks: [ReportBlock(ssrc: 7, fractionLost: 64, cumulativeLost: 0, highestSequence: 0,
                                                          jitter: 0, lastSR: 0, delaySinceLastSR: 0)]).append(to: &bytes)
        loss.sink(LocalMediaPacket(producerID: "p", isRTCP: true, bytes: ByteBuffer(bytes: bytes)))
        #expect(loss.latest == 25)
        loss.sink(LocalMediaPacket(producerID: "p", isRTCP: false, bytes: ByteBuffer(bytes: [0x80, 111, 0, 1])))
        loss.sink(LocalMediaPacket(producerID: "p", isRTCP: true, bytes: ByteBuffer(bytes: [1, 2, 3])))
        #expect(loss.latest == 25)
    }
}
