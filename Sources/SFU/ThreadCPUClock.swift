#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import NIOCore

/// CPU time the calling thread has used (`CLOCK_THREAD_CPUTIME_ID`,
/// POSIX.1-2008). Read on an event loop (a media loop, the gateway's), it is
/// the loop's own work: time spent waiting for a core does not count.
public enum ThreadCPUClock {
    /// The calling thread's CPU time so far.
    public static func now() -> TimeAmount {
        var spec = timespec()
        guard clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec) == 0 else { return .zero }
        return .nanoseconds(Int64(spec.tv_sec) * 1_000_000_000 + Int64(spec.tv_nsec))
    }
}
