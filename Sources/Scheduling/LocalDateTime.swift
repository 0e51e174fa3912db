/// A wall-clock date and time without a zone: "YYYY-MM-DDTHH:MM" or
/// "YYYY-MM-DDTHH:MM:SS".
///
/// Series are defined and expanded in wall time in their own zone (RFC 5545 §3.3.5
/// "date with local time and time zone reference"), so a weekly 09:00 meeting stays
/// at 09:00 across daylight-saving changes. Convert to an instant with
/// `resolved(in:)`.
public struct LocalDateTime: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int
    public var hour: Int
    public var minute: Int
    public var second: Int

    /// Creates a wall-clock time from its fields (not checked; see `init(parsing:)`
    /// and `MeetingSeries.validate()`).
    public init(year: Int, month: Int, day: Int, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.year = year
        self.month = month
        self.day = day
        self.hour = hour
        self.minute = minute
        self.second = second
    }

    /// The given date at a time of day.
    public init(_ date: LocalDate, hour: Int = 0, minute: Int = 0, second: Int = 0) {
        self.init(year: date.year, month: date.month, day: date.day, hour: hour, minute: minute, second: second)
    }

    /// Parses "YYYY-MM-DDTHH:MM" or "YYYY-MM-DDTHH:MM:SS" strictly: ASCII digits, a
    /// capital `T`, a real calendar day (no February 30), hour 00…23, minute and
    /// second 00…59, year 1900…2200. Anything else throws.
    public init(parsing text: String) throws(SchedulingError) {
        var scanner = ASCIIScanner(text)
        guard let year = scanner.digits(4), scanner.skip(UInt8(ascii: "-")),
              let month = scanner.digits(2), scanner.skip(UInt8(ascii: "-")),
              let day = scanner.digits(2), scanner.skip(UInt8(ascii: "T")),
              let hour = scanner.digits(2), scanner.skip(UInt8(ascii: ":")),
              let minute = scanner.digits(2)
        else {
            throw LocalDateTime.formatError(text)
        }
        var second = 0
        if scanner.skip(UInt8(ascii: ":")) {
            guard let s = scanner.digits(2) else { throw LocalDateTime.formatError(text) }
            second = s
        }
        guard scanner.isAtEnd else { throw LocalDateTime.formatError(text) }
        self.init(year: year, month: month, day: day, hour: hour, minute: minute, second: second)
        if let problem = fieldProblem {
            throw SchedulingError(message: "\(SchedulingError.quote(text)) is not a valid date and time: \(problem).")
        }
    }

    private static func formatError(_ text: String) -> SchedulingError {
        SchedulingError(message: "Expected a date and time like 2026-12-01T09:00, got \(SchedulingError.quote(text)).")
    }

    /// "2026-12-01T09:00", with ":SS" only when the second is not zero.
    public var description: String {
        var text = "\(date)T\(CivilDate.pad(hour, 2)):\(CivilDate.pad(minute, 2))"
        if second != 0 { text += ":\(CivilDate.pad(second, 2))" }
        return text
    }

    /// The calendar day part.
    public var date: LocalDate {
        LocalDate(year: year, month: month, day: day)
    }

    /// The day of the week.
    public var weekday: Weekday { date.weekday }

    public static func < (lhs: LocalDateTime, rhs: LocalDateTime) -> Bool {
        if lhs.date != rhs.date { return lhs.date < rhs.date }
        return (lhs.hour, lhs.minute, lhs.second) < (rhs.hour, rhs.minute, rhs.second)
    }

    /// Why the fields don't name a real wall-clock time, or nil if they do.
    var fieldProblem: String? {
        if let problem = date.fieldProblem { return problem }
        if !(0...23).contains(hour) { return "the hour must be between 00 and 23" }
        if !(0...59).contains(minute) { return "the minute must be between 00 and 59" }
        if !(0...59).contains(second) { return "the second must be between 00 and 59" }
        return nil
    }

    /// Seconds since midnight, clamped into one day so unvalidated fields can't overflow.
    var secondOfDay: Int {
        min(max(hour, 0), 23) * 3600 + min(max(minute, 0), 59) * 60 + min(max(second, 0), 59)
    }

    /// Seconds since 1970-01-01T00:00 as if this wall time were UTC.
    var wallSeconds: Int {
        date.dayNumber * CivilDate.secondsPerDay + secondOfDay
    }

    /// The wall time `seconds` after 1970-01-01T00:00.
    init(wallSeconds seconds: Int) {
        let day = CivilDate.floorDiv(seconds, CivilDate.secondsPerDay)
        let rest = seconds - day * CivilDate.secondsPerDay
        self.init(LocalDate(dayNumber: day), hour: rest / 3600, minute: rest % 3600 / 60, second: rest % 60)
    }

    /// "20261201T090000", the RFC 5545 §3.3.5 local DATE-TIME form.
    var basicFormat: String {
        "\(date.basicFormat)T\(CivilDate.pad(hour, 2))\(CivilDate.pad(minute, 2))\(CivilDate.pad(second, 2))"
    }
}
