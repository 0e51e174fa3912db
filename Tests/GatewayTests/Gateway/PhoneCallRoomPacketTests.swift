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

    @Test("a caller who goes quiet sends the encoder's silence packet every 20 ms without encoding; nothing skips, nothing is marked")
    func quietCallerIsGated() throws {
        let (call, _) = try PhoneCall.inRoomForTests(1, codec: .pcmu, loop: EmbeddedEventLoop())
        call.producerID = "producer"
        let talking = (0..<10).map { _ in tick(call, amplitude: 8_000) }
        #expect(talking.allSatisfy { ($0?.payloadBytes ?? 0) > 1 })
        // The first packet after the call sent nothing starts a talk spurt; the others do not.
        #expect(talking[0]?.marker == true && talking.dropFirst().allSatisfy { $0?.marker == false })
        let quiet = (0..<95).map { _ in tick(call, amplitude: 0) }
        #expect(quiet.allSatisfy { $0 != nil && $0?.marker == false })
        #expect(call.reencoded == 60)
        #expect(call.gatedFrames == 45)
        // The gated frames are all the same packet: the encoder's silence, a few bytes.
        let silence = quiet[50...].map { $0!.payloadBytes }
        #expect(Set(silence) == [call.silencePayload.count])
        #expect(call.silencePayload.count > 1 && call.silencePayload.count < 20)
        let resumed = try #require(tick(call, amplitude: 8_000))
        #expect(!resumed.marker)
        #expect(call.reencoded == 61)
        // Sequence numbers and timestamps run on, one per 20 ms.
        let first = try #require(talking[0])
        #expect(resumed.sequence == first.sequence &+ 105)
        #expect(resumed.timestamp == first.timestamp &+ UInt32(105 * 960))
        // Muted: nothing; unmuted, the next packet is marked.
        call.hasInput = false
        #expect(call.roomPacket(allocator: ByteBufferAllocator()) == nil)
        #expect(tick(call, amplitude: 8_000)?.marker == true)
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
