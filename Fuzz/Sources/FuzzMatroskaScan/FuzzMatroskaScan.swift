import Foundation
import FuzzSupport
import Recording

/// `MatroskaScan` must return a scan or throw its error for any bytes, never
/// trap or read out of bounds. Besides that, checks:
/// - everything it reports lies inside the input (end offset, block data);
/// - counts agree with the blocks kept; first/last timestamps are theirs;
/// - the bytes up to `endOffset` scan to the same blocks and do not stop as
///   malformed (cutting a file there, as the server does after a crash, keeps
///   every block it had);
/// - round trip: frames derived from the input, muxed by `MatroskaMuxer`
///   (audio or video track, cluster limit from the input), scan back to the
///   same frames, keyframe flags and (clamped, non-decreasing) timestamps, and
///   any prefix of that file scans to exactly its whole blocks.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = FuzzInput.bytes(data, size)
    checkScan(bytes)
    checkRoundTrip(bytes)
    return 0
}

func checkScan(_ bytes: [UInt8]) {
    let scan: MatroskaScan
    do {
        scan = try bytes.withUnsafeBytes { try MatroskaScan(scanning: $0, keepBlocks: true) }
    } catch {
        FuzzInput.log("scan error: \(error)")
        return
    }
    FuzzInput.log("scan: \(scan.blockCount) blocks, stop \(scan.stop) at \(scan.endOffset)")
    FuzzInput.check(scan.endOffset >= 0 && scan.endOffset <= bytes.count, "end offset \(scan.endOffset) of \(bytes.count)")
    FuzzInput.check(scan.blocks.count == scan.blockCount, "block count \(scan.blockCount) != \(scan.blocks.count)")
    FuzzInput.check(scan.keyframeCount == scan.blocks.filter(\.keyframe).count, "keyframe count")
    FuzzInput.check(scan.firstTimestamp == scan.blocks.first?.timestamp && scan.lastTimestamp == scan.blocks.last?.timestamp,
                    "first/last timestamps")
    for block in scan.blocks {
        FuzzInput.check(block.data.lowerBound >= 0 && block.data.upperBound <= scan.endOffset, "block \(block.data) past the end offset")
    }
    let prefix = Array(bytes[..<scan.endOffset])
    guard let again = try? prefix.withUnsafeBytes({ try MatroskaScan(scanning: $0, keepBlocks: true) }) else {
        FuzzInput.check(false, "the prefix up to endOffset no longer scans")
        return
    }
    FuzzInput.check(again.blocks == scan.blocks, "prefix blocks \(again.blockCount) != \(scan.blockCount)")
    FuzzInput.check(again.tracks == scan.tracks && again.docType == scan.docType, "prefix tracks")
    FuzzInput.check(again.stop != .malformed, "prefix stops as malformed")
}

func checkRoundTrip(_ bytes: [UInt8]) {
    guard let control = bytes.first else { return }
    let track: MatroskaTrack = control & 1 == 0 ? .opus() : .vp8(width: Int(control), height: 2)
    var muxer = MatroskaMuxer(track: track, maximumClusterDuration: control & 2 == 0 ? nil : Int64(control) * 40)
    var file: [UInt8] = []
    var expected: [(timestamp: Int64, keyframe: Bool, frame: [UInt8])] = []
    var time: Int64 = Int64(control) * 100
    var offset = 1
    // Each frame: flags byte, 16-bit signed step (ms, ×8), length byte, then the frame.
    while offset + 4 <= bytes.count {
        let flags = bytes[offset]
        let step = Int64(Int16(bitPattern: UInt16(bytes[offset + 1]) << 8 | UInt16(bytes[offset + 2]))) * 8
        let length = min(Int(bytes[offset + 3]), bytes.count - offset - 4)
        let frame = Array(bytes[(offset + 4)..<(offset + 4 + length)])
        offset += 4 + length
        time += step
        let keyframe = flags & 1 == 1
        file += muxer.append(frame: frame, timestamp: time, keyframe: keyframe)
        expected.append((max(time, expected.last?.timestamp ?? 0, 0), keyframe || !track.isVideo, frame))
    }
    guard !expected.isEmpty else { return } // no block: nothing written (the header waits for one)
    guard let scan = try? file.withUnsafeBytes({ try MatroskaScan(scanning: $0, keepBlocks: true) }) else {
        FuzzInput.check(false, "muxed file does not scan")
        return
    }
    FuzzInput.check(scan.stop == .end && scan.endOffset == file.count, "muxed file: stop \(scan.stop) at \(scan.endOffset)")
    FuzzInput.check(scan.blocks.map(\.timestamp) == expected.map(\.timestamp), "timestamps")
    FuzzInput.check(scan.blocks.map(\.keyframe) == expected.map(\.keyframe), "keyframe flags")
    FuzzInput.check(scan.blocks.map { Array(file[$0.data]) } == expected.map(\.frame), "frames")
    FuzzInput.check(scan.codecID == track.codecID && scan.trackCount == 1, "track")
    let cut = file.isEmpty ? 0 : Int(FuzzInput.fnv1a(bytes) % UInt32(file.count))
    let partial = try? Array(file[..<cut]).withUnsafeBytes { try MatroskaScan(scanning: $0) }
    let whole = scan.blocks.filter { $0.data.upperBound <= cut }.count
    FuzzInput.check(partial.map { $0.blockCount == whole } ?? false, "cut at \(cut): \(partial?.blockCount ?? -1) of \(whole) blocks")
}

/// Seeds: files as `MatroskaMuxer` writes them (Opus over several clusters,
/// VP8 with keyframes, one cut inside a block), and inputs for the round trip.
/// `FUZZ_RECORDING_WRITE_SEEDS=Corpus/FuzzMatroskaScan .build/debug/FuzzMatroskaScan`
func seeds() -> [String: [UInt8]] {
    var seeds: [String: [UInt8]] = [:]
    var opus = MatroskaMuxer(track: .opus(), maximumClusterDuration: 60)
    var opusFile: [UInt8] = []
    for index in 0..<8 { opusFile += opus.append(frame: [0xF8, UInt8(index), 0xAA], timestamp: 1000 + Int64(index) * 20, keyframe: true) }
    seeds["muxed-opus"] = opusFile
    var vp8 = MatroskaMuxer(track: .vp8(width: 320, height: 240))
    var vp8File: [UInt8] = []
    let key: [UInt8] = [0x50, 0x00, 0x00, 0x9D, 0x01, 0x2A, 0x40, 0x01, 0xF0, 0x00, 0xAA, 0xBB]
    for index in 0..<6 {
        vp8File += vp8.append(frame: index % 3 == 0 ? key : [0x31, 0x00, 0x00, UInt8(index)], timestamp: Int64(index) * 33,
                              keyframe: index % 3 == 0)
    }
    seeds["muxed-vp8"] = vp8File
    seeds["muxed-vp8-cut"] = Array(vp8File.dropLast(3))
    seeds["roundtrip-video"] = [0x03, 0x01, 0x00, 0x04, 0x03, 0xAA, 0xBB, 0xCC, 0x00, 0xFF, 0xF0, 0x02, 0x01, 0x02, 0x01, 0x10, 0x00, 0x00]
    seeds["roundtrip-audio"] = [0x00, 0x00, 0x00, 0x02, 0x02, 0xF8, 0x01, 0x00, 0x00, 0x03, 0x02, 0xF8, 0x02]
    return seeds
}

/// The entry point; see FuzzDriver for why a fuzz target needs one.
@main
enum Main {
    static func main() {
        if FuzzDriver.writeSeeds(ifAskedBy: "FUZZ_RECORDING_WRITE_SEEDS", seeds) { return }
        FuzzDriver.run { data, size in fuzz(data ?? FuzzDriver.empty, size) }
    }
}
