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

extension PhoneCallRoomPacketTests {
    @Test("an Opus phone's packets reach the room as they are; one it lost is a gap in the room's sequence, not a frame made here; its pause is a pause")
    func opusLossLeavesAGap() throws {
        let (call, _) = try PhoneCall.inRoomForTests(1, codec: .opus, loop: EmbeddedEventLoop())
        call.producerID = "producer"
        let encoder = try OpusEncoder()
        let payloads = try (0..<70).map { k in
            try encoder.encode((0..<960).map { Int16(8_000 * sin(2 * Double.pi * 400 * Double(k * 960 + $0) / 48_000)) })
        }
        let lost: Set<Int> = [20, 41]
        var sent: [(sequence: UInt16, marker: Bool, payload: [UInt8])] = []
        // 60 packets, two of them lost; then the phone pauses for 200 ms
        // (its DTX: no packets, the sequence goes on unbroken) and sends 10 more.
        for tick in 0..<90 {
            let k = tick < 60 ? tick : tick - 20
            if !lost.contains(k), tick < 60 || tick >= 80 {
                call.jitter.insert(sequenceNumber: UInt16(k), timestamp: UInt32(tick * 960), ssrc: 7, payload: payloads[k],
                                   arrivalNanoseconds: UInt64(tick) * 20_000_000)
            }
            _ = call.pullInput()
            guard let packet = call.roomPacket(allocator: ByteBufferAllocator()) else { continue }
            let bytes = Array(packet.readableBytesView)
            let headerLength = 12 + (bytes[0] & 0x10 != 0 ? 8 : 0)
            sent.append((UInt16(bytes[2]) << 8 | UInt16(bytes[3]), bytes[1] & 0x80 != 0, Array(bytes[headerLength...])))
        }
        // Every packet is one the phone sent, byte for byte, in order; none was encoded here.
        let forwarded = sent.map { sent in payloads.firstIndex(of: sent.payload) }
        #expect(forwarded.allSatisfy { $0 != nil })
        let indices = forwarded.compactMap { $0 }
        #expect(indices == indices.sorted() && Set(indices).isDisjoint(with: lost) && indices.count >= 60)
        #expect(call.reencoded == 0)
        // The room's sequence skips one number where each lost packet was due, and only there.
        let steps = zip(sent, sent.dropFirst()).map { $1.sequence &- $0.sequence }
        #expect(steps.filter { $0 == 2 }.count == lost.count)
        #expect(steps.allSatisfy { $0 == 1 || $0 == 2 })
        #expect(call.gapsLeft == lost.count)
        // After the pause the sequence runs on, and the first packet starts a talk spurt.
        let resumed = try #require(sent.firstIndex { $0.payload == payloads[60] })
        #expect(sent[resumed].sequence == sent[resumed - 1].sequence &+ 1 && sent[resumed].marker)
    }
}
