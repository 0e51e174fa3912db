import Foundation

extension RecurrenceRule {
    /// Parses an RRULE value (RFC 5545 §3.3.10) as Parley writes it, and the common
    /// equivalents calendar apps produce:
    ///
    /// - `FREQ` (DAILY, WEEKLY, MONTHLY), `INTERVAL` (1…99), `COUNT` (1…1000);
    /// - `BYDAY`: plain weekdays for WEEKLY ("MO,WE"), one weekday with an ordinal
    ///   for MONTHLY ("2TU", "+2TU", "-1FR"); `BYMONTHDAY`: one day 1…31, MONTHLY only;
    /// - `UNTIL`: a DATE ("20270131"), a UTC DATE-TIME ("20270131T225959Z") or a
    ///   floating DATE-TIME, all kept as the local date in the series' zone
    ///   (a date-time's time of day is dropped, so a slot later that day is kept);
    /// - `WKST`: accepted and ignored (Parley counts weeks from Monday), unless it
    ///   would change which days share a week.
    ///
    /// Names and values are case-insensitive, a leading "RRULE:" and empty parts are
    /// tolerated. Unknown parts, repeated parts, `COUNT` with `UNTIL`, and rules
    /// Parley can't represent throw with a message saying which part is at fault.
    ///
    /// - Parameter timeZone: the series' zone, needed only to turn a UTC `UNTIL`
    ///   into a local date. Without it such a rule throws rather than guessing,
    ///   because the day can differ (the end of 31 January in New York is
    ///   1 February in UTC).
    public init(parsing rrule: String, timeZone: TimeZone? = nil) throws(SchedulingError) {
        var parser = RRULEParser(text: rrule, timeZone: timeZone)
        self = try parser.parse()
    }
}

/// The RRULE grammar as a small one-shot parser over bytes. Kept apart from the
/// public initializer so each part gets its own readable function.
private struct RRULEParser {
    let text: String
    let timeZone: TimeZone?

    /// Longest RRULE accepted; real rules are well under 200 bytes.
    static let maximumLength = 1000

    func fail(_ message: String) -> SchedulingError {
        SchedulingError(message: message)
    }

    mutating func parse() throws(SchedulingError) -> RecurrenceRule {
        let parts = try splitParts()
        guard let freqText = parts["FREQ"] else {
            throw fail("The repeat rule needs a FREQ, e.g. FREQ=WEEKLY.")
        }
        let frequency: RecurrenceRule.Frequency
        switch freqText {
        case "DAILY": frequency = .daily
        case "WEEKLY": frequency = .weekly
        case "MONTHLY": frequency = .monthly
        case "YEARLY", "HOURLY", "MINUTELY", "SECONDLY":
            throw fail("FREQ=\(freqText) is not supported; meetings repeat DAILY, WEEKLY or MONTHLY.")
        default:
            throw fail("FREQ=\(freqText) is not a frequency; use DAILY, WEEKLY or MONTHLY.")
        }

        var rule = RecurrenceRule(frequency: frequency)
        if let value = parts["INTERVAL"] {
            rule.interval = try number(value, name: "INTERVAL", range: RecurrenceRule.intervalRange)
        }
        if parts["COUNT"] != nil, parts["UNTIL"] != nil {
            // RFC 5545 §3.3.10: "they MUST NOT occur in the same 'recur'".
            throw fail("A repeat rule can end by COUNT or by UNTIL, not both.")
        }
        if let value = parts["COUNT"] {
            rule.end = .count(try number(value, name: "COUNT", range: RecurrenceRule.countRange))
        }
        if let value = parts["UNTIL"] {
            rule.end = .until(try untilDate(value))
        }
        let byDay = try parts["BYDAY"].map { value throws(SchedulingError) in try weekdays(value) } ?? []
        let byMonthDay = try parts["BYMONTHDAY"].map { value throws(SchedulingError) in try monthDay(value) }
        let weekStart = try parts["WKST"].map { value throws(SchedulingError) in try weekday(value, in: "WKST") }

        switch frequency {
        case .daily:
            if !byDay.isEmpty {
                throw fail("BYDAY with FREQ=DAILY is not supported; use FREQ=WEEKLY with the weekdays.")
            }
            if byMonthDay != nil {
                throw fail("BYMONTHDAY with FREQ=DAILY is not supported; use FREQ=MONTHLY.")
            }
        case .weekly:
            if byMonthDay != nil {
                throw fail("BYMONTHDAY with FREQ=WEEKLY is not supported.")
            }
            if byDay.contains(where: { $0.ordinal != nil }) {
                throw fail("BYDAY with a number (like 2TU) only makes sense with FREQ=MONTHLY.")
            }
            let indexes = Array(Set(byDay.map(\.weekday.index))).sorted()
            rule.byWeekday = indexes.map { Weekday(index: $0) }
            if let weekStart, weekStart != .MO, rule.interval > 1,
               indexes.contains(where: { $0 < weekStart.index }), indexes.contains(where: { $0 >= weekStart.index }) {
                // RFC 5545 §3.3.10: WKST decides which days share a week when
                // INTERVAL > 1; only a mix of days on both sides of it changes anything.
                throw fail("WKST=\(weekStart.rawValue) changes which of these weekdays share a week; Parley counts weeks from Monday (WKST=MO).")
            }
        case .monthly:
            if byMonthDay != nil, !byDay.isEmpty {
                throw fail("A monthly rule can use BYDAY or BYMONTHDAY, not both.")
            }
            if let byMonthDay {
                rule.monthlyBy = .dayOfMonth
                rule.monthlyAnchor = .day(byMonthDay)
            } else if !byDay.isEmpty {
                guard byDay.count == 1 else {
                    throw fail("A monthly rule can name only one weekday, like BYDAY=2TU.")
                }
                guard let ordinal = byDay[0].ordinal else {
                    throw fail("BYDAY=\(byDay[0].weekday.rawValue) with FREQ=MONTHLY (every \(byDay[0].weekday.name) of the month) is not supported; use FREQ=WEEKLY, or a numbered weekday like 2\(byDay[0].weekday.rawValue).")
                }
                rule.monthlyBy = .weekdayOfMonth
                rule.monthlyAnchor = .weekday(ordinal: ordinal, byDay[0].weekday)
            }
        }
        return rule
    }

    /// Splits "NAME=VALUE;…" into uppercased parts, rejecting junk and repeats.
    func splitParts() throws(SchedulingError) -> [String: String] {
        var bytes = Array(text.utf8)
        guard bytes.count <= RRULEParser.maximumLength else {
            throw fail("The repeat rule is too long.")
        }
        func isSpace(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while let last = bytes.last, isSpace(last) { bytes.removeLast() }
        let leading = bytes.prefix(while: isSpace).count
        bytes.removeFirst(leading)
        bytes = bytes.map { ($0 >= 0x61 && $0 <= 0x7A) ? $0 - 0x20 : $0 }
        if bytes.starts(with: Array("RRULE:".utf8)) { bytes.removeFirst(6) }
        guard !bytes.isEmpty else { throw fail("The repeat rule is empty.") }
        guard bytes.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
            throw fail("The repeat rule contains characters that don't belong in an RRULE: \(SchedulingError.quote(text)).")
        }

        var parts: [String: String] = [:]
        for rawPart in bytes.split(separator: UInt8(ascii: ";"), omittingEmptySubsequences: true) {
            guard let equals = rawPart.firstIndex(of: UInt8(ascii: "=")) else {
                throw fail("\(SchedulingError.quote(String(decoding: rawPart, as: UTF8.self))) is not a NAME=VALUE rule part.")
            }
            let name = String(decoding: rawPart[rawPart.startIndex..<equals], as: UTF8.self)
            let value = String(decoding: rawPart[(equals + 1)...], as: UTF8.self)
            guard !name.isEmpty, !value.isEmpty else {
                throw fail("\(SchedulingError.quote(String(decoding: rawPart, as: UTF8.self))) is not a NAME=VALUE rule part.")
            }
            switch name {
            case "FREQ", "INTERVAL", "COUNT", "UNTIL", "BYDAY", "BYMONTHDAY", "WKST":
                break
            case "BYSECOND", "BYMINUTE", "BYHOUR", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS", "RSCALE", "SKIP":
                throw fail("\(name) is not supported in meeting repeat rules.")
            default:
                throw fail("\(SchedulingError.quote(name)) is not a repeat rule part.")
            }
            guard parts[name] == nil else {
                // RFC 5545 §3.3.10: each rule part MUST NOT occur more than once.
                throw fail("\(name) appears more than once in the repeat rule.")
            }
            parts[name] = value
        }
        return parts
    }

    func number(_ value: String, name: String, range: ClosedRange<Int>) throws(SchedulingError) -> Int {
        guard let n = ASCIIScanner.integer(value.utf8), range.contains(n) else {
            throw fail("\(name) must be a whole number from \(range.lowerBound) to \(range.upperBound), not \(SchedulingError.quote(value)).")
        }
        return n
    }

    func weekday(_ value: String, in name: String) throws(SchedulingError) -> Weekday {
        guard let day = Weekday(rawValue: value) else {
            throw fail("\(SchedulingError.quote(value)) in \(name) is not a weekday (MO, TU, WE, TH, FR, SA, SU).")
        }
        return day
    }

    /// "MO,WE" or "2TU", "+2TU", "-1FR": RFC 5545 §3.3.10 `weekdaynum`.
    func weekdays(_ value: String) throws(SchedulingError) -> [(ordinal: Int?, weekday: Weekday)] {
        var result: [(ordinal: Int?, weekday: Weekday)] = []
        for item in value.utf8.split(separator: UInt8(ascii: ","), omittingEmptySubsequences: false) {
            let text = String(decoding: item, as: UTF8.self)
            guard item.count >= 2 else {
                throw fail("\(SchedulingError.quote(text)) in BYDAY is not a weekday like MO or 2TU.")
            }
            let day = try weekday(String(decoding: item.suffix(2), as: UTF8.self), in: "BYDAY")
            var prefix = item.dropLast(2)
            if prefix.isEmpty {
                result.append((nil, day))
                continue
            }
            var sign = 1
            if prefix.first == UInt8(ascii: "-") { sign = -1; prefix = prefix.dropFirst() }
            else if prefix.first == UInt8(ascii: "+") { prefix = prefix.dropFirst() }
            guard prefix.count <= 2, let n = ASCIIScanner.integer(prefix), (1...53).contains(n) else {
                throw fail("\(SchedulingError.quote(text)) in BYDAY is not a weekday like MO or 2TU.")
            }
            let ordinal = sign * n
            guard (1...5).contains(ordinal) || ordinal == -1 else {
                throw fail("BYDAY=\(text) is not supported; use 1 to 5 (first to fifth) or -1 (last) before the weekday.")
            }
            result.append((ordinal, day))
        }
        return result
    }

    func monthDay(_ value: String) throws(SchedulingError) -> Int {
        if value.contains(",") {
            throw fail("BYMONTHDAY can name only one day of the month.")
        }
        if value.hasPrefix("-") {
            throw fail("BYMONTHDAY counted from the end of the month (\(SchedulingError.quote(value))) is not supported.")
        }
        let digits = value.hasPrefix("+") ? String(value.dropFirst()) : value
        guard let day = ASCIIScanner.integer(digits.utf8), (1...31).contains(day) else {
            throw fail("BYMONTHDAY must be a day of the month from 1 to 31, not \(SchedulingError.quote(value)).")
        }
        return day
    }

    /// RFC 5545 §3.3.10 UNTIL: DATE, UTC DATE-TIME, or (tolerated) floating DATE-TIME.
    func untilDate(_ value: String) throws(SchedulingError) -> LocalDate {
        var scanner = ASCIIScanner(value)
        let formatError = fail("UNTIL must look like 20270131 or 20270131T225959Z, not \(SchedulingError.quote(value)).")
        guard let year = scanner.digits(4), let month = scanner.digits(2), let day = scanner.digits(2) else {
            throw formatError
        }
        let date = LocalDate(year: year, month: month, day: day)
        // A UTC UNTIL may sit one year past the supported range: the end of
        // 31 December 2200 in New York is 1 January 2201 in UTC, and
        // `rruleValue` writes exactly that. Such a value is checked after it is
        // converted to the series' local date. Clamping keeps leap-year rules
        // (1899, 1900, 2200 and 2201 are all common years).
        let years = LocalDate.supportedYears
        let nearYear = min(max(year, years.lowerBound - 1), years.upperBound + 1)
        let checkable = LocalDate(year: min(max(year, years.lowerBound), years.upperBound), month: month, day: day)
        let outOfRange = !years.contains(year)
        if let problem = (year == nearYear ? checkable : date).fieldProblem {
            throw fail("UNTIL=\(value) is not a valid date: \(problem).")
        }
        let rangeError = fail("UNTIL=\(value) is not a valid date: \(date.fieldProblem ?? "out of range").")
        if scanner.isAtEnd {
            if outOfRange { throw rangeError }
            return date
        }
        guard scanner.skip(UInt8(ascii: "T")), let hour = scanner.digits(2), let minute = scanner.digits(2),
              let second = scanner.digits(2)
        else { throw formatError }
        if let problem = LocalDateTime(checkable, hour: hour, minute: minute, second: second).fieldProblem {
            throw fail("UNTIL=\(value) is not a valid date and time: \(problem).")
        }
        let time = LocalDateTime(date, hour: hour, minute: minute, second: second)
        if scanner.isAtEnd {  // floating: already local
            if outOfRange { throw rangeError }
            return date
        }
        guard scanner.skip(UInt8(ascii: "Z")), scanner.isAtEnd else { throw formatError }
        guard let timeZone else {
            throw fail("UNTIL=\(value) is in UTC; the series' time zone is needed to know which local day it ends on (parse with RecurrenceRule(parsing:timeZone:)).")
        }
        let instant = Date(timeIntervalSince1970: TimeInterval(time.wallSeconds))
        let local = LocalDateTime(instant, in: timeZone).date
        if let problem = local.fieldProblem {
            throw fail("UNTIL=\(value) ends on \(local) in \(timeZone.identifier), which is not supported: \(problem).")
        }
        return local
    }
}
