import Foundation

/// Runs ffmpeg and ffprobe for the benchmark's media (not the composite:
/// that goes through `CompositeJob`, as the server runs it).
enum FFmpeg {
    struct Failure: Error, CustomStringConvertible {
        var message: String
        var description: String { message }
    }

    static let ffmpegPath = "/usr/bin/ffmpeg"
    static let ffprobePath = "/usr/bin/ffprobe"

    /// Runs ffmpeg quietly with `arguments`; throws with its stderr when it fails.
    static func run(_ arguments: [String]) throws {
        _ = try execute(ffmpegPath, ["-hide_banner", "-loglevel", "error", "-nostdin", "-y"] + arguments)
    }

    /// The container duration ffprobe reports, seconds.
    static func duration(of file: URL) throws -> Double {
        let out = try execute(ffprobePath, ["-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", file.path])
        guard let seconds = Double(out.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw Failure(message: "ffprobe gave no duration for \(file.lastPathComponent): \(out)")
        }
        return seconds
    }

    private static func execute(_ path: String, _ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        // stderr to a file and stdout through a pipe read to its end: neither can fill up and stall the child.
        let errFile = FileManager.default.temporaryDirectory.appendingPathComponent("recbench-\(UUID().uuidString).err")
        _ = FileManager.default.createFile(atPath: errFile.path, contents: nil)
        defer { try? FileManager.default.removeItem(at: errFile) }
        let out = Pipe()
        process.standardOutput = out
        process.standardError = try FileHandle(forWritingTo: errFile)
        try process.run()
        let output = out.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let errors = (try? Data(contentsOf: errFile)) ?? Data()
        guard process.terminationStatus == 0 else {
            throw Failure(message: "\(URL(fileURLWithPath: path).lastPathComponent) failed (\(process.terminationStatus)): "
                          + String(decoding: errors.suffix(2000), as: UTF8.self))
        }
        return String(decoding: output, as: UTF8.self)
    }
}
