import Synchronization

/// The last percent reported, shared with ffmpeg's progress callback.
final class LastPercent: Sendable {
    private let value = Atomic<Int>(-1)

    /// True when `percent` is new (so it is worth a store write).
    func advance(to percent: Int) -> Bool {
        value.max(percent, ordering: .relaxed).oldValue < percent
    }
}
