/// What a track file holds, as read back from disk: the timeline span of
/// its blocks and the frame size of a video track.
public struct TrackExtent: Sendable, Equatable {
    /// First and last block timestamps, seconds on the recording's timeline.
    public var start: Double
    public var end: Double
    public var width: Int
    public var height: Int

    public init(start: Double, end: Double, width: Int = 0, height: Int = 0) {
        self.start = start
        self.end = end
        self.width = width
        self.height = height
    }
}
