import Foundation
import Synchronization

/// Composites one recording into an MP4 by running ffmpeg: lays it out,
/// writes the filter script and names to a private work directory, runs
/// ffmpeg at a lower CPU priority, reports progress, and moves the finished
/// file into place in one `rename`, so a reader sees either nothing or the
/// whole file.
public struct CompositeJob: Sendable {
    /// Where the tools are and how hard the job may work.
    public struct Configuration: Sendable {
        public var ffmpegPath = "/usr/bin/ffmpeg"
        /// `nice` runs ffmpeg at `niceness` so a busy server stays responsive; nil runs it directly.
        public var nicePath: String? = "/usr/bin/nice"
        public var niceness = 10
        /// Encoder settings, including the ffmpeg thread cap.
        public var encoding = CompositeCommand.Encoding()
        public var fontFile = CompositeCommand.defaultFontFile
        public var cjkFontFile = CompositeCommand.defaultCJKFontFile
        /// Parent of the job's work directory (filter script, name files), removed afterwards.
        public var workDirectoryParent = FileManager.default.temporaryDirectory

        public init() {}
    }

    public var manifest: RecordingManifest
    /// The directory the manifest's track paths are relative to.
    public var recordingDirectory: URL
    /// The finished MP4.
    public var output: URL
    public var configuration: Configuration

    public init(manifest: RecordingManifest, recordingDirectory: URL, output: URL,
                configuration: Configuration = Configuration()) {
        self.manifest = manifest
        self.recordingDirectory = recordingDirectory
        self.output = output
        self.configuration = configuration
    }

    /// Where ffmpeg writes until it has finished: `output.mp4` → `output.partial.mp4`,
    /// next to the output so the final rename stays on one file system.
    public var partialOutput: URL {
        let directory = output.deletingLastPathComponent()
        let base = output.deletingPathExtension().lastPathComponent
        return directory.appendingPathComponent("\(base).partial.mp4")
    }

    /// Runs the composite.
    ///
    /// `progress` receives fractions of the duration from 0 to 1 on a
    /// background thread; they only grow, and 1 comes once the output is in place.
    ///
    /// - Throws: ``CompositeError`` (with ffmpeg's exit status and the last
    ///   lines of its stderr when ffmpeg fails), or `CancellationError` when
    ///   the task is cancelled: ffmpeg is terminated and has exited, and no
    ///   partial file is left, before this returns.
    public func run(progress: @escaping @Sendable (Double) -> Void = { _ in }) async throws {
        let layout = CompositeLayout(manifest: manifest)
        let workDirectory = configuration.workDirectoryParent
            .appendingPathComponent("parley-composite-\(UUID().uuidString)", isDirectory: true)
        let partial = partialOutput
        let command = try CompositeCommand(
            manifest: manifest, layout: layout, recordingDirectory: recordingDirectory,
            workDirectory: workDirectory, output: partial,
            fontFile: configuration.fontFile, cjkFontFile: configuration.cjkFontFile, encoding: configuration.encoding
        )
        for input in command.inputs where !FileManager.default.fileExists(atPath: input.url.path) {
            throw CompositeError.missingTrackFile(trackID: input.trackID, path: input.url.path)
        }

        do {
            try FileManager.default.createDirectory(at: workDirectory, withIntermediateDirectories: true)
        } catch {
            throw CompositeError.fileSystem(operation: "create", path: workDirectory.path, reason: "\(error)")
        }
        defer { try? FileManager.default.removeItem(at: workDirectory) }
        try command.writeWorkFiles()

        var executable = configuration.ffmpegPath
        var arguments = command.arguments
        if let nice = configuration.nicePath {
            arguments = ["-n", String(configuration.niceness), executable] + arguments
            executable = nice
        }

        let tracker = Mutex(FFmpegProgress(duration: manifest.duration))
        let child = ChildProcess(executable: executable, arguments: arguments) { line in
            // Lines arrive on one reader thread, in order; the lock makes the parser Sendable.
            if let fraction = tracker.withLock({ $0.consume(line: line) }) {
                progress(fraction)
            }
        }
        let result: ChildProcess.Result
        do {
            result = try await child.run()
        } catch {
            try? FileManager.default.removeItem(at: partial)
            throw error
        }
        guard result.status == 0 else {
            try? FileManager.default.removeItem(at: partial)
            throw CompositeError.ffmpegFailed(status: result.status, stderrTail: result.stderrTail)
        }
        // rename(2) replaces any old output atomically.
        guard rename(partial.path, output.path) == 0 else {
            let reason = String(cString: strerror(errno))
            try? FileManager.default.removeItem(at: partial)
            throw CompositeError.fileSystem(operation: "rename to \(output.path)", path: partial.path, reason: reason)
        }
        progress(1)
    }
}
