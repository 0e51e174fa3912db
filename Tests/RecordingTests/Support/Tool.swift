import Foundation

/// Runs ffmpeg and ffprobe (Debian's, in /usr/bin) for the tests.
enum Tool {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    struct Output {
        var status: Int32
        var stdout: Data
        var stderr: String
        var text: String { String(decoding: stdout, as: UTF8.self) }
    }

    /// Runs `/usr/bin/<name>` with `arguments`; output goes through files, so a
    /// chatty tool cannot block on a full pipe. The caller's task suspends
    /// until the tool exits: waiting with `waitUntilExit` would hold one of
    /// the test run's few cooperative threads (two on a 2-core machine) for
    /// the whole encode, and every timing-sensitive test in the process with it.
    static func run(_ name: String, _ arguments: [String]) async throws -> Output {
        let directory = FileManager.default.temporaryDirectory
        let outURL = directory.appendingPathComponent("tool-\(UUID().uuidString).out")
        let errURL = directory.appendingPathComponent("tool-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        let out = try FileHandle(forWritingTo: outURL)
        let err = try FileHandle(forWritingTo: errURL)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/\(name)")
        process.arguments = arguments
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            process.terminationHandler = { _ in continuation.resume() }
            do {
                try process.run()
            } catch {
                process.terminationHandler = nil
                continuation.resume(throwing: error)
            }
        }
        try out.close()
        try err.close()
        return Output(status: process.terminationStatus, stdout: try Data(contentsOf: outURL),
                      stderr: String(decoding: try Data(contentsOf: errURL), as: UTF8.self))
    }

    /// Runs ffmpeg quietly and throws with its messages if it fails.
    static func ffmpeg(_ arguments: [String]) async throws {
        let output = try await run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-y"] + arguments)
        guard output.status == 0 else {
            throw Failure(description: "ffmpeg \(arguments.joined(separator: " ")) failed: \(output.stderr)")
        }
    }

    /// ffprobe's JSON for `entries` (e.g. "stream=codec_name,width").
    static func probe(_ file: URL, entries: String, extra: [String] = []) async throws -> [String: Any] {
        let output = try await run("ffprobe", ["-v", "error"] + extra + ["-show_entries", entries, "-of", "json", file.path])
        guard output.status == 0,
              let json = try JSONSerialization.jsonObject(with: output.stdout) as? [String: Any] else {
            throw Failure(description: "ffprobe failed on \(file.lastPathComponent): \(output.stderr)")
        }
        return json
    }

    /// The streams of a file: codec, size, and (decoding every frame) the frame count.
    static func streams(_ file: URL) async throws -> [ProbedStream] {
        let json = try await probe(file, entries: "stream=codec_name,codec_type,width,height,nb_read_frames", extra: ["-count_frames"])
        let streams = json["streams"] as? [[String: Any]] ?? []
        return streams.map { stream in
            ProbedStream(codec: stream["codec_name"] as? String ?? "", type: stream["codec_type"] as? String ?? "",
                         width: stream["width"] as? Int ?? 0, height: stream["height"] as? Int ?? 0,
                         frames: Int(stream["nb_read_frames"] as? String ?? "") ?? -1)
        }
    }

    /// Packet timestamps (seconds) and keyframe flags of the first stream, in file order.
    static func packets(_ file: URL) async throws -> [(time: Double, keyframe: Bool)] {
        let json = try await probe(file, entries: "packet=pts_time,flags", extra: ["-select_streams", "0"])
        let packets = json["packets"] as? [[String: Any]] ?? []
        return packets.map { packet in
            (Double(packet["pts_time"] as? String ?? "") ?? .nan, (packet["flags"] as? String ?? "").hasPrefix("K"))
        }
    }

    /// Decodes the whole file; returns ffmpeg's error messages (empty when clean).
    static func decodeErrors(_ file: URL) async throws -> String {
        let output = try await run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file.path, "-f", "null", "-"])
        return output.status == 0 ? output.stderr : "exit \(output.status): \(output.stderr)"
    }

    /// The RGB colour at the centre of video frame `index` (decode order from 0).
    static func centrePixel(_ file: URL, frame index: Int, width: Int, height: Int) async throws -> (r: Int, g: Int, b: Int) {
        let output = try await run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file.path,
                                         "-vf", "select=eq(n\\,\(index))", "-frames:v", "1",
                                         "-f", "rawvideo", "-pix_fmt", "rgb24", "-"])
        let bytes = [UInt8](output.stdout)
        let offset = ((height / 2) * width + width / 2) * 3
        guard output.status == 0, bytes.count == width * height * 3, offset + 2 < bytes.count else {
            throw Failure(description: "no frame \(index) from \(file.lastPathComponent): \(output.stderr)")
        }
        return (Int(bytes[offset]), Int(bytes[offset + 1]), Int(bytes[offset + 2]))
    }

    /// The audio decoded to 48 kHz mono signed 16-bit samples.
    static func decodeAudio(_ file: URL) async throws -> [Int16] {
        let output = try await run("ffmpeg", ["-nostdin", "-hide_banner", "-loglevel", "error", "-i", file.path,
                                         "-ac", "1", "-ar", "48000", "-f", "s16le", "-"])
        guard output.status == 0 else { throw Failure(description: "audio decode failed: \(output.stderr)") }
        return output.stdout.withUnsafeBytes { raw in
            (0..<raw.count / 2).map { Int16(bitPattern: UInt16(raw[2 * $0]) | UInt16(raw[2 * $0 + 1]) << 8) }
        }
    }
}

struct ProbedStream: Equatable {
    var codec: String
    var type: String
    var width: Int
    var height: Int
    var frames: Int
}

/// The dominant frequency of a tone by counting zero crossings.
func toneFrequency(_ samples: ArraySlice<Int16>, sampleRate: Double = 48000) -> Double {
    var crossings = 0
    var previous = samples.first ?? 0
    for sample in samples.dropFirst() {
        if (previous < 0) != (sample < 0) { crossings += 1 }
        previous = sample
    }
    return Double(crossings) / 2 / (Double(samples.count) / sampleRate)
}
