import Foundation
import Testing
@testable import Recording

/// The tolerant reader: other writers' files, what is not Matroska, and a
/// mutation sweep that must never trap.
@Suite struct MatroskaScanTests {
    @Test func readsFFmpegsKnownSizeClustersAndCues() async throws {
        try await withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("ffmpeg.webm")
            try await Tool.ffmpeg(MediaFixtures.videoSource(seconds: 2, width: 160, height: 120)
                + ["-c:v", "libvpx", "-g", "10", "-f", "webm", file.path])
            let scan = try MatroskaScan(file: file, keepBlocks: true)
            #expect(scan.docType == "webm" && scan.codecID == "V_VP8" && scan.trackCount == 1)
            #expect(scan.tracks.first?.pixelWidth == 160 && scan.tracks.first?.pixelHeight == 120)
            let size = try fileBytes(file).count
            #expect(scan.stop == .end && scan.endOffset == size, "past the Cues to the end")
            let packets = try await Tool.packets(file)
            #expect(scan.blockCount == packets.count)
            #expect(scan.keyframeCount == packets.filter(\.keyframe).count)
            #expect(scan.blocks.map { Double($0.timestamp) / 1000 } == packets.map(\.time))
            // The blocks decode as VP8 frames.
            let bytes = try fileBytes(file)
            let frames = try scan.blocks.map { try VP8Depacketizer.frame(Array(bytes[$0.data])) }
            #expect(frames.map(\.isKeyframe) == scan.blocks.map(\.keyframe))
        }
    }

    @Test func notMatroskaThrowsAndCutHeadersDoNot() throws {
        func scan(_ bytes: [UInt8]) throws -> MatroskaScan {
            try bytes.withUnsafeBytes { try MatroskaScan(scanning: $0) }
        }
        #expect(throws: MatroskaScanError.notEBML) { try scan(Array("OggS\0\u{2}".utf8)) }
        #expect(throws: MatroskaScanError.notEBML) { try scan([0x1A, 0x45, 0x00]) }
        // EBML header with DocType "mp4x".
        var header = EBMLWriter()
        header.appendMaster(MatroskaElementID.ebml) { $0.appendString(MatroskaElementID.docType, "mp4x") }
        #expect(throws: MatroskaScanError.badHeader) { try scan(header.bytes) }
        // An EBML header of unknown size.
        #expect(throws: MatroskaScanError.badHeader) { try scan([0x1A, 0x45, 0xDF, 0xA3, 0xFF]) }
        #expect(throws: MatroskaScanError.unreadable) { try MatroskaScan(file: URL(fileURLWithPath: "/nonexistent.webm")) }

        for bytes in [[], [0x1A], [0x1A, 0x45, 0xDF, 0xA3], [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42]] as [[UInt8]] {
            let result = try scan(bytes)
            #expect(result.stop == .truncated && result.docType == nil && result.blockCount == 0)
        }
    }

    @Test func nonFiniteSamplingFrequencyReadsAsZero() throws {
        let track = MatroskaTrack(docType: "webm", codecID: "A_OPUS", kind: .audio(samplingFrequency: .nan, channels: 2))
        let header = MatroskaMuxer.header(for: track)
        let scan = try header.withUnsafeBytes { try MatroskaScan(scanning: $0) }
        #expect(scan.tracks.first?.samplingFrequency == 0 && scan.tracks.first?.channels == 2)
        #expect(scan == (try header.withUnsafeBytes { try MatroskaScan(scanning: $0) }), "scans compare equal (no NaN)")
    }

    @Test func garbageAfterBlocksStopsAsMalformedAtTheLastGoodByte() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("audio.webm")
            let writer = try MatroskaWriter(file: file, track: .opus())
            for index in 0..<10 { try writer.write(frame: [0xF8, UInt8(index)], timestamp: Int64(index) * 20, keyframe: true) }
            writer.close()
            let bytes = try fileBytes(file)
            let scan = try (bytes + [0x00, 0x00, 0x00]).withUnsafeBytes { try MatroskaScan(scanning: $0) }
            #expect(scan.blockCount == 10 && scan.stop == .malformed && scan.endOffset == bytes.count)
        }
    }

    /// Mutations of real files (ours and ffmpeg's) and random bytes behind a
    /// valid header: the scan must return or throw its error, never trap, and
    /// what it reports must lie inside the input.
    @Test func mutationSweepNeverTraps() async throws {
        try await withTemporaryDirectory { directory in
            let ffmpegFile = directory.appendingPathComponent("ffmpeg.webm")
            try await Tool.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=300", "-t", "1", "-c:a", "libopus", "-f", "webm", ffmpegFile.path])
            let ours = directory.appendingPathComponent("ours.webm")
            let writer = try MatroskaWriter(file: ours, track: .vp8(width: 16, height: 16))
            for index in 0..<40 {
                try writer.write(frame: [UInt8](repeating: UInt8(index), count: index * 3 + 1), timestamp: Int64(index) * 33,
                                 keyframe: index % 10 == 0)
            }
            writer.close()
            let seeds = [try fileBytes(ffmpegFile), try fileBytes(ours)]
            let header = MatroskaMuxer.header(for: .opus())
            var random = SeededRandom(seed: 42)
            for round in 0..<3000 {
                let input: [UInt8]
                if round % 5 == 4 {
                    input = header + (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                } else {
                    input = mutated(seeds[round % 2], using: &random)
                }
                input.withUnsafeBytes { raw in
                    guard let scan = try? MatroskaScan(scanning: raw, keepBlocks: true) else { return }
                    #expect(scan.endOffset <= raw.count)
                    #expect(scan.blocks.count == scan.blockCount && scan.keyframeCount <= scan.blockCount)
                    #expect(scan.blocks.allSatisfy { $0.data.upperBound <= raw.count && $0.data.lowerBound <= $0.data.upperBound })
                }
            }
        }
    }
}
