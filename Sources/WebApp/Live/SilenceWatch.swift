import Synchronization

/// When a socket last heard from its client, and a wait that returns once
/// it has been silent too long (or is cancelled).
final class SilenceWatch: Sendable {
    private static let origin = ContinuousClock.now
    /// Milliseconds since `origin` at the last message.
    private let last = Atomic<Int64>(SilenceWatch.now())

    private static func now() -> Int64 {
        let d = origin.duration(to: .now).components
        return d.seconds * 1000 + d.attoseconds / 1_000_000_000_000_000
    }

    func touch() { last.store(Self.now(), ordering: .relaxed) }

    /// Returns once nothing was heard for `limit`, or when cancelled.
    func untilSilent(for limit: Duration) async {
        let c = limit.components
        let limitMS = c.seconds * 1000 + c.attoseconds / 1_000_000_000_000_000
        while !Task.isCancelled {
            let quiet = Self.now() - last.load(ordering: .relaxed)
            if quiet >= limitMS { return }
            try? await Task.sleep(for: .milliseconds(min(limitMS - quiet + 50, 5_000)))
        }
    }
}
