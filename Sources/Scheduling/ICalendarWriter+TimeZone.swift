import Foundation

extension ICalendarWriter {
    /// The zones the events use, in order of first use, each with the years its
    /// VTIMEZONE must cover: a year before the earliest start to two after the last
    /// occurrence (ten years on for a series that never ends), at most 80 years.
    static func zonesUsed(by events: [CalendarEvent]) -> [(TimeZone, ClosedRange<Int>)] {
        var order: [String] = []
        var found: [String: (zone: TimeZone, first: Int, last: Int)] = [:]
        for event in events {
            let series = event.series
            let span = yearSpan(of: series)
            let id = series.timeZone.identifier
            if let known = found[id] {
                found[id] = (known.zone, min(known.first, span.first), max(known.last, span.last))
            } else {
                order.append(id)
                found[id] = (series.timeZone, span.first, span.last)
            }
        }
        return order.compactMap { id in
            guard let entry = found[id] else { return nil }
            let first = max(entry.first - 1, 1)
            let last = min(max(entry.last + 2, first), first + 80, 9999)
            return (entry.zone, first...last)
        }
    }

    /// First and last year in which the series has (possibly moved) occurrences.
    private static func yearSpan(of series: MeetingSeries) -> (first: Int, last: Int) {
        let startYear = min(max(series.start.year, 1), 9999)
        var first = startYear
        var last = startYear
        for change in series.overrides.values {
            if let moved = change.start {
                first = min(first, min(max(moved.year, 1), 9999))
                last = max(last, min(max(moved.year, 1), 9999))
            }
        }
        switch series.rule?.end {
        case nil:
            break
        case .never?:
            last = max(last, startYear + 10)
        case .until(let date)?:
            last = max(last, min(date.year, startYear + 80))
        case .count?:
            let startDay = series.start.date.dayNumber
            var lastSlot = series.start
            series.expander.forEachSlot(fromDay: startDay, throughDay: startDay + 366 * 80) { slot in
                lastSlot = slot
                return true
            }
            last = max(last, lastSlot.year)
        }
        return (first, last)
    }

    /// A change of UTC offset, in UTC epoch seconds.
    private struct Transition {
        var instant: Int
        var offsetFrom: Int
        var offsetTo: Int
        var isDaylight: Bool

        /// The onset as wall time in the offset before it, which is how VTIMEZONE
        /// DTSTART and RDATE values are written (RFC 5545 §3.6.5).
        var localOnset: LocalDateTime { LocalDateTime(wallSeconds: instant + offsetFrom) }
    }

    /// Appends a VTIMEZONE for `zone` (RFC 5545 §3.6.5) valid through `years`.
    ///
    /// Transitions come from Foundation's zone data. Each kind of change (e.g.
    /// "+0100 to +0200, daylight") becomes one STANDARD or DAYLIGHT observance; its
    /// latest run of yearly transitions on the same rule (like the last Sunday in
    /// March at 02:00) is written as a yearly RRULE so it keeps applying past
    /// `years`, and anything irregular as RDATEs. A zone without changes gets a
    /// single STANDARD.
    static func appendTimeZone(_ zone: TimeZone, years: ClosedRange<Int>, to lines: inout ContentLines) {
        let transitions = self.transitions(of: zone, years: years)
        lines.append("BEGIN", "VTIMEZONE")
        lines.append("TZID", zone.identifier)
        lines.append("X-LIC-LOCATION", zone.identifier)
        guard !transitions.isEmpty else {
            let start = CivilDate.dayNumber(year: years.lowerBound, month: 1, day: 1) * CivilDate.secondsPerDay
            let offset = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(start)))
            lines.append("BEGIN", "STANDARD")
            lines.append("DTSTART", "19700101T000000")
            lines.append("TZOFFSETFROM", offsetText(offset))
            lines.append("TZOFFSETTO", offsetText(offset))
            lines.append("END", "STANDARD")
            lines.append("END", "VTIMEZONE")
            return
        }

        // Group by kind of change, keeping order of first appearance.
        var groups: [[Transition]] = []
        for transition in transitions {
            if let i = groups.firstIndex(where: {
                $0[0].isDaylight == transition.isDaylight && $0[0].offsetFrom == transition.offsetFrom
                    && $0[0].offsetTo == transition.offsetTo
            }) {
                groups[i].append(transition)
            } else {
                groups.append([transition])
            }
        }
        var observances: [(onset: Int, transitions: [Transition], rrule: String?)] = []
        for group in groups {
            let isLatestOfKind = transitions.last(where: { $0.isDaylight == group[0].isDaylight })?.instant
                == group.last?.instant
            if isLatestOfKind, let (runStart, rrule) = yearlyRule(endingRun: group),
               group[group.count - 1].localOnset.year >= years.upperBound - 1 {
                if runStart > 0 {
                    observances.append((group[0].instant, Array(group[..<runStart]), nil))
                }
                observances.append((group[runStart].instant, Array(group[runStart...]), rrule))
            } else {
                observances.append((group[0].instant, group, nil))
            }
        }
        for observance in observances.sorted(by: { $0.onset < $1.onset }) {
            let first = observance.transitions[0]
            let kind = first.isDaylight ? "DAYLIGHT" : "STANDARD"
            lines.append("BEGIN", kind)
            lines.append("DTSTART", first.localOnset.basicFormat)
            lines.append("TZOFFSETFROM", offsetText(first.offsetFrom))
            lines.append("TZOFFSETTO", offsetText(first.offsetTo))
            if let rrule = observance.rrule {
                lines.append("RRULE", rrule)
            } else if observance.transitions.count > 1 {
                let dates = observance.transitions.dropFirst().map(\.localOnset.basicFormat)
                lines.append("RDATE", dates.joined(separator: ","))
            }
            lines.append("END", kind)
        }
        lines.append("END", "VTIMEZONE")
    }

    /// Offset changes from the start of `years` to its end.
    private static func transitions(of zone: TimeZone, years: ClosedRange<Int>) -> [Transition] {
        let from = CivilDate.dayNumber(year: years.lowerBound, month: 1, day: 1) * CivilDate.secondsPerDay
        let to = CivilDate.dayNumber(year: years.upperBound + 1, month: 1, day: 1) * CivilDate.secondsPerDay
        var result: [Transition] = []
        var cursor = Date(timeIntervalSince1970: TimeInterval(from))
        // `nextDaylightSavingTimeTransition` reports every offset change, not only
        // daylight-saving ones; the cap guards against a zone database that loops.
        while result.count < 2000, let next = zone.nextDaylightSavingTimeTransition(after: cursor),
              next > cursor, next.timeIntervalSince1970 < TimeInterval(to) {
            cursor = next
            let instant = Int(next.timeIntervalSince1970.rounded())
            let offsetFrom = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant - 1)))
            let offsetTo = zone.secondsFromGMT(for: Date(timeIntervalSince1970: TimeInterval(instant)))
            guard offsetFrom != offsetTo else { continue }
            result.append(Transition(
                instant: instant,
                offsetFrom: offsetFrom,
                offsetTo: offsetTo,
                isDaylight: zone.isDaylightSavingTime(for: next)
            ))
        }
        return result
    }

    /// The longest run at the end of `group` that follows one yearly rule (same
    /// month, weekday, wall time and "n-th" or "last" weekday, in consecutive years):
    /// its first index and RRULE, or nil if shorter than two years.
    private static func yearlyRule(endingRun group: [Transition]) -> (Int, String)? {
        guard let last = group.last?.localOnset else { return nil }
        func nth(_ t: LocalDateTime) -> Int { (t.day - 1) / 7 + 1 }
        func isLastOfMonth(_ t: LocalDateTime) -> Bool {
            t.day > CivilDate.daysInMonth(year: t.year, month: t.month) - 7
        }
        var runStart = group.count - 1
        var byNth = true
        var byLast = isLastOfMonth(last)
        while runStart > 0 {
            let previous = group[runStart - 1].localOnset
            let current = group[runStart].localOnset
            guard previous.year + 1 == current.year, previous.month == last.month,
                  previous.weekday == last.weekday, previous.secondOfDay == last.secondOfDay
            else { break }
            let stillNth = byNth && nth(previous) == nth(last)
            let stillLast = byLast && isLastOfMonth(previous)
            guard stillNth || stillLast else { break }
            byNth = stillNth
            byLast = stillLast
            runStart -= 1
        }
        guard runStart < group.count - 1 else { return nil }
        // "Last" is the more common real-world rule when both fit (EU: last Sunday).
        let ordinal = byLast ? -1 : nth(last)
        return (runStart, "FREQ=YEARLY;BYMONTH=\(last.month);BYDAY=\(ordinal)\(last.weekday.rawValue)")
    }

    /// "+0100", "-0500", "+0530", or "+054500"-style when seconds are involved
    /// (RFC 5545 §3.3.14 UTC-OFFSET; "-0000" is not allowed, so zero is "+0000").
    static func offsetText(_ seconds: Int) -> String {
        let sign = seconds < 0 ? "-" : "+"
        let magnitude = abs(seconds)
        var text = sign + CivilDate.pad(magnitude / 3600, 2) + CivilDate.pad(magnitude % 3600 / 60, 2)
        if magnitude % 60 != 0 { text += CivilDate.pad(magnitude % 60, 2) }
        return text
    }
}
