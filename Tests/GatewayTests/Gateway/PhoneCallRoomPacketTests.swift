import Audio
import Foundation
import NIOCore
import NIOEmbedded
import RTP
import Testing
@testable import Gateway
@testable import SFU

/// What a caller sends the room, frame by frame, as they talk and go quiet.
@Suite struct PhoneCallRoomPacketTests {
    struct Sent: Equatable {
        var sequence: UInt16
        var timestamp: UInt32
        var marker: Bool
        var payloadBytes: Int
    }

    /// One tick of input at `amplitude` (a 400 Hz tone; 0 is digital silence); what went to the room.
    func tick(_ call: PhoneCall, amplitude: Double) -> Sent? {
        for i in call.input.indices {
            call.input[i] = Int16(amplitude * sin(2 * Double.pi * 400 * Double(i) / Double(call.mixRate)))
        }
        call.hasInput = true
        call.level = call.input.withUnsafeBufferPointer { AudioLevel.level(of: $0) }
        guard let packet = call.roomPacket(allocator: ByteBufferAllocator()) else { return nil }
        let bytes = Array(packet.readableBytesView)
        let headerLength = 12 + (bytes[0] & 0x10 != 0 ? 8 : 0)
        return Sent(sequence: UInt16(bytes[2]) << 8 | UInt16(bytes[3]),
                    timestamp: bytes[4..<8].reduce(0) { $0 << 8 | UInt32($1) },
                    marker: bytes[1] & 0x80 != 0, payloadBytes: bytes.count - headerLength)
    }

    @Test("a caller who goes quiet sends a 1-byte keep-alive every 400 ms; RTP time runs on and speech resumes marked")
    func quietCallerIsGated() throws {
        let (call, _) = try PhoneCall.inRoomForTests(1, codec: .pcmu, loop: EmbeddedEventLoop())
        call.producerID = "producer"
        let talking = (0..<10).map { _ in tick(call, amplitude: 8_000) }
        #expect(talking.allSatisfy { ($0?.payloadBytes ?? 0) > 1 })
        let quiet = (0..<95).map { _ in tick(call, amplitude: 0) }
        #expect(quiet[0..<50].allSatisfy { ($0?.payloadBytes ?? 0) > 1 })
        let keepAlives = quiet.compactMap { $0 }.filter { $0.payloadBytes == 1 }
        #expect(keepAlives.count == 3)
        #expect(quiet.filter { $0 == nil }.count == 42)
        #expect(call.reencoded == 60)
        let resumed = try #require(tick(call, amplitude: 8_000))
        #expect(resumed.marker)
        #expect(resumed.payloadBytes > 1)
        // Sequence numbers run on without a gap; timestamps count every 20 ms, sent or not.
        let first = try #require(talking[0])
        #expect(resumed.sequence == first.sequence &+ 10 &+ 50 &+ 3)
        #expect(resumed.timestamp == first.timestamp &+ UInt32(105 * 960))
    }

    /// A receiver report from the media loop saying listeners lose `fraction`/256.
    func report(_ fraction: UInt8, to call: PhoneCall) {
        var bytes: [UInt8] = []
        ReceiverReport(ssrc: 0, reportBlocks: [ReportBlock(ssrc: 1, fractionLost: fraction, cumulativeLost: 0, highestSequence: 0,
                                                          jitter: 0, lastSR: 0, delaySinceLastSR: 0)]).append(to: &bytes)
        call.downstreamLoss.sink(LocalMediaPacket(producerID: "producer", isRTCP: true, bytes: ByteBuffer(bytes: bytes)))
    }

    @Test("the caller's Opus plans for no loss until listeners report some, within a second, and back to none after five clean ones")
    func fecFollowsTheListenersLoss() throws {
        let (call, _) = try PhoneCall.inRoomForTests(1, codec: .pcmu, loop: EmbeddedEventLoop())
        call.producerID = "producer"
        for _ in 0..<50 { _ = tick(call, amplitude: 8_000) }
        #expect(call.fec.percent == 0)
        report(64, to: call)  // a quarter lost
        for _ in 0..<50 { _ = tick(call, amplitude: 8_000) }
        #expect(call.fec.percent == 20)
        report(0, to: call)
        for _ in 0..<(4 * 50) { _ = tick(call, amplitude: 8_000) }
        #expect(call.fec.percent == 20)
        for _ in 0..<50 { _ = tick(call, amplitude: 8_000) }
        #expect(call.fec.percent == 0)
    }
}
