import Foundation
import Testing
@testable import Scheduling

@Suite("ICalendarWriter")
struct ICalendarWriterTests {
    let now = utc("2026-02-04T10:13:20")

    func event(_ series: MeetingSeries, title: String = "Team sync", description: String = "Weekly sync.",
               isCancelled: Bool = false) -> CalendarEvent {
        CalendarEvent(
            uid: "4f7c2a9e-0000-4000-8000-000000000001@parley", series: series, title: title, description: description,
            url: "https://parley.example/j/abc", location: "https://parley.example/j/abc",
            organizer: CalendarPerson(name: "Ada Lovelace", email: "ada@example.com"),
            attendees: [CalendarPerson(name: "Bob, Jr.", email: "bob@example.com"), CalendarPerson(name: "No Mail")],
            sequence: 3, createdAt: utc("2026-01-02T03:04:05"), updatedAt: utc("2026-01-03T04:05:06"), isCancelled: isCancelled
        )
    }

    /// Mondays/Wednesdays 09:00 Berlin across the March change, one cancelled, one moved, one retitled.
    func editedSeries() -> (MeetingSeries, [Date]) {
        var s = MeetingSeries(start: local("2026-03-02T09:00"), timeZone: berlin, durationMinutes: 60,
                              rule: RecurrenceRule(frequency: .weekly, byWeekday: [.MO, .WE], end: .count(10)))
        let slots = allSlots(s)
        s.overrides[slots[3]] = OccurrenceOverride(isCancelled: true)
        s.overrides[slots[5]] = OccurrenceOverride(start: local("2026-03-20T14:30"), durationMinutes: 45)
        s.overrides[slots[7]] = OccurrenceOverride(title: "Review; with, commas")
        return (s, slots)
    }

    /// Physical lines without their CRLF, split on the raw bytes.
    func physicalLines(_ ics: String) -> [[UInt8]] {
        let bytes = Array(ics.utf8)
        var lines: [[UInt8]] = []
        var current: [UInt8] = []
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A {
                lines.append(current)
                current = []
                i += 2
            } else {
                current.append(bytes[i])
                i += 1
            }
        }
        #expect(current.isEmpty, "output must end with CRLF")
        return lines
    }

    /// Logical lines (unfolded, RFC 5545 §3.1).
    func unfolded(_ ics: String) -> [String] {
        ics.replacingOccurrences(of: "\r\n ", with: "").components(separatedBy: "\r\n").filter { !$0.isEmpty }
    }

    @Test("calendar envelope, CRLF everywhere and no bare LF or CR")
    func envelope() {
        let ics = ICalendarWriter.calendar(name: "Parley, team", events: [event(editedSeries().0)], now: now)
        let lines = unfolded(ics)
        #expect(lines.prefix(6) == [
            "BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Parley//Parley//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH",
            "X-WR-CALNAME:Parley\\, team",
        ])
        #expect(lines.last == "END:VCALENDAR")
        let bytes = Array(ics.utf8)
        for (i, byte) in bytes.enumerated() {
            if byte == 0x0A { #expect(i > 0 && bytes[i - 1] == 0x0D) }
            if byte == 0x0D { #expect(i + 1 < bytes.count && bytes[i + 1] == 0x0A) }
        }
        #expect(ICalendarWriter.calendar(name: nil, events: [], now: now).contains("X-WR-CALNAME") == false)
    }

    @Test("master event: times, rule, exceptions and people")
    func master() {
        let (series, _) = editedSeries()
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(series)], now: now))
        let master = Array(lines.drop { $0 != "BEGIN:VEVENT" }.prefix { $0 != "END:VEVENT" })
        #expect(master.contains("UID:4f7c2a9e-0000-4000-8000-000000000001@parley"))
        #expect(master.contains("DTSTAMP:20260204T101320Z"))
        #expect(master.contains("DTSTART;TZID=Europe/Berlin:20260302T090000"))
        #expect(master.contains("DTEND;TZID=Europe/Berlin:20260302T100000"))
        #expect(master.contains("RRULE:FREQ=WEEKLY;BYDAY=MO,WE;COUNT=10"))
        #expect(master.filter { $0.hasPrefix("EXDATE") } == ["EXDATE;TZID=Europe/Berlin:20260311T090000"])
        #expect(master.contains("SUMMARY:Team sync"))
        #expect(master.contains("DESCRIPTION:Weekly sync."))
        #expect(master.contains("URL:https://parley.example/j/abc"))
        #expect(master.contains("LOCATION:https://parley.example/j/abc"))
        #expect(master.contains("ORGANIZER;CN=\"Ada Lovelace\":mailto:ada@example.com"))
        #expect(master.contains("ATTENDEE;CN=\"Bob, Jr.\";ROLE=REQ-PARTICIPANT:mailto:bob@example.com"))
        #expect(!master.contains { $0.contains("No Mail") })
        #expect(master.contains("SEQUENCE:3"))
        #expect(master.contains("STATUS:CONFIRMED"))
        #expect(master.contains("CREATED:20260102T030405Z"))
        #expect(master.contains("LAST-MODIFIED:20260103T040506Z"))
    }

    @Test("moved and retitled occurrences get their own VEVENT with RECURRENCE-ID")
    func exceptions() {
        let (series, _) = editedSeries()
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(series)], now: now))
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 3)
        #expect(lines.filter { $0.hasPrefix("RECURRENCE-ID") } == [
            "RECURRENCE-ID;TZID=Europe/Berlin:20260318T090000",
            "RECURRENCE-ID;TZID=Europe/Berlin:20260325T090000",
        ])
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20260320T143000"))
        #expect(lines.contains("DTEND;TZID=Europe/Berlin:20260320T151500"))
        #expect(lines.contains("SUMMARY:Review\\; with\\, commas"))
        #expect(lines.filter { $0.hasPrefix("UID:") }.count == 3)
    }

    @Test("a one-off meeting has no RRULE and takes its override directly")
    func single() {
        var s = MeetingSeries(start: local("2026-12-01T09:00"), timeZone: berlin, durationMinutes: 30)
        s.overrides[s.start.resolved(in: berlin)] = OccurrenceOverride(start: local("2026-12-02T10:00"), title: "Moved")
        let lines = Array(unfolded(ICalendarWriter.calendar(name: nil, events: [event(s)], now: now)).drop { $0 != "BEGIN:VEVENT" })
        #expect(lines.filter { $0 == "BEGIN:VEVENT" }.count == 1)
        #expect(!lines.contains { $0.hasPrefix("RRULE") || $0.hasPrefix("RECURRENCE-ID") || $0.hasPrefix("EXDATE") })
        #expect(lines.contains("DTSTART;TZID=Europe/Berlin:20261202T100000"))
        #expect(lines.contains("DTEND;TZID=Europe/Berlin:20261202T103000"))
        #expect(lines.contains("SUMMARY:Moved"))
    }

    @Test("a cancelled series is STATUS:CANCELLED")
    func cancelled() {
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(editedSeries().0, isCancelled: true)], now: now))
        #expect(lines.filter { $0.hasPrefix("STATUS") }.allSatisfy { $0 == "STATUS:CANCELLED" })
    }

    @Test("TEXT escaping of backslash, semicolon, comma and line breaks (RFC 5545 §3.3.11)")
    func escaping() {
        #expect(ContentLines.text("a\\b;c,d\ne\r\nf\rg") == "a\\\\b\\;c\\,d\\ne\\nf\\ng")
        #expect(ContentLines.text("tab\there\u{0}\u{7}\u{7F}") == "tab\there")
        #expect(ContentLines.text("colon: fine \"quotes\"") == "colon: fine \"quotes\"")
        let ics = ICalendarWriter.calendar(name: nil, events: [event(editedSeries().0, description: "Line 1\nLine 2; a, b \\ c")], now: now)
        #expect(unfolded(ics).contains("DESCRIPTION:Line 1\\nLine 2\\; a\\, b \\\\ c"))
    }

    @Test("parameter values are quoted and can't break out")
    func parameters() {
        #expect(ContentLines.parameter("Ada") == "Ada")
        #expect(ContentLines.parameter("Ada Lovelace") == "\"Ada Lovelace\"")
        #expect(ContentLines.parameter("Evil\":mailto:x;\r\nX-INJECT:1") == "\"Evil':mailto:x;X-INJECT:1\"")
        var s = editedSeries().0
        s.overrides = [:]
        var e = event(s)
        e.organizer = CalendarPerson(name: "Mallory\r\nATTENDEE:mailto:evil@example.com", email: "m@example.com\r\nX: y")
        e.url = "https://parley.example/j/abc\r\nX-EVIL:1"
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [e], now: now))
        #expect(!lines.contains { $0.hasPrefix("ATTENDEE:mailto:evil") || $0.hasPrefix("X-EVIL") || $0.hasPrefix("X:") })
    }

    @Test("long lines fold at 75 octets without splitting UTF-8 (RFC 5545 §3.1)")
    func folding() {
        let description = String(repeating: "Grüße aus Zürich 😀 — 東京の会議。 ", count: 20) + "end"
        let ics = ICalendarWriter.calendar(name: nil, events: [event(editedSeries().0, description: description)], now: now)
        let lines = physicalLines(ics)
        #expect(lines.count > 30)
        for line in lines {
            #expect(line.count <= 75, "\(String(decoding: line, as: UTF8.self))")
            // Each physical line is valid UTF-8 by itself: no sequence was split.
            #expect(Array(String(decoding: line, as: UTF8.self).utf8) == line)
        }
        // Folding packs lines: multibyte scalars may leave up to 3 octets unused.
        #expect(lines.contains { $0.count >= 72 })
        #expect(unfolded(ics).contains("DESCRIPTION:" + ContentLines.text(description)))
    }

    @Test("fold boundaries: exactly 75 octets stay whole; continuation lines hold 74 plus the space")
    func foldBoundaries() {
        let exact = String(repeating: "a", count: 75)
        #expect(ContentLines.fold(exact) == exact)
        let longer = String(repeating: "a", count: 76 + 74)
        #expect(ContentLines.fold(longer) == String(repeating: "a", count: 75) + "\r\n " + String(repeating: "a", count: 74) + "\r\n a")
        // A 4-octet scalar that would cross the limit moves to the next line whole.
        let emoji = String(repeating: "a", count: 73) + "😀"
        #expect(ContentLines.fold(emoji) == String(repeating: "a", count: 73) + "\r\n 😀")
    }

    @Test("VTIMEZONE for a DST zone has STANDARD and DAYLIGHT with yearly rules")
    func vtimezoneBerlin() {
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(editedSeries().0)], now: now))
        let zone = Array(lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix { $0 != "END:VTIMEZONE" })
        #expect(zone.contains("TZID:Europe/Berlin"))
        #expect(zone.contains("BEGIN:DAYLIGHT") && zone.contains("BEGIN:STANDARD"))
        #expect(zone.contains("TZOFFSETFROM:+0100") && zone.contains("TZOFFSETTO:+0200"))
        #expect(zone.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU"))
        #expect(zone.contains("RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU"))
        #expect(zone.contains("DTSTART:20250330T020000"))
        #expect(zone.contains("DTSTART:20251026T030000"))
        // The VTIMEZONE comes before the events that use it.
        #expect(lines.firstIndex(of: "BEGIN:VTIMEZONE")! < lines.firstIndex(of: "BEGIN:VEVENT")!)
    }

    @Test("VTIMEZONE for New York uses the second Sunday of March and first of November")
    func vtimezoneNewYork() {
        let s = MeetingSeries(start: local("2026-03-02T09:00"), timeZone: newYork, durationMinutes: 60,
                              rule: RecurrenceRule(frequency: .weekly))
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(s)], now: now))
        #expect(lines.contains("RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU"))
        #expect(lines.contains("RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU"))
        #expect(lines.contains("TZOFFSETFROM:-0500") && lines.contains("TZOFFSETTO:-0400"))
    }

    @Test("zones without DST get a single STANDARD", arguments: ["Asia/Tokyo", "UTC", "Asia/Kolkata"])
    func vtimezoneFixed(identifier: String) throws {
        let zone = try #require(TimeZone(identifier: identifier))
        let s = MeetingSeries(start: local("2026-03-02T09:00"), timeZone: zone, durationMinutes: 60, rule: RecurrenceRule(frequency: .daily, end: .count(3)))
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(s)], now: now))
        let block = Array(lines.drop { $0 != "BEGIN:VTIMEZONE" }.prefix { $0 != "END:VTIMEZONE" })
        #expect(block.filter { $0 == "BEGIN:STANDARD" }.count == 1)
        #expect(!block.contains("BEGIN:DAYLIGHT"))
        let offset = ICalendarWriter.offsetText(zone.secondsFromGMT(for: utc("2026-03-02T00:00")))
        #expect(block.contains("TZOFFSETTO:\(offset)") && block.contains("TZOFFSETFROM:\(offset)"))
        #expect(block.contains("TZID:\(zone.identifier)"))
    }

    @Test("one VTIMEZONE per zone, however many events use it")
    func oneZoneEach() {
        let a = event(editedSeries().0)
        var b = a
        b.uid = "other@parley"
        var c = a
        c.uid = "third@parley"
        c.series.timeZone = newYork
        c.series.overrides = [:]
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [a, b, c], now: now))
        #expect(lines.filter { $0.hasPrefix("TZID:") } == ["TZID:Europe/Berlin", "TZID:America/New_York"])
    }

    @Test("UTC offsets are written as ±HHMM[SS]")
    func offsets() {
        #expect(ICalendarWriter.offsetText(0) == "+0000")
        #expect(ICalendarWriter.offsetText(3600) == "+0100")
        #expect(ICalendarWriter.offsetText(-18000) == "-0500")
        #expect(ICalendarWriter.offsetText(19800) == "+0530")
        #expect(ICalendarWriter.offsetText(-(9 * 3600 + 30 * 60)) == "-0930")
        #expect(ICalendarWriter.offsetText(4 * 3600 + 27 * 60 + 3) == "+042703")
    }

    @Test("an end inside the repeated fall-back hour is written as DURATION")
    func durationAtFallBack() {
        // 00:30 EDT + 90 minutes = 01:00 EST, the second 01:00 of 2026-11-01.
        let s = MeetingSeries(start: local("2026-11-01T00:30"), timeZone: newYork, durationMinutes: 90)
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(s)], now: now))
        #expect(lines.contains("DURATION:PT90M"))
        #expect(!lines.contains { $0.hasPrefix("DTEND") })
    }

    @Test("EXDATE and RECURRENCE-ID use the rule's wall time for a slot in a DST gap")
    func gapSlotIdentity() {
        var s = MeetingSeries(start: local("2026-03-06T02:30"), timeZone: newYork, durationMinutes: 30,
                              rule: RecurrenceRule(frequency: .daily, end: .count(5)))
        s.overrides[utc("2026-03-08T07:30")] = OccurrenceOverride(isCancelled: true)
        let lines = unfolded(ICalendarWriter.calendar(name: nil, events: [event(s)], now: now))
        #expect(lines.contains("EXDATE;TZID=America/New_York:20260308T023000"))
    }
}
