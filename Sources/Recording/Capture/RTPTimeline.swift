import RTP

/// Maps a track's RTP timestamps to seconds on the recording timeline.
///
/// The first frame (the earliest arrival of its packets) anchors the mapping at
/// its arrival; later frames are placed
/// by their timestamp distance from the anchor (32-bit timestamps unwrapped,
/// RFC 3550 §5.1). When the result strays from a frame's arrival by more than
/// `maximumDrift` (the sender paused without advancing timestamps, jumped
/// them, or restarted) the frame re-anchors at its arrival. Times never go
/// backwards.
public struct RTPTimeline: Sendable {
    public let clockRate: Int
    public let maximumDrift: Double
    private var unwrapper = TimestampUnwrapper()
    private var anchor: (timestamp: Int64, time: Double)?
    private var last: Double?
    /// How many times the mapping was re-anchored after the first.
    public private(set) var reanchors = 0

    public init(clockRate: Int, maximumDrift: Double = 1.0) {
        self.clockRate = max(clockRate, 1)
        self.maximumDrift = maximumDrift
    }

    /// The timeline time of a frame with `timestamp` that arrived at `arrival` (seconds).
    public mutating func time(rtpTimestamp timestamp: UInt32, arrival: Double) -> Double {
        let extended = unwrapper.unwrap(timestamp)
        var time: Double
        if let anchor {
            time = anchor.time + Double(extended - anchor.timestamp) / Double(clockRate)
            if !(abs(time - arrival) <= maximumDrift) {
                self.anchor = (extended, arrival)
                time = arrival
                reanchors += 1
            }
        } else {
            anchor = (extended, arrival)
            time = arrival
        }
        if let last, time < last { time = last }
        last = time
        return time
    }

    /// Forgets the anchor and the timestamp history (a new RTP stream, e.g. a
    /// new SSRC); the next frame anchors afresh, still not before the last time.
    public mutating func restart() {
        unwrapper = TimestampUnwrapper()
        anchor = nil
    }
}
