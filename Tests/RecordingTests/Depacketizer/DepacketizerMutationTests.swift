import Foundation
import Testing
@testable import Recording

/// Garbage and mutations of real packets through every parser on the packet
/// path: each must return or throw its error, never trap, and what it returns
/// must be consistent.
@Suite struct DepacketizerMutationTests {
    /// Payload lists of real frames, to mutate.
    static func seeds(in directory: URL) async throws -> (vp8: [[[UInt8]]], h264: [[[UInt8]]]) {
        let vp8Frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 0.5, gop: 5, width: 160, height: 120)
        let units = try await MediaFixtures.h264AccessUnits(in: directory, seconds: 0.5, gop: 5, width: 160, height: 120)
        var packetizer = TestPacketizer(payloadType: 96)
        packetizer.mtu = 300
        return (vp8Frames.map { packetizer.vp8Payloads($0) }, units.map { packetizer.h264Payloads($0) })
    }

    /// Mutates some payloads of a frame, and sometimes drops, repeats or swaps packets.
    static func mutatedFrame(_ payloads: [[UInt8]], using random: inout SeededRandom) -> [[UInt8]] {
        var out = payloads.map { Bool.random(using: &random) ? mutated($0, using: &random) : $0 }
        if !out.isEmpty, Int.random(in: 0..<4, using: &random) == 0 { out.remove(at: Int.random(in: 0..<out.count, using: &random)) }
        if out.count > 1, Int.random(in: 0..<4, using: &random) == 0 { out.swapAt(0, out.count - 1) }
        if let last = out.last, Int.random(in: 0..<8, using: &random) == 0 { out.append(last) }
        return out
    }

    @Test func depacketizersNeverTrap() async throws {
        try await withTemporaryDirectory { directory in
            let seeds = try await Self.seeds(in: directory)
            var random = SeededRandom(seed: 2024)
            var h264 = H264Depacketizer()
            var accepted = (vp8: 0, h264: 0)
            for round in 0..<4000 {
                let vp8Input = Self.mutatedFrame(seeds.vp8[round % seeds.vp8.count], using: &random)
                if let frame = try? VP8Depacketizer().frame(from: vp8Input) {
                    accepted.vp8 += 1
                    #expect(frame.data.count >= 3)
                    #expect(!frame.isKeyframe || (frame.width ?? 0) > 0 && (frame.height ?? 0) > 0)
                }
                let h264Input = Self.mutatedFrame(seeds.h264[round % seeds.h264.count], using: &random)
                if let frame = try? h264.frame(from: h264Input) {
                    accepted.h264 += 1
                    #expect(Self.isLengthPrefixed(frame.data))
                }
                let noise = (0..<Int.random(in: 0...40, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                _ = try? VP8Depacketizer().frame(from: [noise])
                _ = try? h264.frame(from: [noise])
                _ = try? OpusDepacketizer().frame(from: [noise])
                _ = try? H264SequenceParameterSet(parsing: [0x67] + noise)
                if let sps = h264.sequenceParameterSet {
                    _ = try? H264SequenceParameterSet(parsing: mutated(sps, using: &random))
                }
            }
            // The sweep reaches the success paths too, not only the errors.
            #expect(accepted.vp8 > 500 && accepted.h264 > 500, "\(accepted)")
        }
    }

    @Test func assemblerKeepsOrderWhateverArrives() {
        var random = SeededRandom(seed: 99)
        for _ in 0..<300 {
            var assembler = FrameAssembler(framing: Bool.random(using: &random) ? .one : .marker,
                                           maximumReorderPackets: Int.random(in: 1...12, using: &random),
                                           maximumFramePackets: 50)
            var sequence = Int64.random(in: -100...100, using: &random)
            var inserted = 0
            var emitted = 0
            var lastSequence = Int64.min
            for step in 0..<200 {
                sequence += Int64.random(in: -3...4, using: &random)
                if Int.random(in: 0..<100, using: &random) == 0 { sequence += Int64.random(in: -9000...9000, using: &random) }
                let payload: [UInt8] = Int.random(in: 0..<10, using: &random) == 0 ? [] : [1]
                let packet = FrameAssembler.Packet(sequence: sequence, timestamp: UInt32(truncatingIfNeeded: sequence / 3),
                                                   marker: Bool.random(using: &random), payload: payload, arrival: Double(step) * 0.01)
                inserted += 1
                let restarts = assembler.restarts
                let outputs = assembler.insert(packet)
                // In order, except across a restart (a jump of thousands).
                if assembler.restarts != restarts { lastSequence = .min }
                for output in outputs {
                    if case let .frame(frame) = output {
                        emitted += frame.payloads.count
                        #expect(!frame.payloads.isEmpty && frame.payloads.allSatisfy { !$0.isEmpty })
                        #expect(frame.firstSequence > lastSequence)
                        #expect(frame.payloads.count <= 50)
                        lastSequence = frame.firstSequence
                    }
                }
            }
            for output in assembler.flush() {
                if case let .frame(frame) = output { emitted += frame.payloads.count }
            }
            #expect(emitted <= inserted, "no packet comes out twice")
        }
    }

    @Test func trackWriterSurvivesMutatedStreams() async throws {
        try await withTemporaryDirectory { directory in
            let seeds = try await Self.seeds(in: directory)
            var random = SeededRandom(seed: 5)
            for (codec, frames) in [(TrackCodec.vp8, seeds.vp8), (.h264, seeds.h264), (.opus, [[[0xF8, 1, 2]], [[0x08, 9]]])] {
                for round in 0..<4 {
                    let file = directory.appendingPathComponent("\(codec)-\(round).\(codec.fileExtension)")
                    let writer = try TrackWriter(file: file, codec: codec)
                    var packetizer = TestPacketizer(payloadType: 96)
                    var arrival = 0.0
                    for (index, payloads) in (frames + frames + frames).enumerated() {
                        for bytes in packetizer.packets(timestamp: UInt32(index * 3000), payloads: payloads) {
                            arrival += Double.random(in: 0...0.02, using: &random)
                            let input = Int.random(in: 0..<5, using: &random) == 0 ? mutated(bytes, using: &random) : bytes
                            _ = input.withUnsafeBytes { writer.receive(rtp: $0, at: arrival) }
                        }
                    }
                    writer.close()
                    let scan = try MatroskaScan(file: file, keepBlocks: true)
                    #expect(scan.stop == .end)
                    #expect(scan.blockCount == writer.framesWritten)
                    let times = scan.blocks.map(\.timestamp)
                    #expect(zip(times, times.dropFirst()).allSatisfy { $0 <= $1 }, "never backwards")
                    if codec.isVideo, let first = scan.blocks.first { #expect(first.keyframe, "video starts at a keyframe") }
                }
            }
        }
    }

    static func isLengthPrefixed(_ data: [UInt8]) -> Bool {
        var offset = 0
        while offset + 4 <= data.count {
            let length = data[offset..<offset + 4].reduce(0) { $0 << 8 | Int($1) }
            guard length > 0 else { return false }
            offset += 4 + length
        }
        return offset == data.count && !data.isEmpty
    }
}
