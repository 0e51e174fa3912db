import Foundation
import Testing
@testable import Recording

/// The live writer's layout and its promise that every block is on disk (in
/// the kernel) the moment `write` returns.
@Suite struct MatroskaWriterTests {
    @Test func headerGoesOutWithTheFirstBlock() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("video.webm")
            let writer = try MatroskaWriter(file: file, track: .vp8(width: 640, height: 360))
            #expect(try fileBytes(file).isEmpty, "nothing on disk before a block")
            try writer.write(frame: [0x10, 0x02, 0x00, 0x9D, 0x01, 0x2A, 0x80, 0x02, 0x68, 0x01], timestamp: 2500, keyframe: true)
            let scan = try MatroskaScan(file: file)
            #expect(scan.docType == "webm" && scan.codecID == "V_VP8" && scan.trackCount == 1)
            #expect(scan.tracks.first?.pixelWidth == 640 && scan.tracks.first?.pixelHeight == 360)
            #expect(scan.blockCount == 1 && scan.firstTimestamp == 2500 && scan.stop == .end)
            #expect(scan.endOffset == writer.bytesWritten)
            writer.close()
        }
    }

    @Test func trackWithoutBlocksStillGetsItsHeader() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("audio.webm")
            let writer = try MatroskaWriter(file: file, track: .opus())
            writer.close()
            let scan = try MatroskaScan(file: file)
            #expect(scan.codecID == "A_OPUS" && scan.tracks.first?.channels == 2 && scan.tracks.first?.samplingFrequency == 48000)
            #expect(scan.blockCount == 0 && scan.firstTimestamp == nil && scan.stop == .end)
        }
    }

    @Test func everyBlockIsInTheFileWhenWriteReturns() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("audio.webm")
            let writer = try MatroskaWriter(file: file, track: .opus())
            for index in 0..<400 {
                try writer.write(frame: [0xF8] + [UInt8](repeating: UInt8(index & 0xFF), count: 60), timestamp: Int64(index * 20),
                                 keyframe: true)
                // No user-space buffer: the kernel already has every byte (what SIGKILL keeps).
                let size = try FileManager.default.attributesOfItem(atPath: file.path)[.size] as? Int
                #expect(size == writer.bytesWritten)
                if index % 50 == 0 {
                    let scan = try MatroskaScan(file: file)
                    #expect(scan.blockCount == index + 1 && scan.lastTimestamp == Int64(index * 20) && scan.stop == .end)
                }
                if index % 100 == 0 { try writer.sync() }
            }
            writer.close()
            #expect(throws: MatroskaWriterError.closed) { try writer.write(frame: [1], timestamp: 0, keyframe: true) }
        }
    }

    @Test func clustersStartAtKeyframesAndBeforeTheRelativeTimestampOverflows() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("video.webm")
            let writer = try MatroskaWriter(file: file, track: .vp8(width: 2, height: 2))
            #expect(throws: MatroskaWriterError.alreadyStarted) { try writer.start(track: .vp8(width: 2, height: 2)) }
            // Keyframe at 1000, deltas every second for 70 s, a keyframe at 80 s,
            // then a timestamp that goes backwards (held at 80 s).
            try writer.write(frame: [0], timestamp: 1000, keyframe: true)
            for second in 2...71 { try writer.write(frame: [1], timestamp: Int64(second) * 1000, keyframe: false) }
            try writer.write(frame: [2], timestamp: 80000, keyframe: true)
            try writer.write(frame: [3], timestamp: 79000, keyframe: false)
            writer.close()

            let bytes = try fileBytes(file)
            let scan = try bytes.withUnsafeBytes { try MatroskaScan(scanning: $0, keepBlocks: true) }
            #expect(scan.blockCount == 73 && scan.keyframeCount == 2)
            #expect(scan.blocks.last?.timestamp == 80000)
            let clusterTimes = clusterTimestamps(bytes)
            #expect(clusterTimes == [1000, 31000, 61000, 80000], "30 s at most, and one per keyframe")
        }
    }

    @Test func audioClustersLastAboutFiveSeconds() throws {
        try withTemporaryDirectory { directory in
            let file = directory.appendingPathComponent("audio.webm")
            let writer = try MatroskaWriter(file: file, track: .opus())
            for index in 0..<1000 { try writer.write(frame: [0xF8, 0], timestamp: 500 + Int64(index) * 20, keyframe: false) }
            writer.close()
            let bytes = try fileBytes(file)
            #expect(clusterTimestamps(bytes) == [500, 5500, 10500, 15500])
            let scan = try bytes.withUnsafeBytes { try MatroskaScan(scanning: $0) }
            #expect(scan.keyframeCount == 1000, "audio blocks are always keyframes")
        }
    }

    @Test func openFailureIsReported() {
        let file = URL(fileURLWithPath: "/nonexistent-directory-\(UUID().uuidString)/x.webm")
        #expect(throws: MatroskaWriterError.open(errno: ENOENT)) { try MatroskaWriter(file: file) }
    }

    /// The Timestamp of every Cluster, read with the scanner's element reader.
    private func clusterTimestamps(_ bytes: [UInt8]) -> [UInt64] {
        let id: [UInt8] = [0x1F, 0x43, 0xB6, 0x75]
        return (0..<bytes.count - 14).filter { bytes[$0..<$0 + 4].elementsEqual(id) }.compactMap { offset in
            bytes.withUnsafeBytes { raw in
                guard let child = try? EBMLReader.header(in: raw, at: offset + 12), child.id == 0xE7,
                      let end = child.dataEnd else { return nil }
                return EBMLReader.uint(raw, child.dataStart..<end)
            }
        }
    }
}
