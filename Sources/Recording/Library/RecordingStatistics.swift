/// What the recording service is doing, for `/metrics`.
public struct RecordingStatistics: Sendable, Equatable {
    /// Meetings being captured now.
    public var capturing = 0
    /// Composites waiting for a free job slot, and running.
    public var compositesWaiting = 0
    public var compositesRunning = 0
    /// Composites finished since start, by outcome.
    public var compositesReady = 0
    public var compositesFailed = 0
    /// Seconds spent compositing and seconds of meeting composited, since start
    /// (their ratio is how fast this machine composites).
    public var compositeSeconds = 0.0
    public var compositedMeetingSeconds = 0.0
}
