/// Where a recording stands. The raw values are the strings the
/// `recordings.status` column has always held and the API shows (no migration).
public enum RecordingStatus: String, Codable, Sendable, CaseIterable {
    /// Capturing tracks while the meeting runs.
    case recording
    /// Stopped; waiting for the compositor.
    case queued
    /// Being composited into one MP4.
    case processing
    /// The MP4 is there to watch and download.
    case ready
    /// Compositing failed (`error` says why).
    case failed
}
