import Foundation
import Testing
@testable import Recording

/// What SIGKILL leaves behind: a file cut at any byte. Each file written by
/// `TrackWriter` is truncated at many offsets (every kind of place: block
/// boundaries, inside block headers and data, inside cluster headers); ffprobe
/// must decode exactly the whole blocks before the cut, and `MatroskaScan`
/// must count the same and say where they end. Cuts inside the header (before
/// the first block is whole) may fail in ffprobe, never in the scan.
@Suite struct MatroskaTruncationTests {
    @Test func vp8FileReadsUpToItsLastWholeBlock() async throws {
        try await withTemporaryDirectory { directory in
            let frames = try await MediaFixtures.vp8Frames(in: directory, seconds: 2, gop: 15, width: 160, height: 120)
            var packetizer = TestPacketizer(payloadType: 96)
            let stream = TestStreams.vp8(frames, start: 1, packetizer: &packetizer)
            let file = directory.appendingPathComponent("camera.webm")
            let writer = try TrackWriter(file: file, codec: .vp8)
            feed(writer, stream.flatMap { $0 })
            writer.close()
            try await sweep(file, in: directory, offsets: 48)
        }
    }

    @Test func opusFileReadsUpToItsLastWholeBlock() async throws {
        try await withTemporaryDirectory { directory in
            let packets = try await MediaFixtures.opusPackets(in: directory, seconds: 11)
            var packetizer = TestPacketizer(payloadType: 111)
            let file = directory.appendingPathComponent("microphone.webm")
            let writer = try TrackWriter(file: file, codec: .opus)
            feed(writer, TestStreams.opus(packets, start: 0.25, packetizer: &packetizer))
            writer.close()
            try await sweep(file, in: directory, offsets: 48)
        }
    }

    @Test func h264FileReadsUpToItsLastWholeBlock() async throws {
        try await withTemporaryDirectory { directory in
            let units = try await MediaFixtures.h264AccessUnits(in: directory, seconds: 1, gop: 10, width: 160, height: 120)
            var packetizer = TestPacketizer(payloadType: 102)
            let file = directory.appendingPathComponent("camera.mkv")
            let writer = try TrackWriter(file: file, codec: .h264)
            feed(writer, TestStreams.h264(units, start: 0, packetizer: &packetizer).flatMap { $0 })
            writer.close()
            try await sweep(file, in: directory, offsets: 32)
        }
    }

    /// Cuts `file` at `offsets` places plus every byte of the header and of
    /// the first cluster's start, and checks each cut.
    private func sweep(_ file: URL, in directory: URL, offsets count: Int) async throws {
        let bytes = try fileBytes(file)
        let full = try bytes.withUnsafeBytes { try MatroskaScan(scanning: $0, keepBlocks: true) }
        #expect(full.stop == .end && full.endOffset == bytes.count && full.blockCount > 20)
        let blockEnds = full.blocks.map(\.data.upperBound)
        let firstBlockEnd = try #require(blockEnds.first)

        // Every byte of the header and the first block: only the scan is checked.
        for cut in 0..<firstBlockEnd {
            let scan = try Array(bytes[..<cut]).withUnsafeBytes { try MatroskaScan(scanning: $0) }
            #expect(scan.blockCount == 0 && scan.endOffset <= cut && scan.stop != .malformed, "cut at \(cut)")
        }

        // Places after the first block: boundaries, one past, inside block
        // headers (a block's data starts 4 bytes after its size), mid-data,
        // the last byte, and the cluster starts (a cluster's ID begins right
        // where the previous block ended).
        var random = SeededRandom(seed: UInt64(bytes.count))
        var cuts = Set<Int>([bytes.count, bytes.count - 1])
        while cuts.count < count {
            let block = full.blocks[Int.random(in: 1..<full.blocks.count, using: &random)]
            let place: Int
            switch Int.random(in: 0..<5, using: &random) {
            case 0: place = block.data.upperBound
            case 1: place = block.data.upperBound + Int.random(in: 1...14, using: &random) // into the next block or cluster header
            case 2: place = block.data.lowerBound - Int.random(in: 1...6, using: &random) // inside the block header
            case 3: place = block.data.lowerBound + block.data.count / 2
            default: place = block.data.upperBound - 1
            }
            if place > firstBlockEnd && place <= bytes.count { cuts.insert(place) }
        }
        for cut in cuts.sorted() {
            let whole = blockEnds.filter { $0 <= cut }.count
            let truncated = directory.appendingPathComponent("cut-\(cut).\(file.pathExtension)")
            try Data(bytes[..<cut]).write(to: truncated)
            let scan = try MatroskaScan(file: truncated)
            #expect(scan.blockCount == whole, "scan of cut at \(cut)")
            // It stops after the last whole block (or after a whole cluster header that follows it).
            let lastEnd = blockEnds[whole - 1]
            #expect(scan.endOffset >= lastEnd && scan.endOffset <= cut && scan.endOffset < lastEnd + 20, "cut at \(cut)")
            #expect(scan.stop == (scan.endOffset == cut ? .end : .truncated))
            #expect(scan.lastTimestamp == full.blocks[whole - 1].timestamp)
            let streams = try await Tool.streams(truncated)
            #expect(streams.count == 1 && streams.first?.frames == whole, "ffprobe decodes \(streams.first?.frames ?? -1) of \(whole) whole blocks, cut at \(cut)")
            try FileManager.default.removeItem(at: truncated)
        }
    }
}
