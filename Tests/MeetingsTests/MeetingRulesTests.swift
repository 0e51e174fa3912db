import Foundation
import Meetings
import Scheduling
import Store
import Testing

@Suite("Meeting rules")
struct MeetingRulesTests {
    static func blank() -> MeetingRecord {
        MeetingRecord(id: "m", code: "abc-defg-hij", dialInCode: "1234567890", hostId: "h", kind: MeetingRecord.instant,
                      title: "", description: "", reminderMinutes: 10, createdAt: 0, updatedAt: 0)
    }

    static func changes(_ build: (inout MeetingChanges) -> Void) -> MeetingChanges {
        var c = MeetingChanges()
        build(&c)
        return c
    }

    func error(_ c: MeetingChanges, creating: Bool = true) -> MeetingError? {
        var m = Self.blank()
        do { try MeetingRules.apply(c, to: &m, creating: creating) } catch let e as MeetingError { return e } catch { return nil }
        return nil
    }

    @Test("a passcode has 4 to 10 digits; empty clears it")
    func passcode() throws {
        #expect(error(Self.changes { $0.present = [.passcode]; $0.passcode = "12a4" })
                == MeetingError("passcode", "A passcode has 4 to 10 digits, so phone callers can type it."))
        var m = Self.blank()
        try MeetingRules.apply(Self.changes { $0.present = [.passcode]; $0.passcode = "2468" }, to: &m, creating: true)
        #expect(m.passcode == "2468")
        try MeetingRules.apply(Self.changes { $0.present = [.passcode]; $0.passcode = "" }, to: &m, creating: false)
        #expect(m.passcode == nil)
    }

    @Test("titles are checked and defaulted; a schedule needs a zone, a valid start and a readable rule")
    func scheduleAndTitle() throws {
        #expect(error(Self.changes { $0.title = String(repeating: "x", count: 201) })?.field == "title")
        #expect(error(Self.changes { $0.present = [.start]; $0.start = "2027-01-01T09:00" })
                == MeetingError("timeZone", "Choose the time zone the start time is in."))
        #expect(error(Self.changes { $0.present = [.start, .timeZone]; $0.start = "tomorrow"; $0.timeZone = "UTC" })?.field == "start")
        #expect(error(Self.changes { $0.present = [.recurrence]; $0.recurrence = { RecurrenceRule(frequency: .daily) } })
                == MeetingError("start", "A repeating meeting needs a start date and time."))
        var m = Self.blank()
        try MeetingRules.apply(Self.changes { $0.present = [.start, .timeZone]; $0.start = "2027-01-01T09:00"; $0.timeZone = "Europe/Berlin" },
                               to: &m, creating: true)
        #expect(m.kind == MeetingRecord.scheduled && m.title == "Meeting" && m.durationMinutes == 60)
        #expect(m.firstStart != nil && m.lastEnd != nil)
    }
}
