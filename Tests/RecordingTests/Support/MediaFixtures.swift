import Foundation
@testable import Recording

/// Real encoded media made with ffmpeg, split into frames the way a sender's
/// encoder hands them to its packetizer.
enum MediaFixtures {
    /// A video source: a red box in the middle of ffmpeg's moving test pattern,
    /// so frames are big enough to need several packets and the centre is red.
    static func videoSource(seconds: Double, width: Int = 320, height: Int = 240, rate: Int = 30) -> [String] {
        let box = "drawbox=x=\(width / 2 - 50):y=\(height / 2 - 50):w=100:h=100:color=red:t=fill"
        return ["-f", "lavfi", "-i", "testsrc2=s=\(width)x\(height):r=\(rate),\(box)", "-t", String(seconds)]
    }

    /// VP8 frames (libvpx, keyframe every `gop` frames) from an IVF file.
    static func vp8Frames(in directory: URL, seconds: Double, gop: Int = 30, width: Int = 320, height: Int = 240) async throws -> [[UInt8]] {
        let file = directory.appendingPathComponent("source.ivf")
        try await Tool.ffmpeg(videoSource(seconds: seconds, width: width, height: height)
            + ["-c:v", "libvpx", "-b:v", "600k", "-g", String(gop), "-keyint_min", String(gop), "-auto-alt-ref", "0",
               "-lag-in-frames", "0", "-f", "ivf", file.path])
        return try ivfFrames(fileBytes(file))
    }

    /// IVF: a 32-byte file header, then per frame a 4-byte little-endian size,
    /// an 8-byte timestamp and the frame.
    static func ivfFrames(_ bytes: [UInt8]) throws -> [[UInt8]] {
        guard bytes.count >= 32, bytes.starts(with: Array("DKIF".utf8)) else { throw Tool.Failure(description: "not IVF") }
        let headerSize = Int(bytes[6]) | Int(bytes[7]) << 8
        var offset = headerSize
        var frames: [[UInt8]] = []
        while offset + 12 <= bytes.count {
            let size = Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 | Int(bytes[offset + 2]) << 16 | Int(bytes[offset + 3]) << 24
            offset += 12
            guard offset + size <= bytes.count else { break }
            frames.append(Array(bytes[offset..<offset + size]))
            offset += size
        }
        return frames
    }

    /// H.264 access units (libx264 constrained baseline as WebRTC uses, no
    /// B-frames, IDR every `gop` frames), each a list of NAL units.
    static func h264AccessUnits(in directory: URL, seconds: Double, gop: Int = 30, width: Int = 320,
                                height: Int = 240) async throws -> [[[UInt8]]] {
        let file = directory.appendingPathComponent("source.h264")
        try await Tool.ffmpeg(videoSource(seconds: seconds, width: width, height: height)
            + ["-c:v", "libx264", "-profile:v", "baseline", "-pix_fmt", "yuv420p", "-bf", "0", "-g", String(gop),
               "-keyint_min", String(gop), "-sc_threshold", "0", "-b:v", "600k",
               "-bsf:v", "h264_mp4toannexb", "-f", "h264", file.path])
        return accessUnits(annexB: try fileBytes(file))
    }

    /// NAL units of an Annex B stream (start codes 00 00 01 / 00 00 00 01).
    static func nalUnits(annexB bytes: [UInt8]) -> [[UInt8]] {
        var starts: [(code: Int, payload: Int)] = []
        var index = 0
        while index + 3 <= bytes.count {
            if bytes[index] == 0, bytes[index + 1] == 0, bytes[index + 2] == 1 {
                let code = index > 0 && bytes[index - 1] == 0 ? index - 1 : index
                starts.append((code, index + 3))
                index += 3
            } else {
                index += 1
            }
        }
        return starts.enumerated().map { position, start in
            let end = position + 1 < starts.count ? starts[position + 1].code : bytes.count
            return Array(bytes[start.payload..<end])
        }
    }

    /// Groups NAL units into access units (ITU-T H.264 §7.4.1.2.3): a new one
    /// starts at an SPS/PPS/SEI/AUD after a slice, or at a slice whose
    /// first_mb_in_slice is 0 (its first bit is 1, ue(v) of 0) after a slice.
    static func accessUnits(annexB bytes: [UInt8]) -> [[[UInt8]]] {
        var units: [[[UInt8]]] = []
        var current: [[UInt8]] = []
        var hasSlice = false
        for nal in nalUnits(annexB: bytes) where !nal.isEmpty {
            let type = nal[0] & 0x1F
            let isSlice = type == 1 || type == 5
            let startsPicture = isSlice && nal.count > 1 && nal[1] & 0x80 != 0
            if hasSlice, (!isSlice && [6, 7, 8, 9].contains(type)) || startsPicture {
                units.append(current)
                current = []
                hasSlice = false
            }
            current.append(nal)
            if isSlice { hasSlice = true }
        }
        if !current.isEmpty { units.append(current) }
        return units
    }

    /// Opus packets (libopus, 20 ms) of a `frequency` Hz tone, taken from the
    /// WebM ffmpeg writes with `MatroskaScan`.
    static func opusPackets(in directory: URL, seconds: Double, frequency: Int = 440) async throws -> [[UInt8]] {
        let file = directory.appendingPathComponent("source.webm")
        try await Tool.ffmpeg(["-f", "lavfi", "-i", "sine=frequency=\(frequency):sample_rate=48000", "-t", String(seconds),
                         "-c:a", "libopus", "-b:a", "48k", "-frame_duration", "20", "-f", "webm", file.path])
        let bytes = try fileBytes(file)
        return try bytes.withUnsafeBytes { raw in
            let scan = try MatroskaScan(scanning: raw, keepBlocks: true)
            return scan.blocks.map { Array(raw[$0.data]) }
        }
    }
}
