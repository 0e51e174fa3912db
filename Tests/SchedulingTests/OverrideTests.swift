import Foundation
import Testing
@testable import Scheduling

@Suite("Per-occurrence overrides")
struct OverrideTests {
    /// Mondays and Wednesdays 09:00 Berlin, 8 slots from 2026-03-02 (crosses the
    /// 2026-03-29 change).
    func weekly() -> MeetingSeries {
        MeetingSeries(start: local("2026-03-02T09:00"), timeZone: berlin, durationMinutes: 60,
                      rule: RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE], end: .count(8)))
    }

    let window = (utc("2026-02-01T00:00"), utc("2026-06-01T00:00"))

    @Test("a cancelled slot vanishes but still counts toward COUNT")
    func cancelled() {
        var s = weekly()
        let slots = allSlots(s)
        #expect(slots.count == 8)
        s.overrides[slots[2]] = OccurrenceOverride(isCancelled: true)
        let occurrences = s.occurrences(from: window.0, to: window.1)
        #expect(occurrences.count == 7)
        #expect(!occurrences.map(\.originalStart).contains(slots[2]))
        // The series still ends on the 8th slot: nothing was added to make up for it.
        #expect(occurrences.last?.originalStart == slots[7])
        #expect(allSlots(s) == slots)
        #expect(s.hasSlot(at: slots[2]))
    }

    @Test("a moved occurrence appears at its new time, even outside its slot's window")
    func moved() throws {
        var s = weekly()
        let slots = allSlots(s)
        // 2026-03-04 (Wednesday) moved to Friday 2026-04-03 14:30, 45 minutes, across the change.
        s.overrides[slots[1]] = OccurrenceOverride(start: local("2026-04-03T14:30"), durationMinutes: 45)
        let all = s.occurrences(from: window.0, to: window.1)
        #expect(all.count == 8)
        let moved = try #require(all.first { $0.originalStart == slots[1] })
        #expect(moved.start == utc("2026-04-03T12:30"))
        #expect(moved.end == utc("2026-04-03T13:15"))
        #expect(moved.isModified && moved.title == nil)
        #expect(all.map(\.start) == all.map(\.start).sorted())
        // A window around the new time finds it; one around the old slot doesn't.
        #expect(s.occurrences(from: utc("2026-04-03T12:00"), to: utc("2026-04-03T13:00")).map(\.originalStart) == [slots[1]])
        #expect(s.occurrences(from: utc("2026-03-04T00:00"), to: utc("2026-03-05T00:00")).isEmpty)
    }

    @Test("a retitled occurrence keeps its time and carries the title")
    func retitled() throws {
        var s = weekly()
        let slots = allSlots(s)
        s.overrides[slots[5]] = OccurrenceOverride(title: "Quarterly review")
        let all = s.occurrences(from: window.0, to: window.1)
        let changed = try #require(all.first { $0.originalStart == slots[5] })
        #expect(changed.start == slots[5] && changed.end == slots[5].addingTimeInterval(3600))
        #expect(changed.title == "Quarterly review" && changed.isModified)
        #expect(all.filter(\.isModified).count == 1)
        #expect(all.filter { $0.title != nil }.count == 1)
    }

    @Test("overrides at instants that aren't slots are ignored")
    func strayKeys() {
        var s = weekly()
        s.overrides[utc("2026-03-03T08:00")] = OccurrenceOverride(start: local("2026-03-10T10:00"), title: "Ghost")
        s.overrides[utc("2026-03-02T08:00").addingTimeInterval(1)] = OccurrenceOverride(isCancelled: true)
        let all = s.occurrences(from: window.0, to: window.1)
        #expect(all.count == 8)
        #expect(all.allSatisfy { !$0.isModified && $0.title == nil })
    }

    @Test("an override with nothing set is an ordinary occurrence")
    func emptyOverride() {
        var s = weekly()
        let slots = allSlots(s)
        s.overrides[slots[0]] = OccurrenceOverride()
        let first = s.occurrences(from: window.0, to: window.1).first
        #expect(first?.start == slots[0] && first?.isModified == false)
    }

    @Test("overrides on a one-off meeting")
    func single() {
        var s = MeetingSeries(start: local("2026-12-01T09:00"), timeZone: berlin, durationMinutes: 30)
        let slot = s.start.resolved(in: berlin)
        s.overrides[slot] = OccurrenceOverride(start: local("2026-12-01T11:00"))
        #expect(s.occurrences(from: utc("2026-12-01T00:00"), to: utc("2026-12-02T00:00")).map(\.start) == [utc("2026-12-01T10:00")])
        s.overrides[slot] = OccurrenceOverride(isCancelled: true)
        #expect(s.occurrences(from: utc("2026-12-01T00:00"), to: utc("2026-12-02T00:00")).isEmpty)
    }
}
