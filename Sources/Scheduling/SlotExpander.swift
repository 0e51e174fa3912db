/// Generates a series' original slots as wall times, in order, without touching
/// time zones: RFC 5545 §3.3.10 expansion of the subset Parley supports.
///
/// Each frequency jumps straight to the first period that can reach the requested
/// days, and computes each slot's index arithmetically so `COUNT` still holds, so a
/// year's window of a daily series that began years ago costs a year's work.
/// Unvalidated values (huge intervals or counts) are clamped so nothing overflows.
struct SlotExpander {
    let start: LocalDateTime
    let rule: RecurrenceRule?
    /// Day number of the start.
    let startDay: Int
    /// Last day a slot may fall on (`UNTIL`), or `Int.max`.
    let lastDay: Int
    /// Number of slots allowed (`COUNT`), or `Int.max`.
    let maxCount: Int
    /// Interval clamped to 1…1000.
    let interval: Int

    init(start: LocalDateTime, rule: RecurrenceRule?) {
        self.start = start
        self.rule = rule
        startDay = start.date.dayNumber
        interval = min(max(rule?.interval ?? 1, 1), 1000)
        switch rule?.end {
        case .count(let count)?: maxCount = max(count, 1); lastDay = Int.max
        case .until(let date)?: maxCount = Int.max; lastDay = date.dayNumber
        case .never?, nil: maxCount = Int.max; lastDay = Int.max
        }
    }

    private func slot(onDay day: Int) -> LocalDateTime {
        LocalDateTime(LocalDate(dayNumber: day), hour: start.hour, minute: start.minute, second: start.second)
    }

    /// Calls `body` with every slot whose day is in `fromDay...throughDay`, in order,
    /// until `body` returns false. The start itself is always the first slot.
    func forEachSlot(fromDay: Int, throughDay: Int, _ body: (LocalDateTime) -> Bool) {
        let through = min(throughDay, lastDay)
        guard fromDay <= throughDay else { return }
        if startDay >= fromDay, startDay <= throughDay {
            // DTSTART is always the first instance (RFC 5545 §3.8.5.3).
            guard body(slot(onDay: startDay)) else { return }
        }
        guard let rule, maxCount > 1, through > startDay else { return }
        switch rule.frequency {
        case .daily:
            daily(fromDay: fromDay, through: through, body)
        case .weekly:
            weekly(rule: rule, fromDay: fromDay, through: through, body)
        case .monthly:
            monthly(rule: rule, fromDay: fromDay, through: through, body)
        }
    }

    /// Slot k falls on `startDay + k * interval` and is the k-th (0-based).
    private func daily(fromDay: Int, through: Int, _ body: (LocalDateTime) -> Bool) {
        let n = interval
        let first = max(1, CivilDate.floorDiv(fromDay - startDay + n - 1, n))
        let last = min(CivilDate.floorDiv(through - startDay, n), maxCount - 1)
        guard first <= last else { return }
        for k in first...last {
            guard body(slot(onDay: startDay + k * n)) else { return }
        }
    }

    /// Weeks are counted from the start's Monday (WKST=MO); in every `interval`-th
    /// week each chosen weekday is a slot. Week 0 holds the start plus the chosen
    /// days after it; later weeks hold all of them, which makes indexes arithmetic.
    private func weekly(rule: RecurrenceRule, fromDay: Int, through: Int, _ body: (LocalDateTime) -> Bool) {
        let days = rule.weekdayIndexes(start: start)
        let startOffset = CivilDate.weekdayIndex(dayNumber: startDay)
        let monday = startDay - startOffset
        let laterInFirstWeek = days.filter { $0 > startOffset }
        let perWeek = days.count
        let stride = 7 * interval

        var index = 1
        if fromDay <= monday + 6 {
            for offset in laterInFirstWeek {
                let day = monday + offset
                guard index < maxCount, day <= through else { return }
                if day >= fromDay { guard body(slot(onDay: day)) else { return } }
                index += 1
            }
        }
        var week = max(1, CivilDate.floorDiv(fromDay - monday, stride))
        while true {
            let weekStart = monday + week * stride
            guard weekStart <= through else { return }
            for (j, offset) in days.enumerated() {
                let slotIndex = 1 + laterInFirstWeek.count + (week - 1) * perWeek + j
                let day = weekStart + offset
                guard slotIndex < maxCount, day <= through else { return }
                if day >= fromDay { guard body(slot(onDay: day)) else { return } }
            }
            week += 1
        }
    }

    /// Every `interval`-th month from the start's, on the anchor day; months without
    /// that day (the 31st, a 5th Tuesday) are skipped and don't count
    /// (RFC 5545 §3.3.10). With COUNT it walks month by month to keep the index;
    /// otherwise it jumps to the window.
    private func monthly(rule: RecurrenceRule, fromDay: Int, through: Int, _ body: (LocalDateTime) -> Bool) {
        let anchor = rule.effectiveMonthlyAnchor(start: start)
        let startDate = LocalDate(dayNumber: startDay) // clamped copy of the start
        let startMonth = startDate.year * 12 + (startDate.month - 1)
        var index = 1
        // The start's own month: only an anchor day after the start is another slot.
        if let day = anchorDay(anchor, monthNumber: startMonth), day > startDay {
            guard index < maxCount, day <= through else { return }
            if day >= fromDay { guard body(slot(onDay: day)) else { return } }
            index += 1
        }
        var k = 1
        if maxCount == Int.max {
            let fromMonth = LocalDate(dayNumber: fromDay)
            let fromMonthNumber = fromMonth.year * 12 + (fromMonth.month - 1)
            k = max(1, CivilDate.floorDiv(fromMonthNumber - startMonth, interval))
        }
        while true {
            let month = startMonth + k * interval
            let year = CivilDate.floorDiv(month, 12)
            guard year <= 9999, CivilDate.dayNumber(year: year, month: month - year * 12 + 1, day: 1) <= through else {
                return
            }
            if let day = anchorDay(anchor, monthNumber: month) {
                guard index < maxCount, day <= through else { return }
                if day >= fromDay { guard body(slot(onDay: day)) else { return } }
                index += 1
            }
            k += 1
        }
    }

    /// The anchor's day number in month number `monthNumber` (year * 12 + month - 1),
    /// or nil if that month has no such day.
    private func anchorDay(_ anchor: RecurrenceRule.MonthlyAnchor, monthNumber: Int) -> Int? {
        let year = CivilDate.floorDiv(monthNumber, 12)
        let month = monthNumber - year * 12 + 1
        let length = CivilDate.daysInMonth(year: year, month: month)
        switch anchor {
        case .day(let day):
            guard day >= 1, day <= length else { return nil }
            return CivilDate.dayNumber(year: year, month: month, day: day)
        case .weekday(let ordinal, let weekday):
            if ordinal == -1 {
                let last = CivilDate.dayNumber(year: year, month: month, day: length)
                let back = (CivilDate.weekdayIndex(dayNumber: last) - weekday.index + 7) % 7
                return last - back
            }
            guard ordinal >= 1, ordinal <= 5 else { return nil }
            let first = CivilDate.dayNumber(year: year, month: month, day: 1)
            let ahead = (weekday.index - CivilDate.weekdayIndex(dayNumber: first) + 7) % 7
            let day = 1 + ahead + 7 * (ordinal - 1)
            guard day <= length else { return nil }
            return first + day - 1
        }
    }
}
