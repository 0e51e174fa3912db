import Foundation
import Testing
@testable import Recording

/// Loss, reordering, duplicates, junk and a mid-stream start, with real VP8 and
/// H.264: what is written must still decode cleanly.
@Suite struct TrackWriterLossTests {
    @Test func lostPacketDropsFramesUntilTheNextKeyframe() async throws {
        try await withTemporaryDirectory { directory in
            let frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 3)
            var packetizer = TestPacketizer(payloadType: 96)
            packetizer.mtu = 600 // several packets per frame
            var stream = TestStreams.vp8(frames, start: 1.0, packetizer: &packetizer)
            #expect(stream[40].count >= 3)
            stream[40].remove(at: 1) // mid-frame
            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8)
            let actions = feed(writer, stream.flatMap { $0 })
            writer.close()

            // Frames 40...59 are lost or unusable; 60 is the next keyframe.
            #expect(writer.packetsLost == 1)
            #expect(writer.framesWritten == 70)
            #expect(writer.framesDropped == 20)
            let requests = actions.filter { $0.action == .requestKeyframe }.map(\.arrival)
            let lossTime = 1.0 + 40.0 / 30
            let resumeTime = 1.0 + 60.0 / 30
            #expect(requests.first == 1.0, "asks at the start")
            let afterLoss = requests.filter { $0 > 1.0 }
            #expect(!afterLoss.isEmpty && afterLoss[0] >= lossTime && afterLoss[0] <= lossTime + 0.15,
                    "asks right after the loss: \(afterLoss)")
            #expect(afterLoss.allSatisfy { $0 < resumeTime }, "stops once the keyframe came")
            #expect(zip(afterLoss, afterLoss.dropFirst()).allSatisfy { $1 - $0 >= 0.5 }, "throttled: \(afterLoss)")
            #expect(afterLoss.count == 2)

            let packets = try await Tool.packets(file)
            let expected = (Array(0..<40) + Array(60..<90)).map { 1.0 + Double($0) / 30 }
            #expect(packets.count == expected.count)
            #expect(zip(packets, expected).allSatisfy { abs($0.time - $1) < 0.001 }, "the right frames, on time")
            await #expect(try Tool.decodeErrors(file) == "")
            await #expect(try Tool.streams(file).first?.frames == 70)
            let centre = try await Tool.centrePixel(file, frame: 45, width: 320, height: 240)
            #expect(centre.r > 200 && centre.g < 60 && centre.b < 60)
        }
    }

    @Test func lostKeyframeFragmentWaitsForTheNextIDR() async throws {
        try await withTemporaryDirectory { directory in
            let units = try await MediaFixtures.h264AccessUnits(in: directory, seconds: 3)
            var packetizer = TestPacketizer(payloadType: 102)
            var stream = TestStreams.h264(units, start: 0.5, packetizer: &packetizer)
            #expect(stream[30].count >= 3)
            stream[30].remove(at: stream[30].count - 2) // an FU-A fragment of the IDR
            let file = directory.appendingPathComponent("camera.mkv")
            let writer = try TrackWriter(file: file, codec: .h264)
            let actions = feed(writer, stream.flatMap { $0 })
            writer.close()

            #expect(writer.framesWritten == 60)
            #expect(writer.framesDropped == 30)
            #expect(actions.contains { $0.action == .requestKeyframe && $0.arrival >= 1.5 && $0.arrival < 2.5 })
            let packets = try await Tool.packets(file)
            #expect(packets.count == 60)
            #expect(abs((packets.dropFirst(30).first?.time ?? 0) - 2.5) < 0.001, "resumes at the IDR of frame 60")
            await #expect(try Tool.decodeErrors(file) == "")
        }
    }

    @Test func reorderedDuplicatedAndJunkPacketsStillGiveEveryFrame() async throws {
        try await withTemporaryDirectory { directory in
            let frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 2)
            var packetizer = TestPacketizer(payloadType: 96)
            packetizer.mtu = 500
            let stream = TestStreams.vp8(frames, start: 0, packetizer: &packetizer).flatMap { $0 }
            // In order, for reference.
            let reference = directory.appendingPathComponent("reference.webm")
            let inOrder = try TrackWriter(file: reference, codec: .vp8, options: .init(payloadType: 96))
            feed(inOrder, stream)
            inOrder.close()

            // Each packet moved up to 6 places later, a few sent twice, junk in between.
            var random = SeededRandom(seed: 7)
            var shuffled: [TimedPacket] = []
            var delayed: [(due: Int, packet: TimedPacket)] = []
            for (index, packet) in stream.enumerated() {
                delayed.append((index + Int.random(in: 0...6, using: &random), packet))
                delayed.sort { $0.due < $1.due }
                while let first = delayed.first, first.due <= index {
                    shuffled.append(TimedPacket(bytes: first.packet.bytes, arrival: packet.arrival))
                    delayed.removeFirst()
                }
                if index % 17 == 0 { shuffled.append(TimedPacket(bytes: packet.bytes, arrival: packet.arrival)) }
                if index % 23 == 0 { shuffled.append(TimedPacket(bytes: [0x80, 96, 1, 2], arrival: packet.arrival)) }
                if index % 29 == 0 {
                    var other = packet.bytes
                    other[1] = other[1] & 0x80 | 97 // another payload type
                    shuffled.append(TimedPacket(bytes: other, arrival: packet.arrival))
                }
            }
            shuffled += delayed.map { TimedPacket(bytes: $0.packet.bytes, arrival: stream.last?.arrival ?? 0) }
            #expect(shuffled.map(\.bytes) != stream.map(\.bytes))

            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8, options: .init(payloadType: 96))
            feed(writer, shuffled)
            writer.close()
            #expect(writer.packetsLost == 0)
            #expect(writer.framesDropped == 0)
            #expect(writer.framesWritten == frames.count)
            let junk = stream.indices.filter { $0 % 23 == 0 }.count + stream.indices.filter { $0 % 29 == 0 }.count
            #expect(writer.invalidPackets == junk)
            #expect(writer.packetsDiscarded > writer.invalidPackets, "duplicates counted")
            #expect(try fileBytes(file) == fileBytes(reference), "the same file as in order")
        }
    }

    @Test func startingMidStreamWaitsForAKeyframeAndKeepsAsking() async throws {
        try await withTemporaryDirectory { directory in
            let frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 2)
            var packetizer = TestPacketizer(payloadType: 96)
            let stream = TestStreams.vp8(frames, start: 4, packetizer: &packetizer)
            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8)
            let actions = feed(writer, stream[10...].flatMap { $0 })
            writer.close()

            let requests = actions.filter { $0.action == .requestKeyframe }.map(\.arrival)
            let firstArrival = 4 + 10.0 / 30
            #expect(requests.first == firstArrival)
            #expect(requests.count == 2, "every 0.5 s until frame 30: \(requests)")
            #expect(writer.framesDropped == 20)
            #expect(writer.framesWritten == 30)
            #expect(writer.firstTimestamp == 5.0, "the first keyframe, frame 30, arrived at 5 s")
            await #expect(try Tool.packets(file).first?.time == 5.0)
            await #expect(try Tool.decodeErrors(file) == "")
        }
    }
}
