import Testing
@testable import Recording

/// The muxer in memory: what it produces scans back to exactly what went in,
/// and every prefix scans to the blocks it holds whole.
@Suite struct MatroskaMuxerTests {
    @Test func roundTripThroughTheScanner() throws {
        var random = SeededRandom(seed: 11)
        for trackIndex in 0..<30 {
            let track: MatroskaTrack = trackIndex % 2 == 0 ? .opus() : .vp8(width: 320, height: 180)
            var muxer = MatroskaMuxer(track: track, maximumClusterDuration: trackIndex % 3 == 0 ? 1000 : nil)
            var file: [UInt8] = []
            var expected: [(timestamp: Int64, keyframe: Bool, frame: [UInt8])] = []
            var time = Int64.random(in: -50...100_000, using: &random)
            for _ in 0..<Int.random(in: 1...120, using: &random) {
                time += Int64.random(in: -40...2000, using: &random) // sometimes backwards, sometimes long gaps
                let frame = (0..<Int.random(in: 0...300, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
                let keyframe = Int.random(in: 0..<8, using: &random) == 0
                file += muxer.append(frame: frame, timestamp: time, keyframe: keyframe)
                let written = max(time, expected.last?.timestamp ?? 0, 0)
                expected.append((written, keyframe || !track.isVideo, frame))
            }
            let scan = try file.withUnsafeBytes { try MatroskaScan(scanning: $0, keepBlocks: true) }
            #expect(scan.stop == .end && scan.endOffset == file.count)
            #expect(scan.blocks.map(\.timestamp) == expected.map(\.timestamp))
            #expect(scan.blocks.map(\.keyframe) == expected.map(\.keyframe))
            #expect(scan.blocks.map { Array(file[$0.data]) } == expected.map(\.frame))
            #expect(muxer.lastTimestamp == expected.last?.timestamp && muxer.blockCount == expected.count)

            // Any cut: the whole blocks before it, nothing more.
            for _ in 0..<20 {
                let cut = Int.random(in: 0...file.count, using: &random)
                let prefix = try Array(file[..<cut]).withUnsafeBytes { try MatroskaScan(scanning: $0) }
                #expect(prefix.blockCount == scan.blocks.filter { $0.data.upperBound <= cut }.count)
                #expect(prefix.endOffset <= cut)
            }
        }
    }

    @Test func headerIsTakenOnce() {
        var muxer = MatroskaMuxer(track: .opus())
        let header = MatroskaMuxer.header(for: .opus())
        let first = muxer.append(frame: [0xF8], timestamp: 0, keyframe: true)
        #expect(first.starts(with: header))
        #expect(muxer.takeHeader() == nil)
        var unused = MatroskaMuxer(track: .opus())
        #expect(unused.takeHeader() == header)
        #expect(unused.takeHeader() == nil)
    }
}
