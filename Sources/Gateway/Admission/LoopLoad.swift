import NIOCore

/// How hard the gateway's loop works, measured on its own 20 ms clock: how
/// late the ticks fire (smoothed) and what share of one core the loop's
/// thread uses. `CallAdmission` reads it before a new call is answered;
/// /metrics shows it. A plain value fed once per tick, so tests drive it
/// with made-up figures.
///
/// The two figures see different trouble. The CPU share is the loop's own
/// work (every call's decode, encode, mix and RTP), a leading sign: it
/// rises with each call before any frame is late. Lateness is what the
/// calls feel: it also rises when the machine does not give the loop its
/// time (other processes on the same cores), which the CPU share cannot see.
struct LoopLoad: Sendable {
    /// The tick's lateness, smoothed (1/16 of each new tick: about 320 ms of memory).
    private(set) var lateness: TimeAmount = .zero
    /// Share of one core the loop's thread used (0...1), over 250 ms windows:
    /// a rise counts at once, a fall by halves (admission must see the
    /// worst, not an average that hides it).
    private(set) var busy: Double = 0
    /// The most calls the loop carried while `busy` was measured.
    private(set) var calls = 0
    /// The worst single tick since the last `takePeak()` (for /metrics).
    private var peak: TimeAmount = .zero

    private var windowStart: NIODeadline?
    private var windowCPU: TimeAmount = .zero
    private var windowCalls = 0
    private var smoothedLateness: Double = 0

    /// How long the CPU share is measured over.
    static let window: TimeAmount = .milliseconds(250)

    init() {}

    /// One tick: it fired `lateness` after its deadline, at `now`; the loop's
    /// thread has used `threadCPU` in all (a clock that only goes up) and
    /// carries `calls` calls.
    mutating func tick(lateness: TimeAmount, threadCPU: TimeAmount, now: NIODeadline, calls: Int) {
        let late = max(lateness, .zero)
        smoothedLateness += (Double(late.nanoseconds) - smoothedLateness) / 16
        self.lateness = .nanoseconds(Int64(smoothedLateness))
        peak = max(peak, late)
        windowCalls = max(windowCalls, calls)
        guard let start = windowStart else {
            windowStart = now
            windowCPU = threadCPU
            return
        }
        let elapsed = now - start
        guard elapsed >= Self.window else { return }
        let share = min(1, max(0, Double((threadCPU - windowCPU).nanoseconds) / Double(elapsed.nanoseconds)))
        busy = share >= busy ? share : (busy + share) / 2
        self.calls = windowCalls
        windowStart = now
        windowCPU = threadCPU
        windowCalls = calls
    }

    /// The worst tick lateness since the last call, and starts afresh.
    mutating func takePeak() -> TimeAmount {
        defer { peak = .zero }
        return peak
    }
}
