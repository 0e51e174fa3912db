import Foundation
import Testing
@testable import Recording

/// What the caller sees when the disk fails.
@Suite struct TrackWriterFailureTests {
    @Test func aFailedWriteIsReportedOnceAndWritingStops() throws {
        // /dev/full accepts open(2) and fails every write(2) with ENOSPC.
        let writer = try TrackWriter(file: URL(fileURLWithPath: "/dev/full"), codec: .opus)
        var packetizer = TestPacketizer(payloadType: 111)
        var actions: [TrackWriterAction] = []
        for index in 0..<20 {
            let bytes = packetizer.packet(timestamp: UInt32(index * 960), marker: false, payload: TrackWriterTimingTests.opusPacket)
            actions += bytes.withUnsafeBytes { writer.receive(rtp: $0, at: Double(index) * 0.02) }
        }
        writer.close()
        #expect(actions == [.writeFailed(.write(errno: ENOSPC))])
        #expect(writer.framesWritten == 0 && writer.framesDropped == 20)
        #expect(writer.firstTimestamp == nil)
    }

    @Test func closedWriterIgnoresPacketsAndVideoWithoutKeyframeLeavesAnEmptyFile() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8)
            var packetizer = TestPacketizer(payloadType: 96)
            let inter = packetizer.packet(timestamp: 0, marker: true, payload: [0x10, 0x31, 0x00, 0x00, 0xCC, 0xDD])
            #expect(inter.withUnsafeBytes { writer.receive(rtp: $0, at: 0) } == [.requestKeyframe])
            try writer.sync()
            writer.close()
            #expect(inter.withUnsafeBytes { writer.receive(rtp: $0, at: 1) }.isEmpty)
            #expect(try fileBytes(file).isEmpty, "no keyframe, no file content")
            #expect(writer.framesDropped == 1 && writer.packetsReceived == 1)
        }
    }
}
