import Foundation
@testable import Recording

/// ffmpeg/ffprobe helpers for the tests: make synthetic tracks, read frames
/// and audio back, and measure tones.
enum MediaTool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// A fresh directory under the temporary directory; the caller removes it.
    static func temporaryDirectory(_ name: String = "parley-composite-test") throws -> URL {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name)-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }

    /// Runs `/usr/bin/<tool>` (through `Tool`) and returns its standard output; throws with its messages if it fails.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String]) async throws -> Data {
        let name = URL(fileURLWithPath: executable).lastPathComponent
        let output = try await Tool.run(name, arguments)
        guard output.status == 0 else {
            throw Failure(description: "\(name) \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
        return output.stdout
    }

    static func ffmpeg(_ arguments: [String]) async throws { try await Tool.ffmpeg(arguments) }

    /// A VP8 track in WebM from a lavfi video graph, its blocks starting at `offset` seconds.
    static func makeVP8(_ graph: String, offset: Double, to url: URL) async throws {
        try await ffmpeg(["-f", "lavfi", "-i", graph, "-c:v", "libvpx", "-b:v", "400k", "-deadline", "realtime",
                    "-cpu-used", "8", "-output_ts_offset", String(offset), url.path])
    }

    /// An Opus track in WebM from a lavfi audio graph, optional audio filters applied
    /// (`aselect` makes real gaps: missing blocks, not encoded silence).
    static func makeOpus(_ graph: String, filter: String? = nil, offset: Double, to url: URL) async throws {
        var arguments = ["-f", "lavfi", "-i", graph]
        if let filter { arguments += ["-af", filter] }
        arguments += ["-c:a", "libopus", "-b:a", "64k", "-output_ts_offset", String(offset), url.path]
        try await ffmpeg(arguments)
    }

    /// Codec names of the file's streams and its duration (ffprobe).
    static func probe(_ url: URL) async throws -> (codecs: [String], duration: Double) {
        let data = try await run("/usr/bin/ffprobe", ["-v", "error", "-show_entries", "stream=codec_name:format=duration",
                                                "-of", "default=noprint_wrappers=1", url.path])
        var codecs: [String] = []
        var duration = -1.0
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { continue }
            if parts[0] == "codec_name" { codecs.append(parts[1]) }
            if parts[0] == "duration" { duration = Double(parts[1]) ?? -1 }
        }
        return (codecs, duration)
    }

    /// An RGB frame of the video.
    struct Image {
        var width: Int
        var height: Int
        var bytes: [UInt8]

        /// The pixel at (x, y), or nil outside the image.
        func pixel(_ x: Int, _ y: Int) -> (r: Int, g: Int, b: Int)? {
            guard x >= 0, y >= 0, x < width, y < height else { return nil }
            let offset = (y * width + x) * 3
            guard offset + 2 < bytes.count else { return nil }
            return (Int(bytes[offset]), Int(bytes[offset + 1]), Int(bytes[offset + 2]))
        }
    }

    /// The frame shown at `seconds`, decoded to rgb24.
    static func frame(of url: URL, at seconds: Double, width: Int = 1280, height: Int = 720) async throws -> Image {
        let data = try await run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error",
                                               "-ss", String(seconds), "-i", url.path, "-frames:v", "1",
                                               "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        return Image(width: width, height: height, bytes: [UInt8](data))
    }

    /// The colour at (x, y) of every frame, in order.
    static func pixelTrack(of url: URL, x: Int, y: Int) async throws -> [(r: Int, g: Int, b: Int)] {
        let data = try await run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", url.path,
                                               "-vf", "crop=2:2:\(x):\(y)", "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let bytes = [UInt8](data)
        return stride(from: 0, to: bytes.count - 11, by: 12).map {
            (Int(bytes[$0]), Int(bytes[$0 + 1]), Int(bytes[$0 + 2]))
        }
    }

    /// The audio as mono 48 kHz samples in -1...1.
    static func audio(of url: URL) async throws -> [Float] {
        let data = try await run("/usr/bin/ffmpeg", ["-hide_banner", "-nostdin", "-loglevel", "error", "-i", url.path,
                                               "-vn", "-ac", "1", "-ar", "48000", "-f", "s16le", "-"])
        return data.withUnsafeBytes { raw in
            stride(from: 0, to: raw.count - 1, by: 2).map { offset in
                let value = Int16(littleEndian: Int16(raw[offset]) | Int16(raw[offset + 1]) << 8)
                return Float(value) / 32768
            }
        }
    }

    /// Amplitude of `frequency` in samples `from..<to` seconds (Goertzel; a full-scale sine gives 1).
    static func tone(_ samples: [Float], frequency: Double, from: Double, to: Double, rate: Double = 48000) -> Double {
        let start = max(0, Int(from * rate))
        let end = min(samples.count, Int(to * rate))
        guard end > start else { return 0 }
        let coefficient = 2 * cos(2 * Double.pi * frequency / rate)
        var previous = 0.0
        var beforePrevious = 0.0
        for sample in samples[start..<end] {
            let current = Double(sample) + coefficient * previous - beforePrevious
            beforePrevious = previous
            previous = current
        }
        let power = previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious
        return 2 * sqrt(max(0, power)) / Double(end - start)
    }

    /// Peak absolute sample in `from..<to` seconds.
    static func peak(_ samples: [Float], from: Double, to: Double, rate: Double = 48000) -> Float {
        let start = max(0, Int(from * rate))
        let end = min(samples.count, Int(to * rate))
        guard end > start else { return 0 }
        return samples[start..<end].reduce(0) { max($0, abs($1)) }
    }
}
