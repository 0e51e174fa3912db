import Foundation

/// Per-source INVITE limit: SIP scanners try thousands of numbers a minute
/// from one address; a person redialling does not. A sliding one-minute
/// window per source IP, pruned as it goes so scanners cannot grow it
/// without bound.
struct InviteRateLimiter {
    let perMinute: Int
    private var windows: [String: [Date]] = [:]
    /// Most sources remembered; the oldest are forgotten first.
    static let maximumSources = 10_000

    init(perMinute: Int) { self.perMinute = perMinute }

    /// Counts an INVITE from `source`; false when over the limit.
    mutating func allow(source: String, now: Date = Date()) -> Bool {
        let start = now.addingTimeInterval(-60)
        var times = windows[source, default: []].filter { $0 > start }
        guard times.count < perMinute else {
            windows[source] = times
            return false
        }
        times.append(now)
        windows[source] = times
        if windows.count > Self.maximumSources {
            windows = windows.filter { $0.value.last.map { $0 > start } ?? false }
        }
        return true
    }
}
