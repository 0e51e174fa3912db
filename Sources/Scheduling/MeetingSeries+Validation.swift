import Foundation

extension MeetingSeries {
    /// Longest meeting accepted, in minutes (7 days).
    public static let maximumDurationMinutes = 7 * 24 * 60

    /// How far ahead the series must produce its next occurrence (10 years).
    static let repeatHorizonDays = 3653

    /// Checks that the series is possible and unsurprising, throwing the first
    /// problem with a message for the person editing it:
    ///
    /// - the start is a real wall time (years 1900…2200) and the duration is
    ///   1 minute … 7 days;
    /// - interval 1…99, COUNT 1…1000, UNTIL not before the start's date;
    /// - weekdays only for a weekly rule, and then including the start's weekday
    ///   (RFC 5545 makes DTSTART the first occurrence even when it doesn't match,
    ///   which would surprise people);
    /// - a monthly rule's explicit day (from an imported RRULE) is the start's day;
    /// - a repeating rule actually repeats within 10 years (e.g. the 31st every
    ///   99 months would not);
    /// - overrides have valid moved starts and durations.
    public func validate() throws(SchedulingError) {
        if let problem = start.fieldProblem {
            throw SchedulingError(message: "The start \(start) is not a valid date and time: \(problem).", field: "start")
        }
        guard (1...MeetingSeries.maximumDurationMinutes).contains(durationMinutes) else {
            throw SchedulingError(message: "A meeting must last between 1 minute and 7 days.", field: "durationMinutes")
        }
        try validateOverrides()
        guard let rule else { return }

        guard RecurrenceRule.intervalRange.contains(rule.interval) else {
            throw SchedulingError(message: "The repeat interval must be between 1 and 99.", field: "interval")
        }
        switch rule.end {
        case .never:
            break
        case .count(let count):
            guard RecurrenceRule.countRange.contains(count) else {
                throw SchedulingError(message: "A series can have between 1 and 1000 occurrences.", field: "count")
            }
        case .until(let date):
            if let problem = date.fieldProblem {
                throw SchedulingError(message: "The end date \(date) is not valid: \(problem).", field: "until")
            }
            guard date >= start.date else {
                throw SchedulingError(message: "The series can't end (\(date)) before it starts (\(start.date)).", field: "until")
            }
        }
        try validateDays(of: rule)
        try validateRepeats(rule)
    }

    private func validateOverrides() throws(SchedulingError) {
        for change in overrides.values {
            if let moved = change.start, let problem = moved.fieldProblem {
                throw SchedulingError(message: "The new start \(moved) is not a valid date and time: \(problem).", field: "overrides")
            }
            if let minutes = change.durationMinutes, !(1...MeetingSeries.maximumDurationMinutes).contains(minutes) {
                throw SchedulingError(message: "A meeting must last between 1 minute and 7 days.", field: "overrides")
            }
        }
    }

    private func validateDays(of rule: RecurrenceRule) throws(SchedulingError) {
        if !rule.byWeekday.isEmpty, rule.frequency != .weekly {
            throw SchedulingError(message: "Weekdays can only be chosen for a weekly series.", field: "byWeekday")
        }
        if rule.frequency == .weekly, !rule.byWeekday.isEmpty, !rule.byWeekday.contains(start.weekday) {
            let chosen = rule.weekdayIndexes(start: start).map { Weekday(index: $0).name }.joined(separator: ", ")
            throw SchedulingError(
                message: "The series starts on a \(start.weekday.name), which is not one of its weekdays (\(chosen)). Add \(start.weekday.name) or move the start.",
                field: "byWeekday"
            )
        }
        guard let anchor = rule.monthlyAnchor else { return }
        guard rule.frequency == .monthly else {
            throw SchedulingError(message: "A day of the month only applies to a monthly series.", field: "monthlyBy")
        }
        switch (anchor, rule.monthlyBy) {
        case (.day(let day), .dayOfMonth):
            guard (1...31).contains(day) else {
                throw SchedulingError(message: "The day of the month must be between 1 and 31.", field: "monthlyBy")
            }
            guard day == start.day else {
                throw SchedulingError(
                    message: "The series starts on day \(start.day) of the month but repeats on day \(day). Move the start to the \(MeetingSeries.numberedDay(day)) or change the rule.",
                    field: "start"
                )
            }
        case (.weekday(let ordinal, let weekday), .weekdayOfMonth):
            guard (1...5).contains(ordinal) || ordinal == -1 else {
                throw SchedulingError(message: "A monthly weekday must be the first to fifth, or the last, of the month.", field: "monthlyBy")
            }
            let length = CivilDate.daysInMonth(year: start.year, month: start.month)
            let matches = start.weekday == weekday
                && (ordinal == -1 ? start.day > length - 7 : (start.day - 1) / 7 + 1 == ordinal)
            guard matches else {
                let which = "\(ordinal == -1 ? "last" : MeetingSeries.ordinalWord(ordinal)) \(weekday.name)"
                throw SchedulingError(
                    message: "The series starts on \(start.date), which is not the \(which) of its month. Move the start to a \(which) or change the rule.",
                    field: "start"
                )
            }
        default:
            throw SchedulingError(message: "The monthly day doesn't match how the series repeats (by day or by weekday).", field: "monthlyBy")
        }
    }

    /// A rule that allows a second occurrence must produce one within 10 years
    /// (monthly on the 31st skips short months per RFC 5545 §3.3.10, and with a long
    /// interval might never land on a long month again).
    private func validateRepeats(_ rule: RecurrenceRule) throws(SchedulingError) {
        let startDay = start.date.dayNumber
        let horizon = startDay + MeetingSeries.repeatHorizonDays
        switch rule.end {
        case .count(let count) where count < 2:
            return
        case .until(let date) where date.dayNumber <= horizon:
            // A short series may legitimately end before its second slot.
            return
        default:
            break
        }
        var repeats = false
        expander.forEachSlot(fromDay: startDay + 1, throughDay: horizon) { _ in
            repeats = true
            return false
        }
        guard repeats else {
            throw SchedulingError(
                message: rule.frequency == .monthly
                    ? "This rule would not repeat within 10 years (months without its day are skipped). Choose another day or a shorter interval."
                    : "This rule would not repeat within 10 years. Choose a shorter interval.",
                field: "rule"
            )
        }
    }

    /// "first" … "fifth" for a weekday's ordinal in its month.
    static func ordinalWord(_ n: Int) -> String {
        switch n {
        case 1: "first"
        case 2: "second"
        case 3: "third"
        case 4: "fourth"
        case 5: "fifth"
        default: numberedDay(n)
        }
    }

    /// "1st", "2nd", "11th", "31st" for a day of the month.
    static func numberedDay(_ n: Int) -> String {
        let suffix: String
        switch (n % 10, n % 100) {
        case (_, 11...13): suffix = "th"
        case (1, _): suffix = "st"
        case (2, _): suffix = "nd"
        case (3, _): suffix = "rd"
        default: suffix = "th"
        }
        return "\(n)\(suffix)"
    }
}
