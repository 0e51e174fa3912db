import Foundation

/// How the recording service works on this server (from `[recording]`).
public struct RecordingSettings: Sendable {
    /// Where recordings live, one directory each.
    public var directory: URL
    public var ffmpeg: String
    public var font: String
    /// The font for names in Chinese, Japanese or Korean.
    public var cjkFont: String
    /// Composite jobs at once.
    public var compositeJobs: Int
    /// Threads per ffmpeg job; 0 lets ffmpeg choose.
    public var compositeThreads: Int
    /// Meetings recorded at once; 0: no limit.
    public var maxRecordings: Int
    /// Free bytes the recording directory must keep for a recording to
    /// start; 0: no check.
    public var minFreeBytes: Int64
    /// Below this many free bytes a running recording stops by itself (and
    /// is finished from what it wrote); 0: never. Half of `minFreeBytes`
    /// unless set.
    public var stopBelowFreeBytes: Int64

    public init(directory: URL, ffmpeg: String = "/usr/bin/ffmpeg",
                font: String = CompositeCommand.defaultFontFile,
                cjkFont: String = CompositeCommand.defaultCJKFontFile,
                compositeJobs: Int = 1, compositeThreads: Int = 2, maxRecordings: Int = 20,
                minFreeBytes: Int64 = 0, stopBelowFreeBytes: Int64? = nil) {
        self.directory = directory
        self.ffmpeg = ffmpeg
        self.font = font
        self.cjkFont = cjkFont
        self.compositeJobs = compositeJobs
        self.compositeThreads = compositeThreads
        self.maxRecordings = maxRecordings
        self.minFreeBytes = minFreeBytes
        self.stopBelowFreeBytes = stopBelowFreeBytes ?? minFreeBytes / 2
    }
}
