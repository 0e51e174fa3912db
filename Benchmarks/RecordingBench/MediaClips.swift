import Foundation
import Recording

/// Encoded media for the benchmark, made once per run with ffmpeg: one VP8
/// camera and one Opus voice per person, and a VP8 screen share.
struct MediaClips: Sendable {
    /// A video track's frames as an encoder hands them to its packetizer.
    struct Video: Sendable {
        var frames: [[UInt8]]
        var frameRate: Double
        /// Indices of the keyframes (VP8: bit 0 of the frame tag is 0, RFC 6386 §9.1).
        var keyframes: [Int]

        init(frames: [[UInt8]], frameRate: Double) {
            self.frames = frames
            self.frameRate = frameRate
            keyframes = frames.indices.filter { frames[$0].first.map { $0 & 1 == 0 } ?? false }
        }

        var seconds: Double { Double(frames.count) / frameRate }
        var kilobitsPerSecond: Double { Double(frames.reduce(0) { $0 + $1.count }) * 8 / seconds / 1000 }

        /// The first keyframe at or after `index` (wrapping round the clip).
        func keyframe(atOrAfter index: Int) -> Int {
            keyframes.first { $0 >= index } ?? keyframes.first ?? 0
        }
    }

    var cameras: [Video]
    /// 20 ms Opus packets, one array per person.
    var voices: [[[UInt8]]]
    var screen: Video

    /// Distinct backgrounds, one per person (ffmpeg colour names).
    static let colours = ["firebrick", "seagreen", "royalblue", "darkorange", "purple", "teal", "goldenrod", "deeppink"]

    /// Encodes `people` cameras (640x360, 30 fps, ~600 kb/s, a keyframe every
    /// 2 s, realtime mode as a browser's libvpx runs) and voices (a distinct
    /// sine each), `seconds` long, and a 1280x720 10 fps screen share of
    /// `screenSeconds`, in `directory`.
    static func make(people: Int, seconds: Double, screenSeconds: Double, in directory: URL) throws -> MediaClips {
        var cameras: [Video] = []
        var voices: [[[UInt8]]] = []
        for person in 0..<people {
            let colour = colours[person % colours.count]
            // The moving test pattern over a flat colour: not trivially compressible,
            // and each person's picture is told apart by its colour and the pattern's place.
            let x = 40 + (person * 37) % 260, y = 30 + (person * 23) % 150
            let file = directory.appendingPathComponent("camera-\(person).ivf")
            try FFmpeg.run(["-f", "lavfi", "-i", "color=c=\(colour):s=640x360:r=30",
                            "-f", "lavfi", "-i", "testsrc2=s=320x180:r=30",
                            "-filter_complex", "[0][1]overlay=x=\(x):y=\(y):shortest=1,format=yuv420p",
                            "-t", String(seconds)]
                           + vp8Arguments(bitrate: "600k", gop: 60) + [file.path])
            cameras.append(Video(frames: try ivfFrames(Array(Data(contentsOf: file))), frameRate: 30))
            voices.append(try opusPackets(frequency: 220 + 110 * person, seconds: seconds,
                                          file: directory.appendingPathComponent("voice-\(person).webm")))
        }
        let screenFile = directory.appendingPathComponent("screen.ivf")
        try FFmpeg.run(["-f", "lavfi", "-i", "testsrc=s=1280x720:r=10", "-t", String(screenSeconds), "-pix_fmt", "yuv420p"]
                       + vp8Arguments(bitrate: "1200k", gop: 20) + [screenFile.path])
        let screen = Video(frames: try ivfFrames(Array(Data(contentsOf: screenFile))), frameRate: 10)
        return MediaClips(cameras: cameras, voices: voices, screen: screen)
    }

    private static func vp8Arguments(bitrate: String, gop: Int) -> [String] {
        ["-c:v", "libvpx", "-b:v", bitrate, "-g", String(gop), "-keyint_min", String(gop), "-auto-alt-ref", "0",
         "-lag-in-frames", "0", "-deadline", "realtime", "-cpu-used", "8", "-f", "ivf"]
    }

    /// Opus packets (libopus, 48 kb/s, 20 ms) of a tone, read back from the
    /// WebM ffmpeg writes.
    private static func opusPackets(frequency: Int, seconds: Double, file: URL) throws -> [[UInt8]] {
        try FFmpeg.run(["-f", "lavfi", "-i", "sine=frequency=\(frequency):sample_rate=48000", "-t", String(seconds),
                        "-c:a", "libopus", "-b:a", "48k", "-frame_duration", "20", "-f", "webm", file.path])
        let bytes = Array(try Data(contentsOf: file))
        return try bytes.withUnsafeBytes { raw in
            let scan = try MatroskaScan(scanning: raw, keepBlocks: true)
            return scan.blocks.map { Array(raw[$0.data]) }
        }
    }

    /// IVF: a header (its size at offset 6), then per frame a 4-byte
    /// little-endian size, an 8-byte timestamp and the frame.
    static func ivfFrames(_ bytes: [UInt8]) throws -> [[UInt8]] {
        guard bytes.count >= 32, bytes.starts(with: Array("DKIF".utf8)) else { throw FFmpeg.Failure(message: "not an IVF file") }
        var offset = Int(bytes[6]) | Int(bytes[7]) << 8
        var frames: [[UInt8]] = []
        while offset + 12 <= bytes.count {
            let size = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
            offset += 12
            guard size > 0, offset + size <= bytes.count else { break }
            frames.append(Array(bytes[offset..<offset + size]))
            offset += size
        }
        guard !frames.isEmpty else { throw FFmpeg.Failure(message: "no frames in the IVF file") }
        return frames
    }
}
