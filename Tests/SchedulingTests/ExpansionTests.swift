import Foundation
import Testing
@testable import Scheduling

@Suite("Expansion of recurrence rules")
struct ExpansionTests {
    func series(_ start: String, _ rule: RecurrenceRule?, zone: TimeZone = utcZone, minutes: Int = 60) -> MeetingSeries {
        MeetingSeries(start: local(start), timeZone: zone, durationMinutes: minutes, rule: rule)
    }

    @Test("a series without a rule has exactly its start")
    func single() {
        let s = series("2026-12-01T09:00", nil, zone: berlin)
        #expect(allSlots(s) == [utc("2026-12-01T08:00")])
        #expect(s.occurrences(from: utc("2026-12-01T00:00"), to: utc("2026-12-02T00:00")).count == 1)
    }

    @Test("daily with COUNT")
    func dailyCount() {
        let s = series("2026-01-01T10:00", RecurrenceRule(frequency: .daily, end: .count(5)))
        #expect(utcStrings(allSlots(s)) == [
            "2026-01-01T10:00", "2026-01-02T10:00", "2026-01-03T10:00", "2026-01-04T10:00", "2026-01-05T10:00",
        ])
    }

    @Test("daily every 3 days UNTIL an inclusive local date")
    func dailyUntil() {
        // Until is a local date in the series' zone: 2026-01-10 in New York.
        let s = series("2026-01-01T21:00", RecurrenceRule(frequency: .daily, interval: 3, end: .until(LocalDate(year: 2026, month: 1, day: 10))), zone: newYork)
        #expect(localStrings(allSlots(s), in: newYork) == [
            "2026-01-01T21:00", "2026-01-04T21:00", "2026-01-07T21:00", "2026-01-10T21:00",
        ])
        // The last one is already 11 January in UTC, and still included.
        #expect(utcStrings(allSlots(s)).last == "2026-01-11T02:00")
    }

    @Test("weekly on several weekdays")
    func weeklyMultiDay() {
        let s = series("2026-01-05T09:00", RecurrenceRule(frequency: .weekly, byWeekday: [.FR, .MO, .WE], end: .count(7)))
        #expect(utcStrings(allSlots(s)) == [
            "2026-01-05T09:00", "2026-01-07T09:00", "2026-01-09T09:00", "2026-01-12T09:00",
            "2026-01-14T09:00", "2026-01-16T09:00", "2026-01-19T09:00",
        ])
    }

    @Test("weekly without weekdays repeats on the start's weekday")
    func weeklyDefault() {
        let s = series("2026-01-08T09:00", RecurrenceRule(frequency: .weekly, end: .count(3)))
        #expect(utcStrings(allSlots(s)) == ["2026-01-08T09:00", "2026-01-15T09:00", "2026-01-22T09:00"])
    }

    @Test("every second week counts weeks from the start's Monday (WKST=MO)")
    func weeklyInterval2() {
        // Starts on a Thursday; that week's Monday is before the start and not a slot.
        let s = series("2026-01-08T09:00", RecurrenceRule(frequency: .weekly, interval: 2, byWeekday: [.MO, .TH], end: .count(5)))
        #expect(utcStrings(allSlots(s)) == [
            "2026-01-08T09:00", "2026-01-19T09:00", "2026-01-22T09:00", "2026-02-02T09:00", "2026-02-05T09:00",
        ])
    }

    @Test("weekly with Sunday: Sunday ends the Monday-based week")
    func weeklySunday() {
        let s = series("2026-01-05T09:00", RecurrenceRule(frequency: .weekly, interval: 2, byWeekday: [.MO, .SU], end: .count(4)))
        #expect(utcStrings(allSlots(s)) == ["2026-01-05T09:00", "2026-01-11T09:00", "2026-01-19T09:00", "2026-01-25T09:00"])
    }

    @Test("monthly on the 31st skips shorter months, and they don't count")
    func monthly31st() {
        let s = series("2026-01-31T18:00", RecurrenceRule(frequency: .monthly, end: .count(7)))
        #expect(utcStrings(allSlots(s)) == [
            "2026-01-31T18:00", "2026-03-31T18:00", "2026-05-31T18:00", "2026-07-31T18:00",
            "2026-08-31T18:00", "2026-10-31T18:00", "2026-12-31T18:00",
        ])
    }

    @Test("monthly on the 29th skips February outside leap years")
    func monthly29th() {
        let s = series("2027-01-29T08:00", RecurrenceRule(frequency: .monthly, end: .until(LocalDate(year: 2028, month: 3, day: 1))))
        let days = localStrings(allSlots(s), in: utcZone).map { String($0.prefix(10)) }
        #expect(!days.contains("2027-02-28") && !days.contains("2027-03-01"))
        #expect(days.contains("2028-02-29"))
        #expect(days.count == 13)
    }

    @Test("monthly on the last Friday")
    func monthlyLastFriday() {
        let s = series("2026-01-30T12:00", RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, end: .count(12)), zone: newYork)
        #expect(localStrings(allSlots(s), in: newYork).map { String($0.prefix(10)) } == [
            "2026-01-30", "2026-02-27", "2026-03-27", "2026-04-24", "2026-05-29", "2026-06-26",
            "2026-07-31", "2026-08-28", "2026-09-25", "2026-10-30", "2026-11-27", "2026-12-25",
        ])
    }

    @Test("monthly on the second Tuesday, every other month")
    func monthlySecondTuesday() {
        let s = series("2026-01-13T08:00", RecurrenceRule(frequency: .monthly, interval: 2, monthlyBy: .weekdayOfMonth, end: .count(6)))
        #expect(utcStrings(allSlots(s)).map { String($0.prefix(10)) } == [
            "2026-01-13", "2026-03-10", "2026-05-12", "2026-07-14", "2026-09-08", "2026-11-10",
        ])
    }

    @Test("an explicit 5th-weekday anchor skips months without one")
    func monthlyFifth() throws {
        let rule = try RecurrenceRule(parsing: "FREQ=MONTHLY;BYDAY=5TH;COUNT=4")
        let s = series("2026-01-29T08:00", rule)
        try s.validate()
        // Thursdays falling on the 29th-31st in 2026: Jan 29, Apr 30, Jul 30, Oct 29.
        #expect(utcStrings(allSlots(s)).map { String($0.prefix(10)) } == ["2026-01-29", "2026-04-30", "2026-07-30", "2026-10-29"])
    }

    @Test("a window cuts a series in the middle")
    func windowCut() {
        let s = series("2026-01-01T10:00", RecurrenceRule(frequency: .daily, end: .count(100)))
        let slots = s.slots(from: utc("2026-02-01T00:00"), to: utc("2026-02-11T00:00"))
        #expect(slots.count == 10)
        #expect(slots.first == utc("2026-02-01T10:00") && slots.last == utc("2026-02-10T10:00"))
        // The window is half-open on slot starts …
        #expect(s.slots(from: utc("2026-02-01T10:00"), to: utc("2026-02-02T10:00")) == [utc("2026-02-01T10:00")])
        // … while occurrences include one already running at the window's start.
        let running = s.occurrences(from: utc("2026-02-01T10:30"), to: utc("2026-02-01T12:00"))
        #expect(running.map(\.start) == [utc("2026-02-01T10:00")])
        #expect(s.occurrences(from: utc("2026-02-01T11:00"), to: utc("2026-02-02T10:00")).isEmpty)
        // After COUNT runs out.
        #expect(s.slots(from: utc("2026-04-11T00:00"), to: utc("2027-01-01T00:00")).isEmpty)
        #expect(s.slots(from: utc("2026-04-10T00:00"), to: utc("2027-01-01T00:00")) == [utc("2026-04-10T10:00")])
        // Before the start, and empty or inverted windows.
        #expect(s.slots(from: utc("2025-01-01T00:00"), to: utc("2026-01-01T10:00")).isEmpty)
        #expect(s.slots(from: utc("2026-02-05T00:00"), to: utc("2026-02-01T00:00")).isEmpty)
    }

    @Test("COUNT is honoured when the window starts late in a weekly and a monthly series")
    func countWithLateWindow() {
        let weekly = series("2026-01-07T09:00", RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE, .FR], end: .count(10)))
        let all = allSlots(weekly)
        #expect(all.count == 10)
        #expect(weekly.slots(from: all[6], to: utc("2030-01-01T00:00")) == Array(all[6...]))
        let monthly = series("2026-01-31T09:00", RecurrenceRule(frequency: .monthly, end: .count(10)))
        let months = allSlots(monthly)
        #expect(months.count == 10)
        #expect(monthly.slots(from: months[7], to: utc("2040-01-01T00:00")) == Array(months[7...]))
    }

    @Test("jumping into a window gives the same slots as walking from the start")
    func jumpMatchesWalk() {
        let rules: [RecurrenceRule] = [
            RecurrenceRule(frequency: .daily, interval: 3),
            RecurrenceRule(frequency: .weekly, interval: 3, byWeekday: [.TU, .SA, .SU]),
            RecurrenceRule(frequency: .monthly, interval: 5),
            RecurrenceRule(frequency: .monthly, interval: 2, monthlyBy: .weekdayOfMonth),
        ]
        for rule in rules {
            let s = series("2024-02-29T23:30", rule, zone: newYork)
            let all = s.slots(from: utc("2024-01-01T00:00"), to: utc("2030-01-01T00:00"))
            var random = TestRandom(state: 99)
            for _ in 0..<50 {
                let a = utc("2024-01-01T00:00").addingTimeInterval(TimeInterval(random.below(5 * 365 * 86_400)))
                let b = a.addingTimeInterval(TimeInterval(random.below(200 * 86_400)))
                #expect(s.slots(from: a, to: b) == all.filter { $0 >= a && $0 < b })
            }
        }
    }

    @Test("10 years into a never-ending daily series, a 366-day window has 366 occurrences")
    func throughput() {
        let s = series("2016-01-01T09:00", RecurrenceRule(frequency: .daily), zone: berlin)
        let from = local("2026-01-01T00:00").resolved(in: berlin)
        let to = local("2027-01-02T00:00").resolved(in: berlin)
        let occurrences = s.occurrences(from: from, to: to)
        #expect(occurrences.count == 366)
        #expect(occurrences.first?.start == local("2026-01-01T09:00").resolved(in: berlin))
        #expect(occurrences.last?.start == local("2027-01-01T09:00").resolved(in: berlin))
    }

    @Test("hasSlot accepts slots only")
    func hasSlot() {
        let s = series("2026-01-05T09:00", RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE], end: .count(4)), zone: berlin)
        for slot in allSlots(s) { #expect(s.hasSlot(at: slot)) }
        #expect(!s.hasSlot(at: utc("2026-01-05T09:00"))) // 09:00Z is 10:00 Berlin
        #expect(!s.hasSlot(at: utc("2026-01-06T08:00"))) // Tuesday
        #expect(!s.hasSlot(at: utc("2026-01-19T08:00"))) // past COUNT
        #expect(!s.hasSlot(at: utc("2026-01-05T08:00").addingTimeInterval(0.5)))
        #expect(!s.hasSlot(at: .distantFuture) && !s.hasSlot(at: .distantPast))
    }
}
