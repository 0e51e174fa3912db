import Foundation
import Testing
@testable import Recording

/// Where blocks land on the recording timeline: RTP timestamps anchored at the
/// first arrival, re-anchored when they stray from arrival by over a second,
/// unwrapped across 2^32, never backwards.
@Suite struct TrackWriterTimingTests {
    /// A 20 ms CELT Opus packet (TOC config 31, code 0) and some bytes.
    static let opusPacket: [UInt8] = [0xF8, 0x01, 0x02, 0x03]

    typealias Slot = (rtp: UInt32, arrival: Double)

    /// Writes one Opus packet per slot; returns the block timestamps (ms) the
    /// file holds and the writer.
    func write(_ timing: [Slot], ssrcs: [UInt32]? = nil) throws -> ([Int64], TrackWriter) {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("audio.webm")
            let writer = try TrackWriter(file: file, codec: .opus)
            var packetizer = TestPacketizer(payloadType: 111)
            for (index, slot) in timing.enumerated() {
                if let ssrcs { packetizer.ssrc = ssrcs[index] }
                let bytes = packetizer.packet(timestamp: slot.rtp, marker: false, payload: Self.opusPacket)
                _ = bytes.withUnsafeBytes { writer.receive(rtp: $0, at: slot.arrival) }
            }
            writer.close()
            let scan = try MatroskaScan(file: file, keepBlocks: true)
            return (scan.blocks.map(\.timestamp), writer)
        }
    }

    /// `count` timestamps `step` ms apart from `start` ms.
    func every20ms(from start: Int64, count: Int) -> [Int64] {
        (0..<count).map { start + 20 * Int64($0) }
    }

    @Test func jitteredArrivalsFollowTheRTPClock() throws {
        var random = SeededRandom(seed: 1)
        var timing: [Slot] = []
        for index in 0..<100 {
            let jitter = Double.random(in: 0...0.03, using: &random)
            timing.append((UInt32(1000 + index * 960), 2.0 + Double(index) * 0.02 + jitter))
        }
        let (blocks, writer) = try write(timing)
        let first = Int64((timing[0].arrival * 1000).rounded())
        #expect(blocks == every20ms(from: first, count: 100))
        #expect(writer.timeline.reanchors == 0)
    }

    @Test func timestampWrapAroundIsSeamless() throws {
        var timing: [Slot] = []
        for index in 0..<200 {
            timing.append((UInt32(0xFFFF_F000) &+ UInt32(index * 960), 1.0 + Double(index) * 0.02))
        }
        #expect(timing.contains { $0.rtp < 0x1000 }, "wraps")
        let (blocks, writer) = try write(timing)
        #expect(blocks == every20ms(from: 1000, count: 200))
        #expect(writer.timeline.reanchors == 0)
        #expect(writer.lastTimestamp == 4.98)
    }

    @Test func pauseWithoutTimestampJumpReanchorsToArrival() throws {
        // After 50 packets a 3 s pause, after which the timestamps carry on as if
        // nothing happened (a sender that stopped its clock while paused).
        var timing: [Slot] = []
        for index in 0..<100 {
            let pause: Double = index >= 50 ? 3 : 0
            timing.append((UInt32(5000 + index * 960), 10.0 + Double(index) * 0.02 + pause))
        }
        let (blocks, writer) = try write(timing)
        #expect(Array(blocks[..<50]) == every20ms(from: 10000, count: 50))
        #expect(Array(blocks[50...]) == every20ms(from: 14000, count: 50))
        #expect(writer.timeline.reanchors == 1)
    }

    @Test func pauseWithMatchingTimestampJumpKeepsTheAnchor() throws {
        // A sender whose clock ran on during the pause: RTP time and arrival agree.
        var timing: [Slot] = []
        for index in 0..<100 {
            let paused = index >= 50
            let rtp = UInt32(7 + index * 960 + (paused ? 3 * 48000 : 0))
            timing.append((rtp, 10.0 + Double(index) * 0.02 + (paused ? 3 : 0)))
        }
        let (blocks, writer) = try write(timing)
        #expect(Array(blocks[..<50]) == every20ms(from: 10000, count: 50))
        #expect(Array(blocks[50...]) == every20ms(from: 14000, count: 50))
        #expect(writer.timeline.reanchors == 0)
    }

    @Test func timestampJumpsAreReanchoredAndNeverGoBackwards() throws {
        var timing: [Slot] = []
        var rtp: UInt32 = 100
        for index in 0..<150 {
            if index == 50 { rtp &+= 0x4000_0000 } // far ahead
            if index == 100 { rtp &-= 24000 } // half a second back: within the drift allowed
            timing.append((rtp, 20.0 + Double(index) * 0.02))
            rtp &+= 960
        }
        let (blocks, writer) = try write(timing)
        #expect(zip(blocks, blocks.dropFirst()).allSatisfy { $0 <= $1 }, "non-decreasing")
        #expect(blocks[50] == 21000, "re-anchored at arrival")
        #expect(Array(blocks[99...124]) == [Int64](repeating: 21980, count: 26), "held, not moved back")
        #expect(Array(blocks[125...]) == every20ms(from: 22000, count: 25), "then on by RTP time")
        #expect(writer.timeline.reanchors == 1)
    }

    @Test func newSSRCAnchorsAfresh() throws {
        var timing: [Slot] = []
        for index in 0..<100 {
            timing.append((UInt32(index < 50 ? 1000 + index * 960 : 900_000 + index * 960), 3.0 + Double(index) * 0.02))
        }
        let ssrcs = (0..<100).map { UInt32($0 < 50 ? 1 : 2) }
        let (blocks, writer) = try write(timing, ssrcs: ssrcs)
        #expect(blocks == every20ms(from: 3000, count: 100))
        #expect(writer.framesWritten == 100)
        #expect(writer.packetsLost == 0)
    }
}
