/// A calendar date without a zone, written "YYYY-MM-DD".
///
/// Used for the inclusive `UNTIL` day of a series, which is a day in the series'
/// own time zone rather than an instant.
public struct LocalDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    public var year: Int
    public var month: Int
    public var day: Int

    /// Years accepted by the parsers: wide enough for any meeting, narrow enough
    /// that a typo like 20226 is caught instead of scheduled.
    public static let supportedYears = 1900...2200

    /// Creates a date from its fields; call `validate`-style checks via parsing or
    /// `MeetingSeries.validate()` when the fields come from users.
    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// Parses "YYYY-MM-DD" strictly: ASCII digits, a real calendar day, year 1900…2200.
    public init(parsing text: String) throws(SchedulingError) {
        var scanner = ASCIIScanner(text)
        guard let year = scanner.digits(4), scanner.skip(UInt8(ascii: "-")),
              let month = scanner.digits(2), scanner.skip(UInt8(ascii: "-")),
              let day = scanner.digits(2), scanner.isAtEnd
        else {
            throw SchedulingError(message: "Expected a date like 2026-12-01, got \(SchedulingError.quote(text)).")
        }
        self.init(year: year, month: month, day: day)
        if let problem = fieldProblem {
            throw SchedulingError(message: "\(SchedulingError.quote(text)) is not a valid date: \(problem).")
        }
    }

    /// "2026-12-01".
    public var description: String {
        "\(CivilDate.pad(year, 4))-\(CivilDate.pad(month, 2))-\(CivilDate.pad(day, 2))"
    }

    /// The day of the week this date falls on.
    public var weekday: Weekday {
        Weekday(index: CivilDate.weekdayIndex(dayNumber: dayNumber))
    }

    public static func < (lhs: LocalDate, rhs: LocalDate) -> Bool {
        (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
    }

    /// Why the fields don't name a real day in the supported years, or nil if they do.
    var fieldProblem: String? {
        if !LocalDate.supportedYears.contains(year) {
            return "the year must be between \(LocalDate.supportedYears.lowerBound) and \(LocalDate.supportedYears.upperBound)"
        }
        if !(1...12).contains(month) { return "the month must be between 01 and 12" }
        let length = CivilDate.daysInMonth(year: year, month: month)
        if !(1...length).contains(day) {
            return "that month has \(length) days"
        }
        return nil
    }

    /// Days since 1970-01-01. Fields are clamped first so that unvalidated values
    /// (the properties are public and mutable) can never overflow.
    var dayNumber: Int {
        let y = min(max(year, 1), 9999)
        let m = min(max(month, 1), 12)
        let d = min(max(day, 1), 31)
        return CivilDate.dayNumber(year: y, month: m, day: d)
    }

    /// The date `dayNumber` days after 1970-01-01.
    init(dayNumber: Int) {
        let c = CivilDate.civil(dayNumber: dayNumber)
        self.init(year: c.year, month: c.month, day: c.day)
    }

    /// "20261201", the RFC 5545 §3.3.4 DATE form.
    var basicFormat: String {
        "\(CivilDate.pad(year, 4))\(CivilDate.pad(month, 2))\(CivilDate.pad(day, 2))"
    }
}
