import Foundation

extension LocalDateTime {
    /// The instant this wall time names in `zone`, following RFC 5545 §3.3.5:
    ///
    /// - a time that doesn't exist (in a spring-forward gap) is read with the UTC
    ///   offset from before the gap, so it moves later by the gap's length
    ///   (02:30 on a US change day becomes 03:30 daylight time);
    /// - a time that occurs twice (fall-back) means the first, earlier instant.
    ///
    /// Out-of-range fields are clamped rather than trapping; validate first.
    public func resolved(in zone: TimeZone) -> Date {
        Date(timeIntervalSince1970: TimeInterval(LocalDateTime.instant(wallSeconds: wallSeconds, in: zone)))
    }

    /// The wall time in `zone` at `date`, truncated to whole seconds. Instants
    /// outside years 1…9999 (or not finite) are clamped into that range.
    /// The wall time of `date` in UTC, without a time-zone lookup.
    public init(utc date: Date) {
        self.init(wallSeconds: LocalDateTime.epochSeconds(date))
    }

    public init(_ date: Date, in zone: TimeZone) {
        let seconds = LocalDateTime.epochSeconds(date)
        let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(seconds)))
        self.init(wallSeconds: seconds + offset)
    }

    /// Whole seconds since 1970 for `date`, clamped to 0001-01-01 … 9999-12-31 so the
    /// Double → Int conversion can never trap.
    static func epochSeconds(_ date: Date) -> Int {
        let lower = Double(CivilDate.minimumDayNumber * CivilDate.secondsPerDay)
        let upper = Double((CivilDate.maximumDayNumber + 1) * CivilDate.secondsPerDay - 1)
        let t = date.timeIntervalSince1970
        guard t.isFinite else { return t > 0 ? Int(upper) : Int(lower) }
        return Int(min(max(t.rounded(.down), lower), upper))
    }

    /// UTC epoch seconds for a wall time (as seconds since 1970 "in wall time").
    ///
    /// The offsets a day either side bracket any transition affecting this wall time
    /// (offsets are within ±26 h), so the instant is `wall - offset` for whichever
    /// of those two offsets is actually in force then.
    static func instant(wallSeconds wall: Int, in zone: TimeZone) -> Int {
        func offset(_ t: Int) -> Int {
            zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(t)))
        }
        let before = offset(wall - CivilDate.secondsPerDay)
        let after = offset(wall + CivilDate.secondsPerDay)
        if before == after {
            // No change nearby (the common case). Check anyway, for zones with two
            // changes within two days.
            let guess = wall - before
            if offset(guess) == before { return guess }
        }
        var candidates: [Int] = []
        for o in [before, after] where offset(wall - o) == o {
            candidates.append(wall - o)
        }
        // Ambiguous: the earlier instant. Missing: the offset from before the gap.
        return candidates.min() ?? (wall - before)
    }
}
