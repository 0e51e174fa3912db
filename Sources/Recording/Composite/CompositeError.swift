import Foundation

/// Why a composite could not be built or run.
public enum CompositeError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The manifest's duration is not a positive, finite number of seconds.
    case invalidDuration(Double)
    /// A track's `file` is absolute or climbs out of the recording directory.
    case invalidTrackPath(trackID: String, file: String)
    /// A track file the composite needs does not exist.
    case missingTrackFile(trackID: String, path: String)
    /// Writing the work files (filter script, names) or renaming the output failed.
    case fileSystem(operation: String, path: String, reason: String)
    /// ffmpeg could not be started.
    case launchFailed(executable: String, reason: String)
    /// ffmpeg ran and failed: its exit status (or terminating signal) and the
    /// last lines it wrote to stderr.
    case ffmpegFailed(status: Int32, stderrTail: [String])

    public var description: String {
        switch self {
        case .invalidDuration(let duration):
            "recording duration \(duration) s is not a positive number of seconds"
        case .invalidTrackPath(let trackID, let file):
            "track \(trackID): file path \"\(file)\" is not inside the recording directory"
        case .missingTrackFile(let trackID, let path):
            "track \(trackID): file \(path) does not exist"
        case .fileSystem(let operation, let path, let reason):
            "could not \(operation) \(path): \(reason)"
        case .launchFailed(let executable, let reason):
            "could not start \(executable): \(reason)"
        case .ffmpegFailed(let status, let tail):
            "ffmpeg failed with exit status \(status)" + (tail.isEmpty ? "" : ":\n" + tail.joined(separator: "\n"))
        }
    }
}
