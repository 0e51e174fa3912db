import Foundation

/// One clock for the whole generator: monotonic seconds since the run began,
/// which is also the abs-send-time clock, so a receiver in this process can
/// read a one-way delay straight from a packet.
public struct LoadClock: Sendable {
    public let start: ContinuousClock.Instant

    public init(start: ContinuousClock.Instant = .now) {
        self.start = start
    }

    public func seconds(_ instant: ContinuousClock.Instant = .now) -> Double {
        let d = start.duration(to: instant)
        return Double(d.components.seconds) + Double(d.components.attoseconds) * 1e-18
    }

    /// Wall-clock time as a 64-bit NTP timestamp (RFC 3550 §4) for sender reports.
    public static func ntpNow() -> UInt64 {
        let since1900 = Date().timeIntervalSince1970 + 2_208_988_800
        let seconds = UInt64(since1900)
        let fraction = UInt64((since1900 - Double(seconds)) * 4_294_967_296)
        return seconds << 32 | fraction
    }
}
