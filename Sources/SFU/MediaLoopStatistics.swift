import Synchronization

/// One media loop's load and work, for /metrics.
public struct MediaLoopStatistics: Sendable, Equatable {
    /// The loop's index ("media-<index>" in logs).
    public var index: Int
    /// CPU seconds the loop's thread has used.
    public var cpuSeconds: Double
    /// How late the loop's latest 20 ms tick ran, in seconds.
    public var tickLatenessSeconds: Double
    /// The worst tick lateness since the previous reading, in seconds.
    public var worstTickLatenessSeconds: Double
    /// The loop's CPU share over the last second, 0...1.
    public var busyShare: Double
    /// Rooms, transports, packets of this loop.
    public var statistics: MediaStatistics

    init(index: Int, load: MediaLoopLoad, statistics: MediaStatistics) {
        self.index = index
        self.cpuSeconds = Double(load.cpuMicroseconds.load(ordering: .relaxed)) / 1e6
        self.tickLatenessSeconds = Double(load.tickLatenessMicroseconds.load(ordering: .relaxed)) / 1e6
        self.worstTickLatenessSeconds = Double(load.worstTickLatenessMicroseconds.exchange(0, ordering: .relaxed)) / 1e6
        self.busyShare = load.busyShare
        self.statistics = statistics
    }
}
