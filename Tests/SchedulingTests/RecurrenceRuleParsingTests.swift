import Foundation
import Testing
@testable import Scheduling

@Suite("RecurrenceRule parsing and writing")
struct RecurrenceRuleParsingTests {
    @Test("parses what Parley writes and calendar-app equivalents")
    func parsesGood() throws {
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY") == RecurrenceRule(frequency: .daily))
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;INTERVAL=3;COUNT=10")
            == RecurrenceRule(frequency: .daily, interval: 3, end: .count(10)))
        #expect(try RecurrenceRule(parsing: "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE,MO;UNTIL=20270131")
            == RecurrenceRule(frequency: .weekly, interval: 2, byWeekday: [.MO, .WE], end: .until(LocalDate(year: 2027, month: 1, day: 31))))
        #expect(try RecurrenceRule(parsing: "RRULE:freq=weekly;byday=mo,mo,fr;wkst=su;")
            == RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .FR]))
        #expect(try RecurrenceRule(parsing: "  FREQ=MONTHLY;BYDAY=2TU\r\n")
            == RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: 2, .TU)))
        #expect(try RecurrenceRule(parsing: "FREQ=MONTHLY;BYDAY=+3WE")
            == RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, monthlyAnchor: .weekday(ordinal: 3, .WE)))
        #expect(try RecurrenceRule(parsing: "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12")
            == RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, end: .count(12), monthlyAnchor: .weekday(ordinal: -1, .FR)))
        #expect(try RecurrenceRule(parsing: "FREQ=MONTHLY;BYMONTHDAY=31")
            == RecurrenceRule(frequency: .monthly, monthlyBy: .dayOfMonth, monthlyAnchor: .day(31)))
        #expect(try RecurrenceRule(parsing: "FREQ=MONTHLY;INTERVAL=01")
            == RecurrenceRule(frequency: .monthly))
        // WKST other than MO is harmless when all days fall on one side of it.
        #expect(try RecurrenceRule(parsing: "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;WKST=SU").byWeekday == [.MO, .WE])
    }

    @Test("an UNTIL at the end of the supported years survives the round trip through UTC",
          arguments: ["America/New_York", "Europe/Moscow", "Pacific/Kiritimati", "Pacific/Pago_Pago"])
    func untilAtTheEdge(zone: String) throws {
        // Found by FuzzRecurrenceRule: the end of 2200-12-31 west of UTC is 2201 in UTC.
        let tz = try #require(TimeZone(identifier: zone))
        let rule = RecurrenceRule(frequency: .daily, interval: 1, byWeekday: [], monthlyBy: .dayOfMonth,
                                  end: .until(LocalDate(year: 2200, month: 12, day: 31)))
        let text = rule.rruleValue(start: LocalDateTime(year: 2200, month: 12, day: 1, hour: 9), zone: tz)
        let parsed = try RecurrenceRule(parsing: text, timeZone: tz)
        #expect(parsed.end == .until(LocalDate(year: 2200, month: 12, day: 31)), "\(text)")
        // A date-only or floating UNTIL outside the range is still refused.
        #expect(throws: SchedulingError.self) { try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=22010101", timeZone: tz) }
        #expect(throws: SchedulingError.self) { try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=22020101T000000Z", timeZone: tz) }
    }

    @Test("UNTIL as a UTC date-time becomes the local date in the series' zone")
    func untilUTC() throws {
        let end = LocalDate(year: 2027, month: 1, day: 31)
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20270131T225959Z", timeZone: berlin).end == .until(end))
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20270201T045959Z", timeZone: newYork).end == .until(end))
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20270131T145959Z", timeZone: tokyo).end == .until(end))
        // Floating date-time: already local.
        #expect(try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20270131T235959").end == .until(end))
        // Without a zone a UTC UNTIL is refused rather than guessed.
        #expect(throws: SchedulingError.self) { try RecurrenceRule(parsing: "FREQ=DAILY;UNTIL=20270131T225959Z") }
    }

    @Test("rejects junk, unknown parts and unsupported combinations", arguments: [
        "", "   ", "RRULE:", ";;;", "FREQ", "FREQ=", "=DAILY", "INTERVAL=2", "FREQ=YEARLY", "FREQ=HOURLY", "FREQ=FORTNIGHTLY",
        "FREQ=DAILY;FREQ=WEEKLY", "FREQ=DAILY;INTERVAL=0", "FREQ=DAILY;INTERVAL=100", "FREQ=DAILY;INTERVAL=-1",
        "FREQ=DAILY;INTERVAL=99999999999999999999", "FREQ=DAILY;INTERVAL=1.5", "FREQ=DAILY;INTERVAL= 2",
        "FREQ=DAILY;COUNT=0", "FREQ=DAILY;COUNT=1001", "FREQ=DAILY;COUNT=5;UNTIL=20270101",
        "FREQ=DAILY;UNTIL=2027-01-01", "FREQ=DAILY;UNTIL=20270230", "FREQ=DAILY;UNTIL=20270101T250000Z",
        "FREQ=DAILY;UNTIL=20270101T000000+0100", "FREQ=DAILY;UNTIL=99991231", "FREQ=DAILY;BYDAY=MO",
        "FREQ=DAILY;BYMONTHDAY=3", "FREQ=WEEKLY;BYDAY=2MO", "FREQ=WEEKLY;BYDAY=XX", "FREQ=WEEKLY;BYDAY=MO,",
        "FREQ=WEEKLY;BYDAY=M", "FREQ=WEEKLY;BYMONTHDAY=1", "FREQ=WEEKLY;INTERVAL=2;BYDAY=SU,MO;WKST=SU",
        "FREQ=WEEKLY;WKST=XX", "FREQ=MONTHLY;BYDAY=TU", "FREQ=MONTHLY;BYDAY=2TU,4TU", "FREQ=MONTHLY;BYDAY=-2FR",
        "FREQ=MONTHLY;BYDAY=6MO", "FREQ=MONTHLY;BYDAY=0MO", "FREQ=MONTHLY;BYDAY=100MO", "FREQ=MONTHLY;BYMONTHDAY=-1",
        "FREQ=MONTHLY;BYMONTHDAY=1,15", "FREQ=MONTHLY;BYMONTHDAY=32", "FREQ=MONTHLY;BYMONTHDAY=0",
        "FREQ=MONTHLY;BYMONTHDAY=15;BYDAY=1MO", "FREQ=MONTHLY;BYSETPOS=-1;BYDAY=MO,TU", "FREQ=DAILY;BYHOUR=9",
        "FREQ=DAILY;X-NAME=1", "FREQ=DAILY;COUNT", "FREQ=DAILY COUNT=3", "FREQ=DAILY;\u{0}", "FREQ=DAILY;COUNT=３",
        "FREQ=DAILY\nCOUNT=3", "FREQ=DAILÝ",
    ])
    func rejectsBad(rule: String) {
        #expect(throws: SchedulingError.self) { try RecurrenceRule(parsing: rule, timeZone: berlin) }
    }

    @Test("unsupported parts get a message naming the part")
    func messages() {
        func message(_ rule: String) -> String {
            do { _ = try RecurrenceRule(parsing: rule); return "" } catch { return error.message }
        }
        #expect(message("FREQ=YEARLY").contains("YEARLY"))
        #expect(message("FREQ=DAILY;BYSETPOS=1").contains("BYSETPOS"))
        #expect(message("FREQ=DAILY;COUNT=2000").contains("COUNT"))
        #expect(message("FREQ=DAILY;INTERVAL=2;INTERVAL=3").contains("more than once"))
        #expect(message("FREQ=MONTHLY;BYDAY=TU").contains("2TU"))
    }

    @Test("byte-level junk and over-long input throw instead of trapping")
    func byteJunk() {
        let junk: [[UInt8]] = [
            [0xFF], [0x00], [0xC3, 0x28], Array("FREQ=DAILY;COUNT=".utf8) + [0xF0, 0x9F],
            Array("FREQ=DAILY;BYDAY=".utf8) + Array(repeating: UInt8(ascii: ","), count: 50),
            Array(repeating: UInt8(ascii: "A"), count: 100_000),
            Array(("FREQ=WEEKLY;" + String(repeating: "BYDAY=MO;", count: 200)).utf8),
        ]
        for bytes in junk {
            #expect(throws: SchedulingError.self) {
                try RecurrenceRule(parsing: String(decoding: bytes, as: UTF8.self), timeZone: berlin)
            }
        }
    }

    @Test("mutated rules never trap")
    func fuzz() {
        let seeds = [
            "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131T225959Z", "FREQ=MONTHLY;BYDAY=-1FR;COUNT=12",
            "FREQ=MONTHLY;BYMONTHDAY=31;UNTIL=20270131", "FREQ=DAILY;INTERVAL=3;COUNT=10;WKST=MO",
        ]
        let alphabet = Array("FREQ=DAILYWEKMONTHBYDAYSUTU;,-+0123456789ZT:\u{0}é".utf8)
        var random = TestRandom(state: 0x5EED)
        var parsed = 0
        for _ in 0..<5000 {
            var bytes = Array(seeds[random.below(seeds.count)].utf8)
            for _ in 0..<(1 + random.below(4)) {
                let position = random.below(bytes.count + 1)
                switch random.below(3) {
                case 0: bytes.insert(alphabet[random.below(alphabet.count)], at: position)
                case 1: if position < bytes.count { bytes.remove(at: position) }
                default: if position < bytes.count { bytes[position] = UInt8(truncatingIfNeeded: random.next()) }
                }
            }
            if let rule = try? RecurrenceRule(parsing: String(decoding: bytes, as: UTF8.self), timeZone: newYork) {
                parsed += 1
                // Whatever parses must also expand and validate without trapping.
                let series = MeetingSeries(start: local("2026-01-15T10:00"), timeZone: newYork, durationMinutes: 30, rule: rule)
                _ = try? series.validate()
                _ = series.slots(from: utc("2026-01-01T00:00"), to: utc("2027-01-01T00:00"))
            }
        }
        #expect(parsed > 0)
    }

    @Test("rruleValue formats", arguments: [
        (RecurrenceRule(frequency: .daily), "2026-12-01T09:00", "FREQ=DAILY"),
        (RecurrenceRule(frequency: .daily, interval: 2, end: .count(5)), "2026-12-01T09:00", "FREQ=DAILY;INTERVAL=2;COUNT=5"),
        (RecurrenceRule(frequency: .weekly, interval: 2, byWeekday: [.WE, .MO], end: .until(LocalDate(year: 2027, month: 1, day: 31))),
         "2026-12-02T09:00", "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20270131T225959Z"),
        (RecurrenceRule(frequency: .weekly), "2026-12-01T09:00", "FREQ=WEEKLY"),
        (RecurrenceRule(frequency: .monthly), "2026-01-31T09:00", "FREQ=MONTHLY;BYMONTHDAY=31"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth), "2026-12-08T09:00", "FREQ=MONTHLY;BYDAY=2TU"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth), "2026-01-30T09:00", "FREQ=MONTHLY;BYDAY=-1FR"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth), "2026-01-28T09:00", "FREQ=MONTHLY;BYDAY=4WE"),
        (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth), "2026-01-01T09:00", "FREQ=MONTHLY;BYDAY=1TH"),
    ] as [(RecurrenceRule, String, String)])
    func writes(rule: RecurrenceRule, start: String, expected: String) {
        #expect(rule.rruleValue(start: local(start), zone: berlin) == expected)
    }

    @Test("UNTIL is the last second of the until-day in the zone, in UTC (RFC 5545 §3.3.10)")
    func untilInUTC() {
        let rule = RecurrenceRule(frequency: .daily, end: .until(LocalDate(year: 2027, month: 1, day: 31)))
        #expect(rule.rruleValue(start: local("2027-01-01T09:00"), zone: newYork) == "FREQ=DAILY;UNTIL=20270201T045959Z")
        #expect(rule.rruleValue(start: local("2027-01-01T09:00"), zone: tokyo) == "FREQ=DAILY;UNTIL=20270131T145959Z")
        #expect(rule.rruleValue(start: local("2027-01-01T09:00"), zone: utcZone) == "FREQ=DAILY;UNTIL=20270131T235959Z")
        let summer = RecurrenceRule(frequency: .daily, end: .until(LocalDate(year: 2027, month: 7, day: 1)))
        #expect(summer.rruleValue(start: local("2027-01-01T09:00"), zone: berlin) == "FREQ=DAILY;UNTIL=20270701T215959Z")
    }

    @Test("round trip through init(parsing:) keeps the text and the expansion")
    func roundTrip() throws {
        let untilDate = LocalDate(year: 2027, month: 6, day: 30)
        let cases: [(RecurrenceRule, String)] = [
            (RecurrenceRule(frequency: .daily), "2026-01-01T09:00"),
            (RecurrenceRule(frequency: .daily, interval: 7, end: .count(40)), "2026-01-01T09:00"),
            (RecurrenceRule(frequency: .weekly, interval: 2, byWeekday: [.MO, .TH], end: .until(untilDate)), "2026-01-05T23:30"),
            (RecurrenceRule(frequency: .weekly, byWeekday: [.SU, .SA, .FR], end: .count(9)), "2026-01-02T00:15"),
            (RecurrenceRule(frequency: .monthly, interval: 3, end: .until(untilDate)), "2026-01-31T18:00"),
            (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, end: .count(14)), "2026-01-30T12:00"),
            (RecurrenceRule(frequency: .monthly, monthlyBy: .weekdayOfMonth, end: .until(untilDate)), "2026-01-13T08:00"),
        ]
        for zone in [berlin, newYork, tokyo] {
            for (rule, startText) in cases {
                let start = local(startText)
                let text = rule.rruleValue(start: start, zone: zone)
                let parsed = try RecurrenceRule(parsing: text, timeZone: zone)
                #expect(parsed.rruleValue(start: start, zone: zone) == text)
                #expect(parsed.frequency == rule.frequency && parsed.interval == rule.interval && parsed.end == rule.end)
                let a = MeetingSeries(start: start, timeZone: zone, durationMinutes: 30, rule: rule)
                let b = MeetingSeries(start: start, timeZone: zone, durationMinutes: 30, rule: parsed)
                try b.validate()
                let from = utc("2025-12-01T00:00"), to = utc("2028-01-01T00:00")
                #expect(a.slots(from: from, to: to) == b.slots(from: from, to: to), "\(text) in \(zone.identifier)")
            }
        }
    }
}
