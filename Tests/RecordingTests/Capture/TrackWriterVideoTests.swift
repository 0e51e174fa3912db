import Foundation
import Testing
@testable import Recording

/// Real VP8 and H.264 from ffmpeg, packetized per RFC 7741 / RFC 6184 with
/// wrapping sequence numbers and timestamps, CSRCs, header extensions and
/// padding, through `TrackWriter`; the files are then checked with ffprobe and
/// decoded with ffmpeg.
@Suite struct TrackWriterVideoTests {
    @Test func vp8StreamBecomesAPlayableWebM() async throws {
        try await withTemporaryDirectory { directory in
            let frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 3)
            #expect(frames.count == 90)
            var packetizer = TestPacketizer(payloadType: 96)
            let stream = TestStreams.vp8(frames, start: 12.5, packetizer: &packetizer)
            #expect(stream.contains { $0.count > 1 }, "some frames need several packets")
            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8, options: .init(payloadType: 96))
            let actions = feed(writer, stream.flatMap { $0 })
            writer.close()

            // The first packet is a keyframe: one request at the very start, then none.
            #expect(actions.map(\.action) == [.requestKeyframe])
            #expect(writer.framesWritten == 90)
            #expect(writer.framesDropped == 0)
            #expect(writer.packetsLost == 0)
            #expect(writer.width == 320 && writer.height == 240)
            #expect(writer.firstTimestamp == 12.5)
            #expect(abs((writer.lastTimestamp ?? 0) - (12.5 + 89.0 / 30)) < 0.002)

            let streams = try await Tool.streams(file)
            #expect(streams == [ProbedStream(codec: "vp8", type: "video", width: 320, height: 240, frames: 90)])
            let packets = try await Tool.packets(file)
            #expect(packets.count == 90)
            #expect(abs((packets.first?.time ?? 0) - 12.5) < 0.001, "first block on the recording timeline")
            let span = (packets.last?.time ?? 0) - (packets.first?.time ?? 0) + 1.0 / 30
            #expect(abs(span - 3) <= 1.0 / 30 + 0.001, "duration within a frame")
            #expect(packets.enumerated().allSatisfy { $0.element.keyframe == ($0.offset % 30 == 0) })
            await #expect(try Tool.decodeErrors(file) == "")
            let centre = try await Tool.centrePixel(file, frame: 45, width: 320, height: 240)
            #expect(centre.r > 200 && centre.g < 60 && centre.b < 60, "centre \(centre) is red")
        }
    }

    @Test func h264StreamBecomesAPlayableMatroska() async throws {
        try await withTemporaryDirectory { directory in
            let units = try await MediaFixtures.h264AccessUnits(in: directory, seconds: 3)
            #expect(units.count == 90)
            var packetizer = TestPacketizer(payloadType: 102)
            let stream = TestStreams.h264(units, start: 3.25, packetizer: &packetizer)
            let firstTypes = packetizer.h264Payloads(units[0]).map { $0[0] & 0x1F }
            #expect(firstTypes.contains(24) && firstTypes.contains(28), "the IDR uses STAP-A and FU-A: \(firstTypes)")
            let file = directory.appendingPathComponent("camera.mkv")
            let writer = try TrackWriter(file: file, codec: .h264, options: .init(payloadType: 102))
            feed(writer, stream.flatMap { $0 })
            writer.close()

            #expect(writer.framesWritten == 90)
            #expect(writer.framesDropped == 0)
            #expect(writer.width == 320 && writer.height == 240)
            let scan = try MatroskaScan(file: file)
            #expect(scan.docType == "matroska" && scan.codecID == "V_MPEG4/ISO/AVC")
            #expect(scan.tracks.first?.codecPrivate?.first == 1, "avcC version 1")

            let streams = try await Tool.streams(file)
            #expect(streams == [ProbedStream(codec: "h264", type: "video", width: 320, height: 240, frames: 90)])
            let packets = try await Tool.packets(file)
            #expect(abs((packets.first?.time ?? 0) - 3.25) < 0.001)
            let span = (packets.last?.time ?? 0) - (packets.first?.time ?? 0) + 1.0 / 30
            #expect(abs(span - 3) <= 1.0 / 30 + 0.001)
            await #expect(try Tool.decodeErrors(file) == "")
            let centre = try await Tool.centrePixel(file, frame: 60, width: 320, height: 240)
            #expect(centre.r > 200 && centre.g < 60 && centre.b < 60, "centre \(centre) is red")
        }
    }
}
