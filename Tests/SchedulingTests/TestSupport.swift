import Foundation
import Testing
@testable import Scheduling

let berlin = TimeZone(identifier: "Europe/Berlin")!
let newYork = TimeZone(identifier: "America/New_York")!
let tokyo = TimeZone(identifier: "Asia/Tokyo")!
let utcZone = TimeZone(identifier: "UTC")!

/// A wall time from "YYYY-MM-DDTHH:MM[:SS]"; test literals are known-good.
func local(_ text: String) -> LocalDateTime {
    do { return try LocalDateTime(parsing: text) } catch {
        Issue.record("bad test literal \(text): \(error)")
        return LocalDateTime(year: 2000, month: 1, day: 1)
    }
}

/// An instant from a UTC wall time "YYYY-MM-DDTHH:MM[:SS]".
func utc(_ text: String) -> Date {
    local(text).resolved(in: utcZone)
}

/// Instants as UTC wall times, for readable comparisons.
func utcStrings(_ dates: [Date]) -> [String] {
    dates.map { LocalDateTime($0, in: utcZone).description }
}

/// Instants as wall times in `zone`.
func localStrings(_ dates: [Date], in zone: TimeZone) -> [String] {
    dates.map { LocalDateTime($0, in: zone).description }
}

/// A deterministic generator for fuzz-style tests (xorshift64*), so failures replay.
struct TestRandom {
    var state: UInt64

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 2_685_821_657_736_338_717
    }

    mutating func below(_ n: Int) -> Int {
        Int(next() % UInt64(n))
    }
}

/// Every slot of a bounded series (all years it could reach).
func allSlots(_ series: MeetingSeries) -> [Date] {
    series.slots(from: utc("1990-01-01T00:00"), to: utc("2100-01-01T00:00"))
}
