import Foundation

/// How the recording service works on this server (from `[recording]`).
public struct RecordingSettings: Sendable {
    /// Where recordings live, one directory each.
    public var directory: URL
    public var ffmpeg: String
    public var font: String
    /// Composite jobs at once.
    public var compositeJobs: Int
    /// Threads per ffmpeg job; 0 lets ffmpeg choose.
    public var compositeThreads: Int
    /// Meetings recorded at once; 0: no limit.
    public var maxRecordings: Int

    public init(directory: URL, ffmpeg: String = "/usr/bin/ffmpeg",
                font: String = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                compositeJobs: Int = 1, compositeThreads: Int = 2, maxRecordings: Int = 20) {
        self.directory = directory
        self.ffmpeg = ffmpeg
        self.font = font
        self.compositeJobs = compositeJobs
        self.compositeThreads = compositeThreads
        self.maxRecordings = maxRecordings
    }
}
