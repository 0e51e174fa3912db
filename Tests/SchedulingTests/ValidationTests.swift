import Foundation
import Testing
@testable import Scheduling

@Suite("MeetingSeries.validate()")
struct ValidationTests {
    func series(_ rule: RecurrenceRule?, start: String = "2026-12-01T09:00", minutes: Int = 60) -> MeetingSeries {
        MeetingSeries(start: local(start), timeZone: berlin, durationMinutes: minutes, rule: rule)
    }

    func error(_ s: MeetingSeries) -> SchedulingError? {
        do { try s.validate(); return nil } catch { return error }
    }

    @Test("valid series pass")
    func valid() throws {
        try series(nil).validate()
        try series(RecurrenceRule(frequency: .daily, interval: 99, end: .count(1000))).validate()
        try series(RecurrenceRule(frequency: .weekly, byWeekday: [.TU, .TH])).validate() // 2026-12-01 is a Tuesday
        try series(RecurrenceRule(frequency: .weekly, end: .until(LocalDate(year: 2026, month: 12, day: 1)))).validate()
        try series(RecurrenceRule(frequency: .monthly, end: .count(12)), start: "2026-01-31T09:00").validate()
        try series(RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth), start: "2026-01-30T09:00").validate()
        try series(RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: -1, .FR)), start: "2026-01-30T09:00").validate()
        try series(RecurrenceRule(frequency: .monthly), minutes: 7 * 24 * 60).validate()
    }

    @Test("each problem names its field", arguments: [
        (nil as RecurrenceRule?, "2026-02-30T09:00", 60, "start"),
        (nil, "2026-12-01T09:00", 0, "durationMinutes"),
        (nil, "2026-12-01T09:00", 7 * 24 * 60 + 1, "durationMinutes"),
        (RecurrenceRule(frequency: .daily, interval: 0), "2026-12-01T09:00", 60, "interval"),
        (RecurrenceRule(frequency: .daily, interval: 100), "2026-12-01T09:00", 60, "interval"),
        (RecurrenceRule(frequency: .daily, end: .count(0)), "2026-12-01T09:00", 60, "count"),
        (RecurrenceRule(frequency: .daily, end: .count(1001)), "2026-12-01T09:00", 60, "count"),
        (RecurrenceRule(frequency: .daily, end: .until(LocalDate(year: 2026, month: 11, day: 30))), "2026-12-01T09:00", 60, "until"),
        (RecurrenceRule(frequency: .daily, end: .until(LocalDate(year: 2026, month: 2, day: 30))), "2026-01-01T09:00", 60, "until"),
        (RecurrenceRule(frequency: .daily, byWeekday: [.MO]), "2026-12-01T09:00", 60, "byWeekday"),
        (RecurrenceRule(frequency: .monthly, byWeekday: [.TU]), "2026-12-01T09:00", 60, "byWeekday"),
        (RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE]), "2026-12-01T09:00", 60, "byWeekday"),
        (RecurrenceRule(frequency: .monthly, interval: 99), "2026-01-31T09:00", 60, "rule"),
        (RecurrenceRule(frequency: .monthly, monthlyAnchor: .day(15)), "2026-12-14T09:00", 60, "start"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: 2, .TU)), "2026-12-02T09:00", 60, "start"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: -1, .FR)), "2026-01-23T09:00", 60, "start"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .dayOfMonth, monthlyAnchor: .weekday(ordinal: 1, .TU)), "2026-12-01T09:00", 60, "monthlyBy"),
        (RecurrenceRule(frequency: .weekly, monthlyAnchor: .day(1)), "2026-12-01T09:00", 60, "monthlyBy"),
    ] as [(RecurrenceRule?, String, Int, String)])
    func invalid(rule: RecurrenceRule?, start: String, minutes: Int, field: String) {
        let s = MeetingSeries(
            start: start == "2026-02-30T09:00" ? LocalDateTime(year: 2026, month: 2, day: 30, hour: 9) : local(start),
            timeZone: berlin, durationMinutes: minutes, rule: rule
        )
        let problem = error(s)
        #expect(problem?.field == field, "\(problem?.description ?? "no error")")
        #expect(problem.map { !$0.message.isEmpty } == true)
    }

    @Test("the weekday message tells the user what to do")
    func weekdayMessage() {
        let problem = error(series(RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE])))
        #expect(problem?.message.contains("Tuesday") == true)
        #expect(problem?.message.contains("Monday, Wednesday") == true)
    }

    @Test("the 31st with a short interval is fine; a long one that never lands again is not")
    func rareRepeats() {
        #expect(error(series(RecurrenceRule(frequency: .monthly, interval: 2, end: .count(10)), start: "2026-01-31T09:00")) == nil)
        #expect(error(series(RecurrenceRule(frequency: .monthly, interval: 99, end: .count(2)), start: "2026-01-31T09:00"))?.field == "rule")
        // A single-slot COUNT or a short UNTIL never needs a second slot.
        #expect(error(series(RecurrenceRule(frequency: .monthly, interval: 99, end: .count(1)), start: "2026-01-31T09:00")) == nil)
        #expect(error(series(RecurrenceRule(frequency: .monthly, interval: 99, end: .until(LocalDate(year: 2027, month: 1, day: 1))), start: "2026-01-31T09:00")) == nil)
    }

    @Test("override fields are checked")
    func overrides() {
        var s = series(RecurrenceRule(frequency: .daily, end: .count(3)))
        let slot = s.start.resolved(in: berlin)
        s.overrides[slot] = OccurrenceOverride(durationMinutes: 0)
        #expect(error(s)?.field == "overrides")
        s.overrides[slot] = OccurrenceOverride(start: LocalDateTime(year: 2026, month: 13, day: 1))
        #expect(error(s)?.field == "overrides")
        s.overrides[slot] = OccurrenceOverride(start: local("2026-12-01T10:00"), durationMinutes: 15)
        #expect(error(s) == nil)
    }

    @Test("SchedulingError description includes the field")
    func description() {
        #expect(SchedulingError(message: "Too long.", field: "durationMinutes").description == "durationMinutes: Too long.")
        #expect(SchedulingError(message: "Bad.").description == "Bad.")
    }

    @Test("absurd unvalidated values neither trap nor hang")
    func absurd() {
        let rules = [
            RecurrenceRule(frequency: .daily, interval: Int.max, end: .count(Int.max)),
            RecurrenceRule(frequency: .weekly, interval: Int.min, byWeekday: Weekday.allCases, end: .count(Int.min)),
            RecurrenceRule(frequency: .monthly, interval: -5, end: .until(LocalDate(year: Int.max, month: Int.min, day: 0))),
            RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: Int.min, .MO)),
            RecurrenceRule(frequency: .monthly, monthlyAnchor: .day(Int.max)),
        ]
        for rule in rules {
            let s = MeetingSeries(start: LocalDateTime(year: Int.min, month: 99, day: -3, hour: 77), timeZone: newYork,
                                  durationMinutes: Int.max, rule: rule)
            #expect(error(s) != nil)
            _ = s.occurrences(from: utc("2026-01-01T00:00"), to: utc("2027-01-01T00:00"))
            _ = s.hasSlot(at: utc("2026-06-01T00:00"))
            let ok = MeetingSeries(start: local("2026-01-01T09:00"), timeZone: newYork, durationMinutes: 60, rule: rule)
            _ = ok.occurrences(from: utc("2026-01-01T00:00"), to: utc("2027-01-01T00:00"))
            _ = ICalendarWriter.calendar(name: nil, events: [
                CalendarEvent(uid: "x", series: ok, title: "x", createdAt: .distantPast, updatedAt: .distantFuture),
            ], now: Date(timeIntervalSince1970: 0))
        }
    }
}
