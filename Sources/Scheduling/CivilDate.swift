/// Proleptic Gregorian calendar arithmetic on plain integers.
///
/// Expansion runs on day numbers rather than `Calendar`, which is slow on Linux and
/// allocates; these are Howard Hinnant's `days_from_civil` / `civil_from_days`
/// algorithms. Callers keep inputs within years 1…9999 so nothing can overflow.
enum CivilDate {
    /// Seconds in a civil day (ignoring leap seconds, as RFC 5545 §3.3.12 does).
    static let secondsPerDay = 86_400

    /// Days since 1970-01-01 for year/month/day (month 1…12).
    static func dayNumber(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let shiftedMonth = (month + 9) % 12 // March = 0, so leap day is last
        let dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }

    /// Year, month (1…12) and day for a count of days since 1970-01-01.
    static func civil(dayNumber: Int) -> (year: Int, month: Int, day: Int) {
        let z = dayNumber + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let dayOfEra = z - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let shiftedMonth = (5 * dayOfYear + 2) / 153
        let day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1
        let month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9
        let year = yearOfEra + era * 400 + (month <= 2 ? 1 : 0)
        return (year, month, day)
    }

    /// Whether `year` has a February 29th.
    static func isLeapYear(_ year: Int) -> Bool {
        (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
    }

    /// Number of days in `month` (1…12) of `year`; 0 for an invalid month.
    static func daysInMonth(year: Int, month: Int) -> Int {
        switch month {
        case 1, 3, 5, 7, 8, 10, 12: 31
        case 4, 6, 9, 11: 30
        case 2: isLeapYear(year) ? 29 : 28
        default: 0
        }
    }

    /// 0 = Monday … 6 = Sunday (1970-01-01 was a Thursday).
    static func weekdayIndex(dayNumber: Int) -> Int {
        ((dayNumber + 3) % 7 + 7) % 7
    }

    /// Floor division, for day and month arithmetic that may go negative.
    static func floorDiv(_ a: Int, _ b: Int) -> Int {
        let q = a / b
        return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q
    }

    /// Zero-padded decimal, e.g. `pad(7, 2)` == "07".
    static func pad(_ value: Int, _ width: Int) -> String {
        let digits = String(value.magnitude)
        let padding = String(repeating: "0", count: max(0, width - digits.count))
        return (value < 0 ? "-" : "") + padding + digits
    }

    /// First and last day numbers Parley accepts from a `Date` (0001-01-01 and
    /// 9999-12-31), so arithmetic on untrusted instants never overflows.
    static let minimumDayNumber = dayNumber(year: 1, month: 1, day: 1)
    static let maximumDayNumber = dayNumber(year: 9999, month: 12, day: 31)
}
