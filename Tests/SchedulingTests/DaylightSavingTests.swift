import Foundation
import Testing
@testable import Scheduling

@Suite("Series across daylight-saving changes")
struct DaylightSavingTests {
    @Test("weekly Monday 09:00 Berlin stays 09:00 local: 08:00Z in winter, 07:00Z in summer")
    func berlinWeekly() {
        let s = MeetingSeries(start: local("2026-03-16T09:00"), timeZone: berlin, durationMinutes: 60,
                              rule: RecurrenceRule(frequency: .weekly, byWeekday: [.MO]))
        #expect(utcStrings(s.slots(from: utc("2026-03-01T00:00"), to: utc("2026-04-10T00:00"))) == [
            "2026-03-16T08:00", "2026-03-23T08:00", "2026-03-30T07:00", "2026-04-06T07:00",
        ])
        #expect(utcStrings(s.slots(from: utc("2026-10-15T00:00"), to: utc("2026-11-05T00:00"))) == [
            "2026-10-19T07:00", "2026-10-26T08:00", "2026-11-02T08:00",
        ])
        let all = s.slots(from: utc("2026-03-01T00:00"), to: utc("2028-01-01T00:00"))
        #expect(Set(localStrings(all, in: berlin).map { $0.suffix(5) }) == ["09:00"])
    }

    @Test("New York daily 02:30 across the spring gap moves to 03:30 only on the change day")
    func newYorkGap() {
        let s = MeetingSeries(start: local("2026-03-06T02:30"), timeZone: newYork, durationMinutes: 30,
                              rule: RecurrenceRule(frequency: .daily, end: .count(5)))
        #expect(utcStrings(allSlots(s)) == [
            "2026-03-06T07:30", "2026-03-07T07:30", "2026-03-08T07:30", "2026-03-09T06:30", "2026-03-10T06:30",
        ])
        #expect(localStrings(allSlots(s), in: newYork)[2] == "2026-03-08T03:30")
        // The gap slot is still a slot at its adjusted instant, and its wall time is the nominal one.
        #expect(s.hasSlot(at: utc("2026-03-08T07:30")))
        #expect(s.localSlot(at: utc("2026-03-08T07:30")) == local("2026-03-08T02:30"))
    }

    @Test("New York daily 01:30 across fall-back takes the first 01:30")
    func newYorkFallBack() {
        let s = MeetingSeries(start: local("2026-10-30T01:30"), timeZone: newYork, durationMinutes: 60,
                              rule: RecurrenceRule(frequency: .daily, end: .count(4)))
        #expect(utcStrings(allSlots(s)) == ["2026-10-30T05:30", "2026-10-31T05:30", "2026-11-01T05:30", "2026-11-02T06:30"])
        // Durations are exact: the fall-back day's meeting ends 60 real minutes later.
        let day = s.occurrences(from: utc("2026-11-01T00:00"), to: utc("2026-11-01T12:00"))
        #expect(day.count == 1 && day[0].end.timeIntervalSince(day[0].start) == 3600)
    }

    @Test("monthly in New York keeps local time while UTC shifts")
    func monthlyNewYork() {
        let s = MeetingSeries(start: local("2026-01-15T18:00"), timeZone: newYork, durationMinutes: 45,
                              rule: RecurrenceRule(frequency: .monthly, end: .count(12)))
        let slots = allSlots(s)
        #expect(Set(localStrings(slots, in: newYork).map { $0.suffix(5) }) == ["18:00"])
        #expect(Set(utcStrings(slots).map { $0.suffix(5) }) == ["23:00", "22:00"])
    }

    @Test("a window given in UTC around the change finds the right slots")
    func windowAroundChange() {
        let s = MeetingSeries(start: local("2026-03-01T23:30"), timeZone: newYork, durationMinutes: 30,
                              rule: RecurrenceRule(frequency: .daily))
        // 2026-03-08T23:30 EDT is 03-09T03:30Z.
        #expect(utcStrings(s.slots(from: utc("2026-03-09T03:30"), to: utc("2026-03-09T03:31"))) == ["2026-03-09T03:30"])
        #expect(utcStrings(s.slots(from: utc("2026-03-08T03:00"), to: utc("2026-03-09T04:00"))) == ["2026-03-08T04:30", "2026-03-09T03:30"])
    }

    @Test("a skipped calendar day (Samoa, 2011-12-30) doesn't duplicate or lose instants")
    func skippedDay() throws {
        let apia = try #require(TimeZone(identifier: "Pacific/Apia"))
        let s = MeetingSeries(start: local("2011-12-28T09:00"), timeZone: apia, durationMinutes: 60,
                              rule: RecurrenceRule(frequency: .daily, end: .count(6)))
        // 30 December never happened there; its 09:00 resolves to the same instant as 31 December's.
        #expect(utcStrings(allSlots(s)) == [
            "2011-12-28T19:00", "2011-12-29T19:00", "2011-12-30T19:00", "2011-12-31T19:00", "2012-01-01T19:00",
        ])
    }
}
