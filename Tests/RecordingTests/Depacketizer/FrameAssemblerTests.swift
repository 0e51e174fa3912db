import Testing
@testable import Recording

/// Ordering, framing, waiting and giving up.
@Suite struct FrameAssemblerTests {
    typealias Packet = FrameAssembler.Packet

    /// Video packets: `frames[i]` packets for frame i, timestamps 3000 apart,
    /// marker on each frame's last; arrivals 1 ms apart.
    static func video(_ sizes: [Int], firstSequence: Int64 = 100) -> [Packet] {
        var packets: [Packet] = []
        var sequence = firstSequence
        for (frame, size) in sizes.enumerated() {
            for index in 0..<size {
                packets.append(Packet(sequence: sequence, timestamp: UInt32(frame * 3000), marker: index == size - 1,
                                      payload: [UInt8(frame), UInt8(index)], arrival: Double(sequence - firstSequence) * 0.001))
                sequence += 1
            }
        }
        return packets
    }

    func run(_ assembler: inout FrameAssembler, _ packets: [Packet], flush: Bool = true) -> [FrameAssembler.Output] {
        var out = packets.flatMap { assembler.insert($0) }
        if flush { out += assembler.flush() }
        return out
    }

    func frames(_ outputs: [FrameAssembler.Output]) -> [FrameAssembler.Frame] {
        outputs.compactMap { if case let .frame(frame) = $0 { frame } else { nil } }
    }

    @Test func inOrderPacketsMakeFramesAtTheirMarker() {
        var assembler = FrameAssembler(framing: .marker)
        let packets = Self.video([3, 1, 2])
        let first = assembler.insert(packets[0]) + assembler.insert(packets[1])
        #expect(first.isEmpty)
        let out = [assembler.insert(packets[2])] + packets[3...].map { assembler.insert($0) }
        #expect(out.map(\.count) == [1, 1, 0, 1], "each frame leaves with its marker packet")
        let all = frames(out.flatMap { $0 })
        #expect(all.map(\.payloads) == [[[0, 0], [0, 1], [0, 2]], [[1, 0]], [[2, 0], [2, 1]]])
        #expect(all.map(\.firstSequence) == [100, 103, 104])
        #expect(all.allSatisfy { !$0.afterLoss })
        #expect(assembler.packetsLost == 0)
    }

    @Test func aLostMarkerIsCoveredByTheNextTimestamp() {
        // No marker on frame 0's last packet: frame 1's first packet ends it.
        var packets = Self.video([2, 2])
        packets[1].marker = false
        var assembler = FrameAssembler(framing: .marker)
        let all = frames(run(&assembler, packets))
        #expect(all.map(\.timestamp) == [0, 3000])
    }

    @Test func reorderingInsideTheWindowIsRepaired() {
        let packets = Self.video([4, 3, 5, 2])
        var shuffled = packets
        shuffled.swapAt(1, 3)
        shuffled.swapAt(5, 9)
        shuffled.swapAt(10, 12)
        var assembler = FrameAssembler(framing: .marker)
        let out = run(&assembler, shuffled)
        #expect(frames(out).map(\.payloads.count) == [4, 3, 5, 2])
        #expect(!out.contains { if case .loss = $0 { true } else { false } })
    }

    @Test func aHoleIsGivenUpAfterTenLaterPackets() {
        var packets = Self.video([3, 3, 3, 3, 3, 3])
        packets.remove(at: 4) // frame 1's middle packet
        var assembler = FrameAssembler(framing: .marker)
        var out: [FrameAssembler.Output] = []
        for (index, packet) in packets.enumerated() {
            let step = assembler.insert(packet)
            if step.contains(.loss(packets: 1, frames: 1)) {
                // Sequence 104 is missing; the 10th packet after it (114) gives up on it.
                #expect(packet.sequence == 114, "given up at \(packet.sequence), index \(index)")
            }
            out += step
        }
        out += assembler.flush()
        let all = frames(out)
        #expect(all.map(\.timestamp) == [0, 6000, 9000, 12000, 15000], "frame 1 discarded, its tail too")
        #expect(all.map(\.afterLoss) == [false, true, false, false, false])
        #expect(assembler.packetsLost == 1)
    }

    @Test func aHoleIsGivenUpAfterAHundredMilliseconds() {
        // Audio at 20 ms: packet 1 never comes; packet 8 arrives 120 ms after
        // packet 2, the first that waited for it (only 7 packets later than it).
        var assembler = FrameAssembler(framing: .one)
        var outputs: [[FrameAssembler.Output]] = []
        for sequence in [0, 2, 3, 4, 5, 6, 7, 8] as [Int64] {
            outputs.append(assembler.insert(Packet(sequence: sequence, timestamp: UInt32(sequence * 960), marker: false,
                                                   payload: [1], arrival: Double(sequence) * 0.02)))
        }
        #expect(outputs.map { frames($0).count } == [1, 0, 0, 0, 0, 0, 0, 7])
        #expect(outputs[7].first == .loss(packets: 1, frames: 0))
        #expect(frames(outputs[7]).map(\.afterLoss) == [true, false, false, false, false, false, false])
    }

    @Test func lateDuplicatePaddingAndFlush() {
        var assembler = FrameAssembler(framing: .marker)
        var packets = Self.video([2, 2, 2])
        packets[2].payload = [] // padding-only packet inside frame 1: holds its number, adds nothing
        var out = run(&assembler, Array(packets[..<5]), flush: false)
        out += assembler.insert(packets[1]) // duplicate of an emitted packet
        out += assembler.insert(packets[4]) // duplicate of a pending one
        #expect(assembler.packetsLate == 2)
        #expect(frames(out).map(\.payloads) == [[[0, 0], [0, 1]], [[1, 1]]])
        // Frame 2 has no end yet: flush discards it.
        #expect(assembler.flush() == [.loss(packets: 0, frames: 1)])
    }

    @Test func flushGivesUpHolesAndEmitsWhatFollows() {
        var assembler = FrameAssembler(framing: .marker, maximumReorderPackets: 50, maximumReorderDelay: 10)
        var packets = Self.video([1, 1, 2])
        packets.remove(at: 1)
        let out = run(&assembler, packets)
        #expect(out.count == 3)
        #expect(out[1] == .loss(packets: 1, frames: 0))
        #expect(frames(out).map(\.afterLoss) == [false, true])
    }

    @Test func aHugeSequenceJumpRestarts() {
        var assembler = FrameAssembler(framing: .marker)
        let before = Self.video([2, 2])
        let after = Self.video([2, 2], firstSequence: 60_000)
        let out = run(&assembler, before + [after[0]] + Array(after[1...]))
        #expect(frames(out).map(\.firstSequence) == [100, 102, 60_000, 60_002])
        #expect(out.contains(.loss(packets: 0, frames: 0)))
        #expect(assembler.packetsLost == 0, "not 60 000 packets lost")
        // And backwards.
        var back = FrameAssembler(framing: .marker)
        let late = Self.video([1], firstSequence: 50)
        let older = Self.video([1], firstSequence: -5000)
        #expect(frames(run(&back, before + late + older)).map(\.firstSequence) == [100, 102, -5000], "50 is late, -5000 a restart")
        #expect(back.packetsLate == 1)
    }

    @Test func endlessFramesAreCut() {
        var assembler = FrameAssembler(framing: .marker, maximumFramePackets: 8)
        let packets = (0..<30).map { Packet(sequence: Int64($0), timestamp: 5, marker: false, payload: [1], arrival: 0) }
        let out = run(&assembler, packets)
        #expect(frames(out).isEmpty)
        #expect(out.first == .loss(packets: 0, frames: 1))
    }
}
