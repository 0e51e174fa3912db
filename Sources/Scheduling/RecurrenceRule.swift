import Foundation

/// How a meeting repeats: the subset of RFC 5545 §3.3.10 RECUR that Parley's
/// scheduler offers (daily, weekly on chosen weekdays, monthly by day or by
/// "2nd Tuesday"), plus an end by count or inclusive local date.
///
/// The first occurrence is always the series start (DTSTART, RFC 5545 §3.8.5.3), and
/// it counts toward `COUNT`.
public struct RecurrenceRule: Hashable, Sendable {
    /// RFC 5545 `FREQ`.
    public enum Frequency: String, Sendable {
        case daily = "DAILY", weekly = "WEEKLY", monthly = "MONTHLY"
    }

    /// Which day of the month a monthly rule repeats on.
    public enum MonthlyBy: String, Sendable {
        /// The start's day number (`BYMONTHDAY`); months without that day are
        /// skipped (RFC 5545 §3.3.10: invalid dates are ignored, not moved).
        case dayOfMonth
        /// The start's weekday and its ordinal in the month (`BYDAY=2TU`): ordinal
        /// `(day - 1) / 7 + 1`, and a 5th weekday becomes "last" (`-1`) so it never
        /// skips a month.
        case weekdayOfMonth
    }

    /// A day named explicitly by a parsed monthly rule (`BYMONTHDAY=15`,
    /// `BYDAY=2TU`, `BYDAY=-1FR`). Rules built in the app leave it nil and the day
    /// follows the series start; imported rules keep what they said, and
    /// `MeetingSeries.validate()` rejects a start that doesn't fall on it.
    public enum MonthlyAnchor: Hashable, Sendable {
        /// Day of the month, 1…31.
        case day(Int)
        /// The n-th (1…5) or last (-1) given weekday of the month.
        case weekday(ordinal: Int, Weekday)
    }

    /// How a series ends.
    public enum End: Hashable, Sendable {
        case never
        /// Total number of slots, including the first and any cancelled ones.
        case count(Int)
        /// Last day (inclusive) on which a slot may start, in the series' zone.
        case until(LocalDate)
    }

    public var frequency: Frequency
    /// Every n-th day/week/month, 1…99. Weeks are counted from the start's week,
    /// which begins on Monday (`WKST=MO`).
    public var interval: Int
    /// Weekly only: the days of the week. Empty means the start's weekday.
    public var byWeekday: [Weekday]
    /// Monthly only: by day number or by weekday ordinal.
    public var monthlyBy: MonthlyBy
    /// Monthly only: an explicit day from a parsed rule; nil derives it from the start.
    public var monthlyAnchor: MonthlyAnchor?
    public var end: End

    /// The range `validate()` accepts for `interval`.
    public static let intervalRange = 1...99
    /// The range `validate()` accepts for `COUNT`.
    public static let countRange = 1...1000

    /// Creates a rule. Nothing is checked here; see `MeetingSeries.validate()`.
    public init(
        frequency: Frequency,
        interval: Int = 1,
        byWeekday: [Weekday] = [],
        monthlyBy: MonthlyBy = .dayOfMonth,
        end: End = .never,
        monthlyAnchor: MonthlyAnchor? = nil
    ) {
        self.frequency = frequency
        self.interval = interval
        self.byWeekday = byWeekday
        self.monthlyBy = monthlyBy
        self.end = end
        self.monthlyAnchor = monthlyAnchor
    }

    /// The monthly day actually used for a series starting at `start`: the explicit
    /// anchor if it matches `monthlyBy`, otherwise the one derived from the start.
    func effectiveMonthlyAnchor(start: LocalDateTime) -> MonthlyAnchor {
        switch (monthlyBy, monthlyAnchor) {
        case (.dayOfMonth, .day(let day)?):
            return .day(day)
        case (.weekdayOfMonth, .weekday(let ordinal, let weekday)?):
            return .weekday(ordinal: ordinal, weekday)
        case (.dayOfMonth, _):
            return .day(start.day)
        case (.weekdayOfMonth, _):
            let day = min(max(start.day, 1), 31) // unvalidated fields must not overflow
            let ordinal = (day - 1) / 7 + 1
            return .weekday(ordinal: ordinal >= 5 ? -1 : ordinal, start.weekday)
        }
    }

    /// The weekly weekdays as sorted, distinct Monday-based indexes (0…6); the
    /// start's weekday when none are chosen.
    func weekdayIndexes(start: LocalDateTime) -> [Int] {
        let chosen = byWeekday.isEmpty ? [start.weekday] : byWeekday
        return Array(Set(chosen.map(\.index))).sorted()
    }

    /// The RRULE value for a series starting at `start` in `zone`, e.g.
    /// "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131T225959Z".
    ///
    /// `INTERVAL` is omitted when 1; monthly rules always name their day
    /// (`BYMONTHDAY` or `BYDAY` with an ordinal) so calendar apps need not infer it.
    /// `UNTIL` is written in UTC as RFC 5545 §3.3.10 requires when DTSTART has a
    /// TZID: the last second of the until-day in `zone`.
    public func rruleValue(start: LocalDateTime, zone: TimeZone) -> String {
        var parts = ["FREQ=\(frequency.rawValue)"]
        if interval != 1 { parts.append("INTERVAL=\(interval)") }
        switch frequency {
        case .daily:
            break
        case .weekly:
            if !byWeekday.isEmpty {
                let days = Array(Set(byWeekday.map(\.index))).sorted().map { Weekday(index: $0).rawValue }
                parts.append("BYDAY=" + days.joined(separator: ","))
            }
        case .monthly:
            switch effectiveMonthlyAnchor(start: start) {
            case .day(let day):
                parts.append("BYMONTHDAY=\(day)")
            case .weekday(let ordinal, let weekday):
                parts.append("BYDAY=\(ordinal)\(weekday.rawValue)")
            }
        }
        switch end {
        case .never:
            break
        case .count(let count):
            parts.append("COUNT=\(count)")
        case .until(let date):
            parts.append("UNTIL=" + RecurrenceRule.utcEndOfDay(date, in: zone))
        }
        return parts.joined(separator: ";")
    }

    /// "20270131T225959Z" for the last second of `date` in `zone` (one second before
    /// the next day's midnight, which also handles zones whose day is 23 or 25 hours).
    static func utcEndOfDay(_ date: LocalDate, in zone: TimeZone) -> String {
        let nextMidnight = LocalDateTime(LocalDate(dayNumber: date.dayNumber + 1))
        let last = LocalDateTime.instant(wallSeconds: nextMidnight.wallSeconds, in: zone) - 1
        return LocalDateTime(wallSeconds: last).basicFormat + "Z"
    }
}
